"""The migrated schema is exactly the models' schema, and migrations go down and up again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from quizengine.db import make_engine
from quizengine.db.migrate import current, downgrade, upgrade
from quizengine.db.models import Base


def _differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.fixture
def empty_url(fresh_database, worker_id, tmp_path):
    with fresh_database(f"mig_{worker_id}", tmp_path) as url:
        yield url


def test_upgrade_matches_models_then_downgrade_and_upgrade_again(empty_url):
    upgrade(empty_url)
    assert current(empty_url) is not None
    assert _differences(empty_url) == []
    assert _tables(empty_url) == set(Base.metadata.tables)

    downgrade(empty_url, "base")
    assert current(empty_url) is None
    assert _tables(empty_url) == set()

    upgrade(empty_url)
    assert _differences(empty_url) == []


def test_session_database_is_at_head(database_url):
    from alembic.script import ScriptDirectory

    from quizengine.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current(database_url) == head
