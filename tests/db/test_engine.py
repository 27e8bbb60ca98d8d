"""Engines: a pooled PostgreSQL connection that the server ended is replaced before use, found
without a round trip (``quizengine.db.engine._refuse_dead_connections``)."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, func, select, text

from quizengine.db import make_engine
from quizengine.db.engine import _refuse_dead_connections


class _FakeConnection:
    closed = True


def test_a_closed_driver_connection_is_refused():
    with pytest.raises(exc.DisconnectionError):
        _refuse_dead_connections(_FakeConnection(), None, None)


def test_a_terminated_backend_is_replaced_on_checkout(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to end a connection")
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    admin = make_engine(database_url)
    try:
        with engine.connect() as conn:
            ended = conn.execute(select(func.pg_backend_pid())).scalar_one()
        with admin.connect() as conn:
            conn.execute(select(func.pg_terminate_backend(ended)))
            conn.commit()
            # the backend exits after the signal: wait for it to be gone (no sleep, no clock)
            gone = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            while conn.execute(gone, {"pid": ended}).scalar_one():
                conn.rollback()
        with engine.connect() as conn:  # the pool's only connection is dead: replaced
            now = conn.execute(select(func.pg_backend_pid())).scalar_one()
            assert conn.execute(select(1)).scalar_one() == 1
        assert now != ended
    finally:
        engine.dispose()
        admin.dispose()
