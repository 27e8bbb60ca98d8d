"""The ``quizengine`` command: a Flask CLI group bound to the app factory.

Each command lives in ``quizengine/commands/<name>.py`` and is registered here; commands that do not
need the database (``grade``, ``bank``) do not touch the app context.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup


def _create_app():  # type: ignore[no-untyped-def]
    from quizengine.web import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app,
                 help="quizengine: adaptive quizzes for multivariate calculus.")


def _register_commands(group: click.Group) -> None:
    from quizengine.commands import COMMANDS

    for command in COMMANDS:
        group.add_command(command)


_register_commands(cli)


def main() -> None:
    """Console-script entry point."""
    cli()
