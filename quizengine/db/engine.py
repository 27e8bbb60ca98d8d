"""Engines and session factories for SQLite (the embedded default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, a busy timeout and real transactions.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT, which the idempotent
    submit relies on; the documented SQLAlchemy recipe below takes BEGIN over. Transactions start
    with ``BEGIN IMMEDIATE``: SQLite allows one writer, and taking the write lock up front makes
    concurrent requests queue (busy timeout) instead of failing with "database is locked" when a
    reader tries to upgrade; connections in autocommit mode (read-only requests) take no lock.
    PostgreSQL connections are checked for life when taken from the pool, without a round trip
    (:func:`_refuse_dead_connections`).
    """
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(engine, "checkout", _refuse_dead_connections)
    return engine


def _refuse_dead_connections(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Make the pool replace a PostgreSQL connection the server has ended (restart, idle
    timeout, terminated backend) before a request uses it.

    An idle connection between transactions has nothing to read; a server that ends it first
    sends an error and closes the socket, so a readable (or closed) socket means it is gone.
    SQLAlchemy's ``pool_pre_ping`` finds the same with a ``SELECT 1`` round trip on every
    checkout, a sixth of a request's statements; this asks the kernel instead (the documented
    "pessimistic, custom" recipe: raising DisconnectionError makes the pool reconnect).
    A link that vanished silently is still found by the first statement, as with pre-ping's
    own failure modes, and reported as 503 with Retry-After.
    """
    if dbapi_connection.closed:
        raise exc.DisconnectionError("connection closed")
    fd = dbapi_connection.pgconn.socket
    readable, _, failed = select.select([fd], [], [fd], 0)
    if readable or failed:
        raise exc.DisconnectionError("the server ended this connection")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit (views render after it)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
