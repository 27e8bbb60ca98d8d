"""One SQLAlchemy session per request; views commit explicitly before they reply.

Views marked :func:`read_only` get a session in autocommit mode: their statements run without
BEGIN and ROLLBACK, two of a small request's four round trips to PostgreSQL (each statement
still sees committed data, as in a READ COMMITTED transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from quizengine.db import make_engine, make_session_factory


class Database:
    """The app's engine and session factory (``app.extensions["quizengine.db"]``)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.session = make_session_factory(self.engine)
        self.read_session = make_session_factory(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"))

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask) -> None:
    app.extensions["quizengine.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


V = TypeVar("V", bound=Callable[..., object])


def read_only(view: V) -> V:
    """Mark ``view`` as one that never writes: its requests use an autocommit session."""
    view.read_only = True  # type: ignore[attr-defined]
    return view


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        database = current_app.extensions["quizengine.db"]
        view = (current_app.view_functions.get(request.endpoint or "")
                if has_request_context() else None)
        factory = database.read_session if getattr(view, "read_only", False) else database.session
        g.db_session = factory()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever was not committed
