"""``INSERT ... ON CONFLICT DO NOTHING`` for the two databases we run on (PostgreSQL, SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def insert_ignoring_conflicts(session: Session, table: Table, keys: Sequence[str]) -> Insert:
    """An insert into ``table`` that skips rows whose ``keys`` (a unique constraint) already
    exist: a concurrent transaction that inserted the same key first wins, and ours goes on
    without an error or a savepoint. Add ``.values(...)`` / ``.returning(...)`` and execute."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"no ON CONFLICT support for {dialect}")
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement: Insert = module.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return statement
