"""The password policy (NIST SP 800-63B style: at least 10 characters, not the username, not a
common or trivially guessable value; no composition rules) holds at every door that makes an
account: the service, the register form, the admin form, the admin CSV import and
``quizengine users create``; each refusal says why."""

from __future__ import annotations

import io

import pytest

from quizengine.db.models import User
from quizengine.services import users
from quizengine.services.errors import ValidationFailed

GOOD = "violet kettle sings"
REFUSED = [
    ("short", "ada", "at least 10 characters"),
    ("nine char", "ada", "at least 10 characters"),
    ("x" * 257, "ada", "at most 256 characters"),
    ("lovelace-1815!", "lovelace", "must not contain the username"),
    ("LOVELACE12", "lovelace", "must not contain the username"),
    ("Password123!", "ada", "too common"),
    ("p@ssw0rd-2024", "ada", "too common"),
    ("qwertyuiop", "ada", "too common"),
    ("1234567890", "ada", "too common"),
    ("aaaaaaaaaaaa", "ada", "too common"),
    ("quizengine2024", "ada", "too common"),
]


@pytest.mark.parametrize(("password", "username", "fragment"), REFUSED)
def test_service_refuses_weak_passwords_with_a_reason(session, password, username, fragment):
    with pytest.raises(ValidationFailed) as info:
        users.create_user(session, username=username, password=password)
    assert any(fragment in message for message in info.value.messages), info.value.messages


@pytest.mark.parametrize("password", [GOOD, "long enough", "correct horse battery",
                                      "8472910365", "Ünïcödé pässwörd",
                                      ("violet kettle " * 20)[:256]])
def test_service_accepts_long_uncommon_passwords(session, password):
    assert users.create_user(session, username="ada", password=password).id


def _count(app, username: str) -> int:
    with app.extensions["quizengine.db"].session() as session:
        return session.query(User).filter(User.username == username).count()


def test_register_form_enforces_the_policy(app, client):
    reply = client.post("/auth/register", data={"username": "newbie", "password": "password12",
                                                "password2": "password12"})
    assert reply.status_code == 422
    assert "too common" in reply.get_data(as_text=True)
    assert _count(app, "newbie") == 0
    reply = client.post("/auth/register", data={"username": "newbie", "password": GOOD,
                                                "password2": GOOD})
    assert reply.status_code == 302 and _count(app, "newbie") == 1


def test_admin_form_and_csv_import_enforce_the_policy(app, client, login_as):
    login_as("admin")
    page = client.post("/admin/users", data={"username": "weak", "password": "1234567890",
                                             "role": "student"}, follow_redirects=True)
    assert "too common" in page.get_data(as_text=True) and _count(app, "weak") == 0
    csv = (b"username,password,role\n"
           b"good,violet kettle sings,student\n"
           b"short,tiny,student\n"
           b"named,named-user-1234,student\n")
    reply = client.post("/admin/users/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(csv), "users.csv")}, follow_redirects=True)
    text = reply.get_data(as_text=True)
    assert "Imported 1 user(s)" in text
    assert "line 3: Passwords need at least 10 characters." in text
    assert "line 4: The password must not contain the username." in text
    assert (_count(app, "good"), _count(app, "short"), _count(app, "named")) == (1, 0, 0)


def test_cli_users_create_enforces_the_policy(app, runner):
    from quizengine.cli import cli

    weak = runner.invoke(cli, args=["users", "create", "ada", "--password", "letmein123"])
    assert weak.exit_code != 0 and "too common" in weak.output
    good = runner.invoke(cli, args=["users", "create", "ada", "--password", GOOD])
    assert good.exit_code == 0, good.output
    assert _count(app, "ada") == 1
