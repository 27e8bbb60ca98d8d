"""``quizengine users create NAME --role R --password P``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from quizengine.db.models import ROLES
from quizengine.services import users as user_service
from quizengine.services.errors import ValidationFailed


@click.group("users", help="Manage accounts.")
def users() -> None:
    pass


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="student", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create(name: str, role: str, password: str) -> None:
    """Create user NAME."""
    database = current_app.extensions["quizengine.db"]
    try:
        with database.session() as session, session.begin():
            user = user_service.create_user(session, username=name, password=password, role=role)
            user_id = user.id
    except ValidationFailed as error:
        raise click.ClickException("; ".join(error.messages)) from error
    click.echo(f"created user {name} (id {user_id}, role {role})")
