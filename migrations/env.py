"""Alembic environment: the URL comes from configuration, never from the Flask app.

Precedence: a connection handed in by the caller (``config.attributes["connection"]``, used by
tests), then ``sqlalchemy.url`` set programmatically (``quizengine.db.migrate``), then
``QUIZENGINE_DATABASE_URL``, then the SQLite file under ``instance/``. The models' metadata is read
only so that autogenerate can compare; revisions themselves use plain ``sa.`` constructs.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlalchemy import Connection

from quizengine.db.base import UTCDateTime
from quizengine.db.engine import make_engine
from quizengine.db.models import Base

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from config import default_database_url  # the project's config.py: plain Python, no Flask

    return os.environ.get("QUIZENGINE_DATABASE_URL") or default_database_url()


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our UTC timestamp type as a plain ``sa.DateTime`` so revisions stay model-free."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        configure(given)
        return
    engine = make_engine(database_url(), poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        configure(connection)
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
