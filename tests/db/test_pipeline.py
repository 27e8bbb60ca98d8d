"""``db.pipeline.execute_writes``: writes run in order in the session's transaction (on
PostgreSQL inside one psycopg pipeline), and a failing write raises SQLAlchemy's exception."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizengine.db.models import ItemRating, LoginFailure
from quizengine.db.pipeline import execute_writes

FAILURE = LoginFailure.__table__
ADD = insert(FAILURE).inline()


def test_writes_run_in_order_in_the_transaction(engine):
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, *args) -> None:
        if statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE
            return
        pgconn = getattr(conn.connection.driver_connection, "pgconn", None)
        seen.append((statement.split()[0], bool(pgconn and pgconn.pipeline_status)))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session, session.begin():
            execute_writes(session, [
                (ADD, [{"key": "a"}, {"key": "b"}]),
                (ADD, {"key": "c"}),  # a single row: no RETURNING asked for its new id
                (update(FAILURE).where(FAILURE.c.key == "a").values(key="a2"), {}),
                (delete(FAILURE).where(FAILURE.c.key == "b"), {}),
            ])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with Session(engine) as session:
        assert sorted(session.scalars(select(FAILURE.c.key))) == ["a2", "c"]
    assert [verb for verb, _ in seen] == ["INSERT", "INSERT", "UPDATE", "DELETE"]
    if engine.dialect.name == "postgresql":
        assert all(piped for _, piped in seen)


def test_a_failing_write_raises_and_rolls_back(engine):
    rating = insert(ItemRating.__table__).inline()
    with Session(engine) as session:
        with pytest.raises(IntegrityError):
            execute_writes(session, [
                (ADD, {"key": "kept only if all succeed"}),
                (rating, {"template_id": "no/such-template", "rating": 0.0, "answers": 0}),
                (ADD, {"key": "after the failure"}),
            ])
        session.rollback()
        assert session.scalar(select(func.count()).select_from(FAILURE)) == 0
        execute_writes(session, [(ADD, {"key": "the session still works"})])
        session.commit()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FAILURE)) == 1
