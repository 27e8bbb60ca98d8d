import shutil

from sqlalchemy import select

from quizengine.cli import cli
from quizengine.core.questions import load_bank
from quizengine.db.models import Template, User


def test_users_create(runner, app):
    result = runner.invoke(cli, args=["users", "create", "ada", "--role", "instructor",
                                 "--password", "long enough"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(cli, args=["users", "create", "ada", "--password", "long enough"])
    assert bad.exit_code != 0 and "taken" in bad.output


def test_demo_is_idempotent(runner, app, bank, tmp_path):
    # a private copy: the shared bank may change while the suite runs
    copy = shutil.copytree(app.config["BANK_PATH"], tmp_path / "bank")
    app.config["BANK_PATH"] = copy
    first = runner.invoke(cli, args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, args=["demo"])
    assert "template versions added: 0" in second.output
    assert first.output.splitlines()[-3:] == second.output.splitlines()[-3:]
    with app.extensions["quizengine.db"].session() as s:
        assert {u.role for u in s.scalars(select(User))} == {"student", "instructor", "admin"}
        assert len(s.scalars(select(Template)).all()) == len(load_bank(copy))
    password = second.output.splitlines()[-3].split(" / ")[1]
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "student",
                                            "password": password}).status_code == 302
