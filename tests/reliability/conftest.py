"""Reliability fixtures: students over real HTTP, a real gunicorn (several processes) on the
test database, a hold point to kill a worker mid-request, and a quiz whose check overruns.

Nothing here sleeps: readiness and "the worker is now inside the request" are reported by the
server over Unix sockets (``_gunicorn_conf.py``, ``_gunicorn_app.py``), with generous socket
timeouts only as a guard against a hang.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
PASSWORD = "correct horse battery"  # tests/conftest.py's make_user default
SECRET = "test-secret-key-not-for-production"
GUARD_SECONDS = 120.0  # only reached when something is broken


def login(base_url: str, username: str) -> requests.Session:
    """A requests session logged in through the API (bearer token)."""
    http = requests.Session()
    reply = http.post(f"{base_url}/api/v1/auth/login", timeout=60,
                      json={"username": username, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    http.headers["Authorization"] = f"Bearer {reply.json()['token']}"
    return http


def submission_rows(app, question_id: int) -> list[tuple[int, str, float]]:
    """(id, idempotency key, score) of every stored submission of a question."""
    from sqlalchemy import select

    from quizengine.db.models import Submission

    with app.extensions["quizengine.db"].session() as session:
        return [tuple(r) for r in session.execute(
            select(Submission.id, Submission.idempotency_key, Submission.score)
            .where(Submission.question_instance_id == question_id).order_by(Submission.id))]


def listen(path: Path) -> socket.socket:
    path.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.listen(8)
    sock.settimeout(GUARD_SECONDS)
    return sock


def read_pid(server: socket.socket) -> tuple[int, socket.socket]:
    """Accept one report (a pid and a newline); returns the pid and the open connection."""
    conn, _ = server.accept()
    conn.settimeout(GUARD_SECONDS)
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            break
        data += chunk
    return int(data), conn


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen
    hold_path: Path
    workers: list[int]


@pytest.fixture(scope="module")
def gunicorn(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """gunicorn, 2 gthread workers, serving the real app on the test database."""
    folder = Path(tmp_path_factory.mktemp("gunicorn"))
    ready = listen(folder / "ready.sock")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, QUIZENGINE_DATABASE_URL=database_url, QUIZENGINE_SECRET_KEY=SECRET,
               QUIZENGINE_CONFIG="testing", QUIZENGINE_INSTANCE_PATH=str(folder),
               QUIZENGINE_TEST_READY_SOCKET=str(folder / "ready.sock"),
               QUIZENGINE_TEST_HOLD_SOCKET=str(folder / "hold.sock"),
               PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(HERE)]))
    log = (folder / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(HERE / "_gunicorn_conf.py"),
         "-w", "2", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "2", "_gunicorn_app:app"],
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        workers = []
        for _ in range(2):
            pid, conn = read_pid(ready)
            conn.close()
            workers.append(pid)
        yield Gunicorn(f"http://127.0.0.1:{port}", process, folder / "hold.sock", workers)
    finally:
        ready.close()
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


SLOW_TEMPLATE = '''
id = "w4-taylor-special-cases/{name}"
version = 1
title = "A check that needs the symbolic stage ({name})"
quiz = "w4-taylor-special-cases"
skills = ["taylor-1d"]
difficulty = 1
prompt = "Write \\\\(\\\\sqrt{{-1-x^2}}\\\\)."

[[parts]]
id = "a"
kind = "expression"
answer = "sqrt(-1-x^2)"
variables = ["x"]
timeout = {timeout}
'''
# No real x makes sqrt(-1-x^2) defined, so the numeric stages cannot decide and the symbolic
# stage (a worker process, under the part's deadline) must: with 1 ms it always overruns.
SLOW_ANSWER = "sqrt(-1-x^2)*(sin(x)^2 + cos(x)^2)"


@pytest.fixture
def slow_quiz(app, imported_bank) -> str:
    """Quiz w4-taylor-special-cases with two templates: part deadline 1 ms ("overrun") and 30 s
    ("roomy"), both served in each attempt, feedback immediately."""
    from quizengine.core.questions import load_template_text
    from quizengine.db.models import Quiz
    from quizengine.services import catalog

    templates = [load_template_text(SLOW_TEMPLATE.format(name=name, timeout=timeout))
                 for name, timeout in (("overrun", 0.001), ("roomy", 30.0))]
    with app.extensions["quizengine.db"].session() as session, session.begin():
        catalog.import_bank(session, templates)
        quiz = session.get(Quiz, "w4-taylor-special-cases")
        quiz.questions_per_attempt = 2
        quiz.feedback_when = quiz.solutions_when = "immediately"
    return "w4-taylor-special-cases"
