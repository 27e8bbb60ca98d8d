"""``quizengine demo``: demo users (one per role), the syllabus quizzes and the question bank.

Idempotent: existing users keep their accounts (their password is reset to the printed one) and
unchanged templates add no version. Demo passwords are derived from the instance's secret key, so
they are stable on one machine, never a constant in code.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from quizengine.db.models import User
from quizengine.services import catalog, users

DEMO_USERS = (("student", "student"), ("instructor", "instructor"), ("admin", "admin"))


def demo_password(secret: str, username: str) -> str:
    return hmac.new(secret.encode(), f"demo:{username}".encode(), hashlib.sha256).hexdigest()[:12]


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load demo users, the quizzes and the bank, and print the demo credentials."""
    bank_path = Path(current_app.config["BANK_PATH"])
    templates = _load_templates(bank_path)
    secret = current_app.config["SECRET_KEY"]
    database = current_app.extensions["quizengine.db"]
    with database.session() as session, session.begin():
        added_quizzes = catalog.import_syllabus(session)
        added_versions = catalog.import_bank(session, templates.values())
        for username, role in DEMO_USERS:
            _ensure_user(session, username, role, demo_password(secret, username))
    click.echo(f"quizzes added: {added_quizzes}; template versions added: {added_versions} "
               f"({len(templates)} templates in {bank_path})")
    click.echo("demo accounts (username / password):")
    for username, role in DEMO_USERS:
        click.echo(f"  {role:<10} {username} / {demo_password(secret, username)}")


def _load_templates(bank_path: Path) -> dict[str, Any]:
    """Every template that loads; a broken file is reported and skipped, not fatal."""
    from quizengine.core.errors import TemplateError
    from quizengine.core.questions import load_template_text

    templates = {}
    for path in sorted(bank_path.rglob("*.toml")):
        try:
            template = load_template_text(path.read_text(encoding="utf-8"))
        except TemplateError as error:
            click.echo(f"skipped {path.relative_to(bank_path)}: {error.message}", err=True)
            continue
        templates[template.id] = template
    return templates


def _ensure_user(session, username: str, role: str, password: str) -> None:  # type: ignore[no-untyped-def]
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        users.create_user(session, username=username, password=password, role=role)
        return
    user.role, user.is_active = role, True
    user.password_hash = users.hash_password(password)
