"""Production gunicorn settings: ``gunicorn -c python:quizengine.web.gunicorn_conf
quizengine.web.wsgi:app``. Each setting can be overridden on the command line.

- ``gthread`` workers, 2 per core, 2 threads each: kept-alive client connections are held by each
  worker's poller, not a thread, and while one thread waits on the database another runs.
  Fewer processes spend less CPU per request on 2 cores (fewer context switches, warmer caches):
  in ``bench/web.py`` (100 students offering 310 submissions/s, rounds back to back) 3 and 4
  workers × 1 thread completed 293-305 submissions/s at 4.6-4.8 ms of server CPU each, 6 workers
  212-289 at 5.3-7.2 ms, 8 workers 205-255 at 6.2-7.5 ms. A second thread per worker keeps a
  slow request (starting an attempt generates its variants) from holding up the other
  connections of its worker: in ``bench/load.py`` (200 students, a worker killed every minute)
  4 × 1 had a p99 of 903 ms, 4 × 2 466 ms, at the same throughput in ``bench/web.py``
  (219-240 against 234-236 submissions/s in one round).
- ``preload_app``: the app (SymPy, the bank's parser tables, the templates) is imported once in
  the master; workers are forked from it. A worker that dies (OOM, SIGKILL) is replaced by a
  fork in milliseconds instead of a multi-second import that would compete for the cores with
  the requests in flight. Nothing in the app factory opens a connection or a thread, and the
  warm-up (``web/warm.py``) closes the connections it used before the fork, so no socket is
  shared.
"""

from __future__ import annotations

import os

bind = os.environ.get("QUIZENGINE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QUIZENGINE_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("QUIZENGINE_THREADS", "2"))
preload_app = True
keepalive = 30
graceful_timeout = 10
timeout = 60
