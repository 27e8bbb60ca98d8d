"""Production gunicorn settings: ``gunicorn -c python:quizengine.web.gunicorn_conf
quizengine.web.wsgi:app``. Each setting can be overridden on the command line.

- ``gthread`` workers, 2 per core, 1 thread each: kept-alive client connections are held by each
  worker's poller, not a thread, and while one worker waits on the database another runs. Fewer
  processes spend less CPU per request (fewer context switches and cold caches on 2 cores): in
  ``bench/web.py`` (100 students offering 310 submissions/s, two rounds back to back) 3 and 4
  workers completed 293-305 submissions/s at 4.6-4.8 ms of server CPU each, 6 workers 212-289
  at 5.3-7.2 ms, 8 workers 205-255 at 6.2-7.5 ms. One thread per worker: a worker that dies
  takes one request with it (``bench/load.py`` retries it), and no thread waits for the GIL.
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
threads = int(os.environ.get("QUIZENGINE_THREADS", "1"))
preload_app = True
keepalive = 30
graceful_timeout = 10
timeout = 60
