"""One SQLAlchemy session per request; views commit explicitly before they reply."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from quizengine.db import make_engine, make_session_factory


class Database:
    """The app's engine and session factory (``app.extensions["quizengine.db"]``)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.session = make_session_factory(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask) -> None:
    app.extensions["quizengine.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["quizengine.db"].session()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever was not committed
