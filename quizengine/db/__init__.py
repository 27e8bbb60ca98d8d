"""Persistence: typed SQLAlchemy 2 models and engine/session set-up (no Flask).

The schema itself comes only from Alembic (``quizengine db upgrade``); nothing here calls
``create_all``.
"""

from quizengine.db.base import Base, utcnow
from quizengine.db.engine import make_engine, make_session_factory

__all__ = ["Base", "make_engine", "make_session_factory", "utcnow"]
