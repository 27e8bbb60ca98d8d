"""WSGI entry point for production servers:
``gunicorn -c python:quizengine.web.gunicorn_conf quizengine.web.wsgi:app``.

Configuration comes from the environment (QUIZENGINE_CONFIG=production, QUIZENGINE_DATABASE_URL,
QUIZENGINE_SECRET_KEY). With the preloaded app of ``gunicorn_conf`` this module runs once, in the
master: the bank's templates are prepared here (``catalog.warm_up``), then the heap is frozen
(``gc.freeze``), so that every forked worker starts warm, shares those pages and never walks them
in a garbage collection. The warm-up closes its connections before the fork.
"""

from quizengine.web import create_app
from quizengine.web.warm import warm_up

app = create_app()
warm_up(app)
