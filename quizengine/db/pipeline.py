"""Write statements whose results nobody reads, sent to PostgreSQL together.

A submit ends with half a dozen writes (the parts, the learner's skills, their history, two
ratings). One after the other they cost a network round trip each, and a context switch on both
sides; in psycopg 3's pipeline mode they leave in one batch and PostgreSQL answers them together.
Elsewhere (SQLite, in process) they simply run one after the other.

Results are not available: UPDATEs' row counts are not reported, and INSERTs must be built with
``.inline()`` (SQLAlchemy would otherwise add ``RETURNING`` to read a single row's new key).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import exc
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

Write = tuple[Executable, dict[str, Any] | list[dict[str, Any]]]


def execute_writes(session: Session, writes: Sequence[Write]) -> None:
    """Execute each ``(statement, parameters)`` of ``writes`` in order, in the session's
    transaction. A database error raises SQLAlchemy's exception (IntegrityError,
    OperationalError, ...) as a single ``execute`` would; the transaction must then roll back."""
    connection = session.connection()
    if connection.dialect.driver != "psycopg":
        for statement, parameters in writes:
            connection.execute(statement, parameters)
        return
    driver: Any = connection.connection.driver_connection
    try:
        with driver.pipeline():
            for statement, parameters in writes:
                connection.execute(statement, parameters)
    except psycopg.Error as error:  # reported at the pipeline's sync, outside SQLAlchemy's hands
        if driver.closed:
            connection.invalidate(error)
        raise exc.DBAPIError.instance(None, None, error, psycopg.Error,
                                      connection_invalidated=driver.closed) from error
