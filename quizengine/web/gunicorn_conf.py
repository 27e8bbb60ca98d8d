"""Production gunicorn settings: ``gunicorn -c python:quizengine.web.gunicorn_conf
quizengine.web.wsgi:app``. Each setting can be overridden on the command line.

- ``gthread`` workers, 4 per core, 1 thread each: kept-alive client connections are held by each
  worker's poller, not a thread, and while one worker waits on the database another runs. On 2
  cores ``bench/web.py`` could not tell 8 × 1 from 4 × 4 apart (187–249 against 219–254
  submissions/s in this session's runs); a worker that dies takes one request with it instead of
  up to four (``bench/load.py``: 93 retried requests over 4 kills, against 199).
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
workers = int(os.environ.get("QUIZENGINE_WORKERS", str(4 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("QUIZENGINE_THREADS", "1"))
preload_app = True
keepalive = 30
graceful_timeout = 10
timeout = 60
