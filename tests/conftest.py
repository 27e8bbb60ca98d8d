"""Shared fixtures: a migrated database per test session, emptied after each test; the app, its
test client and CLI runner, ``login_as(role)``, and a live server in a thread.

The database URL comes from ``QUIZENGINE_TEST_DATABASE_URL`` (SQLite file in a temp folder
otherwise). On PostgreSQL every xdist worker gets its own database ``<db>_w_<worker_id>_<run>``
(``<run>``: the start of xdist's ``testrun_uid``, shared by the workers of one run and different for
a concurrent run, so two runs never drop each other's databases), created at the start of the
session and dropped at its end. The schema always comes from Alembic, never ``create_all``.
Per test we empty the tables (children first) instead of wrapping the test in a transaction: the app
commits for real (the idempotent submit depends on commit and unique-constraint semantics), and the
live server's threads share the same database.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BANK_PATH = PROJECT_ROOT / "question_bank"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Scrypt costs ~0.2 s per hash; tests hash hundreds of passwords, so use cheap PBKDF2 here."""
    from quizengine.services import users

    users.HASH_METHOD = "pbkdf2:sha256:1000"
    yield
    users.HASH_METHOD = "scrypt"


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


RUN_ID_CHARS = 12  # of testrun_uid: unique enough, and names stay under PostgreSQL's 63 bytes


@contextlib.contextmanager
def fresh_database(name: str, tmp_dir: Path, *, run_id: str = "") -> Iterator[str]:
    """Yield the URL of a new, empty database called ``name`` (PostgreSQL, suffixed with
    ``run_id`` so that concurrent test runs stay apart; dropped on exit) or a SQLite file."""
    base = os.environ.get("QUIZENGINE_TEST_DATABASE_URL")
    if not base or not _is_postgres(base):
        yield f"sqlite:///{tmp_dir / (name + '.sqlite3')}"
        return
    url = make_url(base)
    db_name = f"{url.database}_{name}_{run_id}" if run_id else f"{url.database}_{name}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        try:
            yield url.set(database=db_name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def run_id(testrun_uid: str) -> str:
    """This test run's id, the same in every xdist worker of the run (see the module docstring)."""
    return testrun_uid[:RUN_ID_CHARS]


@pytest.fixture(scope="session", name="fresh_database")
def fresh_database_fixture(run_id: str) -> Callable[..., contextlib.AbstractContextManager[str]]:
    """``fresh_database(name, tmp_dir)`` bound to this run, for tests that migrate by hand."""
    return functools.partial(fresh_database, run_id=run_id)


@pytest.fixture(scope="session")
def database_url(
    worker_id: str, run_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database migrated to head once per session (per xdist worker)."""
    from quizengine.db.migrate import upgrade

    with fresh_database(f"w_{worker_id}", tmp_path_factory.mktemp("db"), run_id=run_id) as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def _session_engine(database_url: str) -> Iterator[Engine]:
    from quizengine.db import make_engine

    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_session_engine: Engine) -> Iterator[Engine]:
    """The migrated engine; every table is emptied after the test."""
    from quizengine.db import memo
    from quizengine.db.models import TABLES_CHILD_FIRST
    from quizengine.services import mastery

    yield _session_engine
    with _session_engine.begin() as conn:
        for table in TABLES_CHILD_FIRST:
            conn.execute(delete(table))
    mastery.clear_params_cache()  # per-process cache of skill_param rows, now emptied
    memo.forget(_session_engine)  # what this process remembered of rows now deleted


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session


FIXTURE_QUIZZES = ("week1/w1-chain-rule", "week2/w2-calculating-hessians")


@pytest.fixture(scope="session")
def bank_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small fixture bank: a copy of two quiz folders of ``question_bank/``, taken once per
    session so that templates being edited elsewhere cannot change under a running test."""
    root = tmp_path_factory.mktemp("bank")
    for folder in FIXTURE_QUIZZES:
        if not (BANK_PATH / folder).is_dir():
            pytest.skip(f"fixture bank folder {folder} is missing")
        shutil.copytree(BANK_PATH / folder, root / folder)
    return root


@pytest.fixture(scope="session")
def bank(bank_path: Path) -> dict:
    """The fixture bank's templates, loaded once per session."""
    from quizengine.core.questions import load_bank

    return load_bank(bank_path)


@pytest.fixture
def app(engine: Engine, database_url: str, bank_path: Path, tmp_path: Path):
    from quizengine.web import create_app

    application = create_app(
        "testing",
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret-key-not-for-production",
        BANK_PATH=bank_path,
        INSTANCE_PATH=tmp_path,
    )
    yield application
    application.extensions["quizengine.db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app) -> Callable[..., int]:
    """Create a user straight through the service; returns its id."""
    from quizengine.services import users

    def _make(username: str, role: str = "student", password: str = PASSWORD) -> int:
        with app.extensions["quizengine.db"].session() as db_session, db_session.begin():
            return users.create_user(db_session, username=username, password=password, role=role).id

    return _make


@pytest.fixture
def login_as(client, make_user) -> Callable[[str], int]:
    """Log the test client in as a new user of ``role`` (named after it); returns the user id."""

    def _login(role: str, username: str | None = None) -> int:
        name = username or f"{role}1"
        user_id = make_user(name, role)
        response = client.post("/auth/login", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return user_id

    return _login


@pytest.fixture
def imported_bank(app, bank) -> dict:
    """The syllabus quizzes and the question bank imported into the test database."""
    from quizengine.services import catalog

    with app.extensions["quizengine.db"].session() as db_session, db_session.begin():
        catalog.import_syllabus(db_session)
        catalog.import_bank(db_session, bank.values())
    return bank


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served over real HTTP by werkzeug in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def answer_text(part) -> str:
    """Text a student could type for a variant part's expected answer (tests only)."""
    from quizengine.core.questions.render import text_of

    expected = part.expected
    if part.kind == "choice":
        return str(expected)
    return text_of(expected)  # the plain text the parser reads back (E is e, matrices in [..])


def wrong_text(part) -> str:
    """A well-formed but wrong answer for ``part``."""
    if part.kind == "choice":
        return next(c.id for c in part.choices if c.id not in str(part.expected).split(","))
    return f"({answer_text(part)}) + 1"


@pytest.fixture
def answers_for(app) -> Callable[..., dict[str, str]]:
    """``answers_for(question_id, wrong=False)``: answer texts for each part of a question."""
    from quizengine.db.models import QuestionInstance
    from quizengine.services import variants

    def _answers(question_id: int, *, wrong: bool = False) -> dict[str, str]:
        with app.extensions["quizengine.db"].session() as db_session:
            instance = db_session.get(QuestionInstance, question_id)
            variant = variants.variant_of(db_session, instance, plots=False)
        make = wrong_text if wrong else answer_text
        return {part.part_id: make(part) for part in variant.parts}

    return _answers


@pytest.fixture
def chain_quiz(app, imported_bank) -> str:
    """The chain-rule quiz with 2 questions per attempt and immediate feedback and solutions."""
    from quizengine.db.models import Quiz

    with app.extensions["quizengine.db"].session() as db_session, db_session.begin():
        quiz = db_session.get(Quiz, "w1-chain-rule")
        quiz.questions_per_attempt = 2
        quiz.feedback_when = quiz.solutions_when = "immediately"
    return "w1-chain-rule"
