"""WSGI entry point for production servers: ``gunicorn -w 4 quizengine.web.wsgi:app``.

Configuration comes from the environment (QUIZENGINE_CONFIG=production, QUIZENGINE_DATABASE_URL,
QUIZENGINE_SECRET_KEY); every worker builds its own app and connection pool.
"""

from quizengine.web import create_app

app = create_app()
