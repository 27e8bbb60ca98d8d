"""CLI commands, one module each; ``COMMANDS`` is what ``quizengine.cli`` registers."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

# Web-side commands (database, accounts, demo data, exports).
from quizengine.commands.db import db  # noqa: E402
from quizengine.commands.demo import demo  # noqa: E402
from quizengine.commands.export import export  # noqa: E402
from quizengine.commands.users import users  # noqa: E402

COMMANDS += [db, users, demo, export]
from quizengine.commands.grade import grade  # noqa: E402

COMMANDS.append(grade)
from quizengine.commands.bank import bank  # noqa: E402

COMMANDS.append(bank)
from quizengine.commands.mastery import mastery  # noqa: E402

COMMANDS.append(mastery)
