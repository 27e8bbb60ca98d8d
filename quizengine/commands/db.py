"""``quizengine db upgrade|downgrade``: the only way the schema is created or changed."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from quizengine.db import migrate


@click.group("db", help="Migrate the database (Alembic) at QUIZENGINE_DATABASE_URL.")
def db() -> None:
    pass


@db.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head)."""
    url = current_app.config["DATABASE_URL"]
    migrate.upgrade(url, revision)
    click.echo(f"database at revision {migrate.current(url)}")


@db.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (default: one step; 'base' empties it)."""
    url = current_app.config["DATABASE_URL"]
    migrate.downgrade(url, revision)
    click.echo(f"database at revision {migrate.current(url) or 'base'}")


@db.command("current")
@with_appcontext
def current() -> None:
    """Print the revision the database is at."""
    click.echo(migrate.current(current_app.config["DATABASE_URL"]) or "base")
