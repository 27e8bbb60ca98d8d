"""A server prepares every active template once before forking its workers."""

from __future__ import annotations

from quizengine.services import catalog


def test_warm_up_prepares_each_active_template(app, imported_bank) -> None:
    with app.extensions["quizengine.db"].session() as session:
        assert catalog.warm_up(session) == len(imported_bank)


def test_warm_up_of_an_empty_catalogue_prepares_nothing(app) -> None:
    with app.extensions["quizengine.db"].session() as session:
        assert catalog.warm_up(session) == 0


def test_a_server_starts_even_when_the_database_is_not_migrated(tmp_path) -> None:
    import gc

    from quizengine.web import create_app
    from quizengine.web.warm import warm_up

    app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                     SECRET_KEY="k" * 32, INSTANCE_PATH=tmp_path)
    try:
        warm_up(app)  # logs that templates are prepared on first use instead
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
