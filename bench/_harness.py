"""Shared by ``bench/web.py`` and ``bench/load.py``: a real gunicorn against a fresh PostgreSQL
database, simulated students over real HTTP, and the figures they print.

Why this shape: the benches must measure what a deployment does (several worker processes, a
connection pool per worker, TCP, JSON), so the server is the production entry point started as a
subprocess, and the database is migrated by the ``quizengine db upgrade`` command. Seeding goes
through the services in-process (one quiz folder, N students) because ``quizengine demo`` loads
the whole bank and three accounts, which is slower and not what a bench needs.

Students hash their passwords with a cheap PBKDF2 here (as the test fixtures do): login is not
the endpoint under study, and 200 scrypt hashes would cost 40 s of CPU before anything starts.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/quizengine_bench"
PASSWORD = "bench password 123"
DEFAULT_QUIZ = "w1-chain-rule"


# ------------------------------------------------------------------------------ database


def fresh_database(url: str) -> str:
    """Drop and create the PostgreSQL database named in ``url``; returns ``url``."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit("the benches need PostgreSQL (QUIZENGINE_BENCH_DATABASE_URL)")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def server_env(url: str, secret: str, instance: Path) -> dict[str, str]:
    """Environment of the CLI and of gunicorn: production config, this database and secret."""
    env = dict(os.environ)
    env.update(QUIZENGINE_DATABASE_URL=url, QUIZENGINE_SECRET_KEY=secret,
               QUIZENGINE_CONFIG="production", QUIZENGINE_INSECURE_COOKIES="1",
               QUIZENGINE_INSTANCE_PATH=str(instance), PYTHONPATH=str(ROOT))
    return env


def migrate(env: dict[str, str]) -> None:
    """``quizengine db upgrade``, exactly as an operator runs it."""
    subprocess.run([str(BIN / "quizengine"), "db", "upgrade"], env=env, check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)


def seed(url: str, *, quiz_id: str, students: int, questions: int) -> list[str]:
    """Import the syllabus and one quiz folder of the bank, set the quiz up (immediate feedback,
    unlimited attempts, ``questions`` per attempt), create the students; returns usernames."""
    from sqlalchemy.orm import Session

    from quizengine.core.questions import load_bank
    from quizengine.db import make_engine
    from quizengine.db.models import Quiz
    from quizengine.services import catalog, users

    folder = next((ROOT / "question_bank").glob(f"week*/{quiz_id}"), None)
    if folder is None:
        raise SystemExit(f"no bank folder for quiz {quiz_id}")
    users.HASH_METHOD = "pbkdf2:sha256:1000"
    engine = make_engine(url)
    names = [f"student{i:04d}" for i in range(students)]
    with Session(engine) as session, session.begin():
        catalog.import_syllabus(session)
        catalog.import_bank(session, load_bank(folder).values())
        quiz = session.get(Quiz, quiz_id)
        quiz.questions_per_attempt, quiz.attempts_allowed = questions, None
        quiz.feedback_when = quiz.solutions_when = "immediately"
        for name in names:
            users.create_user(session, username=name, password=PASSWORD)
    engine.dispose()
    return names


# ------------------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """gunicorn with the production settings (``quizengine/web/gunicorn_conf.py``: gthread,
    preloaded app) serving ``quizengine.web.wsgi:app`` on a free port."""

    env: dict[str, str]
    workers: int = 8
    threads: int = 1
    app: str = "quizengine.web.wsgi:app"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open while gunicorn runs
            prefix="gunicorn-", suffix=".log", delete=False)
        cmd = [str(BIN / "gunicorn"), "-c", "python:quizengine.web.gunicorn_conf",
               "-w", str(self.workers), "--threads", str(self.threads),
               "-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "5", self.app]
        self.process = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        """Until every worker answers (or the master died, or ``timeout`` passed)."""
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                if (requests.get(f"{self.url}/api/openapi.json", timeout=2).ok
                        and len(self.worker_pids()) >= self.workers):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {timeout} s; see {self.log.name}")

    def worker_pids(self) -> list[int]:
        """The workers: direct children of the master (the checker pools are grandchildren)."""
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the workers and their checker processes:
        a figure that other load on the machine does not inflate, unlike latencies."""
        tick = os.sysconf("SC_CLK_TCK")
        total, todo = 0.0, list(self.worker_pids())
        while todo:
            pid = todo.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
                todo += [int(p) for p in
                         Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
            except (OSError, IndexError, ValueError):
                continue
        return total

    def kill_worker(self, pid: int | None = None) -> int | None:
        """SIGKILL one worker (the first one, or ``pid``); gunicorn's master starts a new one."""
        pids = self.worker_pids()
        target = pid if pid is not None else (pids[0] if pids else None)
        if target is not None:
            os.kill(target, signal.SIGKILL)
        return target

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()


def setup(url: str, *, quiz_id: str, students: int, questions: int,
          workers: int = 8, threads: int = 1) -> tuple[Server, list[str], str]:
    """Fresh database, migrated and seeded, and a running gunicorn; returns (server, names,
    secret). The caller stops the server."""
    secret = secrets.token_hex(32)
    instance = Path(tempfile.mkdtemp(prefix="quizengine-bench-"))
    env = server_env(fresh_database(url), secret, instance)
    migrate(env)
    names = seed(url, quiz_id=quiz_id, students=students, questions=questions)
    return Server(env, workers=workers, threads=threads).start(), names, secret


def host_calibration_ms(loops: int = 3_000_000) -> float:
    """CPU milliseconds of a fixed pure-Python loop in this process: the speed of this host's
    cores right now. On a shared virtual machine it swings by 2x over an hour, so a bench prints it
    beside its figures to tell a slow host from a slow change."""
    started, total = time.process_time(), 0
    for i in range(loops):
        total += i * i
    return round((time.process_time() - started) * 1000.0, 1)


def postgres_cpu_seconds() -> float:
    """CPU time (user + system) of every PostgreSQL process on this machine so far: with the
    bench's own ``time.process_time()`` and ``Server.cpu_seconds()``, the whole cost of a
    submission on this machine, which other load inflates less than latencies."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, fields = stat.read_text().rsplit(")", 1)
            if head.endswith("(postgres"):
                values = fields.split()
                total += (int(values[11]) + int(values[12])) / tick
        except (OSError, ValueError, IndexError):
            continue
    return total


# ------------------------------------------------------------------------------ answers


def answer_texts(url: str, question_ids: list[int]) -> dict[int, dict[str, tuple[str, str, str]]]:
    """``{question_id: {part_id: (right, wrong, kind)}}``, read from what the server stored for
    grading when it served each question (the bench's oracle: a real student would have to work
    these out). Cheap: the stored record is read back, no variant is generated on the client,
    whose CPU the server needs."""
    from sqlalchemy.orm import Session

    from quizengine.db import make_engine
    from quizengine.db.models import QuestionInstance
    from quizengine.services import variants

    engine = _oracle_engine(url, make_engine)
    out: dict[int, dict[str, tuple[str, str, str]]] = {}
    with Session(engine) as session:
        for qid in question_ids:
            parts = variants.grading_parts(session, session.get(QuestionInstance, qid))
            out[qid] = {p.part_id: (right_text(p), wrong_text(p), p.kind) for p in parts}
    return out


_engines: dict[str, Any] = {}


def _oracle_engine(url: str, make_engine: Any) -> Any:
    if url not in _engines:
        _engines[url] = make_engine(url, pool_size=2)
    return _engines[url]


def right_text(part: Any) -> str:
    """What a student types for the expected answer of ``part``: the parser's own plain text
    (``e`` for E, ``^`` for powers, matrices in brackets), as the tests' ``answer_text``."""
    from quizengine.core.questions.render import text_of

    return str(part.expected) if part.kind == "choice" else text_of(part.expected)


def wrong_text(part: Any) -> str:
    """A well-formed answer that is wrong (another option, or the right one plus one)."""
    if part.kind == "choice":
        right = set(str(part.expected).split(","))
        ids = [getattr(c, "id", c) for c in part.choices]  # options, or their ids
        return next((i for i in ids if i not in right), str(part.expected))
    text = right_text(part)
    if text.startswith("["):
        return text.replace("[", "[(", 1).replace(",", ")+1,", 1) if "," in text else text
    if "=" in text:
        lhs, rhs = text.split("=", 1)
        return f"{lhs}= ({rhs}) + 1"
    return f"({text}) + 1"


SALTED_KINDS = ("expression", "vector", "matrix", "equation")


def fresh_spelling(text: str, kind: str, salt: int) -> str:
    """``text`` written differently but meaning the same, so that no cache of the server's
    checker has seen it: each submission of a timed window is graded for real, as different
    students' answers are. Expressions get ``salt-salt+`` in front of their first value; other
    typed kinds (numbers, sets, ...) trailing spaces; a choice stays as it is.

    >>> fresh_spelling("2*x", "expression", 7), fresh_spelling("[[1, 2], [3, 4]]", "matrix", 7)
    ('7-7+2*x', '[[7-7+1, 2], [3, 4]]')
    >>> fresh_spelling("y = 2*x", "equation", 7), fresh_spelling("b", "choice", 7)
    ('y = 7-7+2*x', 'b')
    >>> fresh_spelling("0.5", "numeric", 3)
    '0.5   '
    """
    if kind == "choice":
        return text
    if kind not in SALTED_KINDS:
        return text + " " * (salt % 200)
    prefix = f"{salt}-{salt}+"
    if text.startswith("["):
        head = len(text) - len(text.lstrip("["))
        return text[:head] + prefix + text[head:]
    if "=" in text:
        lhs, rhs = text.split("=", 1)
        return f"{lhs}= {prefix}{rhs.lstrip()}"
    return prefix + text


# ------------------------------------------------------------------------------ figures


class Recorder:
    """Latencies per endpoint label, errors by kind; thread-safe appends."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()

    def ok(self, label: str, seconds: float) -> None:
        with self.lock:
            self.latency[label].append(seconds * 1000.0)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1

    def total_errors(self) -> int:
        return sum(self.errors.values())

    def summary(self, duration: float, labels: list[str] | None = None) -> dict[str, Any]:
        per = {}
        for label in labels or sorted(self.latency):
            values = self.latency.get(label, [])
            per[label] = {"n": len(values), "per_s": round(len(values) / duration, 1),
                          "p50_ms": percentile(values, 50), "p99_ms": percentile(values, 99)}
        return per


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) rounded to 0.1 ms; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 1)


def all_latencies(recorder: Recorder, labels: list[str]) -> list[float]:
    return [v for label in labels for v in recorder.latency.get(label, [])]


def print_table(per: dict[str, dict[str, Any]]) -> None:
    print(f"{'endpoint':<12} {'n':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, row in per.items():
        rate = "-" if row["per_s"] is None else row["per_s"]
        print(f"{label:<12} {row['n']:>7} {rate:>8} {row['p50_ms']:>8} {row['p99_ms']:>8}")


def emit(figures: dict[str, Any]) -> None:
    """The one JSON line that ends every bench's output."""
    print(json.dumps(figures, sort_keys=False), flush=True)


def mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 1) if values else 0.0


# ------------------------------------------------------------------------------ client


class HttpError(Exception):
    """A reply outside 2xx (``status``) or no reply at all (``status`` 0: connection error)."""

    def __init__(self, status: int, body: str = "") -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status, self.body = status, body


class Student:
    """One simulated student: a persistent HTTP/1.1 connection (``http.client``, far leaner than
    requests/httpx, so the client leaves the cores to the server) and a bearer token."""

    def __init__(self, base_url: str, name: str, recorder: Recorder, timeout: float = 30.0):
        from urllib.parse import urlsplit

        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.name, self.recorder, self.timeout = name, recorder, timeout
        self.token = ""
        self.conn: Any = None

    def _connection(self) -> Any:
        import http.client

        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, label: str, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
        """One request; records its latency under ``label`` when 2xx, raises HttpError else."""
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=data, headers=sent)
            reply = conn.getresponse()
            raw = reply.read()
        except (OSError, ConnectionError, EOFError) as exc:  # http.client errors too
            self.close()
            raise HttpError(0, f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # http.client.HTTPException (RemoteDisconnected, BadStatusLine)
            self.close()
            raise HttpError(0, f"{type(exc).__name__}: {exc}") from exc
        elapsed = time.perf_counter() - started
        if reply.getheader("Connection", "").lower() == "close":
            self.close()
        if not 200 <= reply.status < 300:
            raise HttpError(reply.status, raw.decode(errors="replace"))
        self.recorder.ok(label, elapsed)
        payload = json.loads(raw) if raw and reply.getheader("Content-Type", "").startswith(
            "application/json") else raw
        return reply.status, payload, dict(reply.getheaders())

    def login(self) -> None:
        _, body, _ = self.call("login", "POST", "/api/v1/auth/login",
                               {"username": self.name, "password": PASSWORD})
        self.token = body["token"]

    def start(self, quiz_id: str) -> dict[str, Any]:
        return self.call("start", "POST", f"/api/v1/quizzes/{quiz_id}/attempts")[1]

    def validate(self, qid: int, part_id: str, text: str) -> dict[str, Any]:
        return self.call("validate", "POST", f"/api/v1/questions/{qid}/validate",
                         {"part_id": part_id, "answer": text})[1]

    def submit(self, qid: int, answers: dict[str, str], key: str) -> tuple[dict[str, Any], bool]:
        """The reply and whether the server said it replayed a stored result."""
        _, body, headers = self.call("submit", "POST", f"/api/v1/questions/{qid}/submit",
                                     {"answers": answers}, {"Idempotency-Key": key})
        return body, headers.get("Idempotent-Replayed") == "true"

    def finish(self, attempt_id: int) -> dict[str, Any]:
        return self.call("finish", "POST", f"/api/v1/attempts/{attempt_id}/finish")[1]


def baseline(base_url: str, clients: int, seconds: float) -> tuple[float, float, float]:
    """The harness's own ceiling: ``clients`` threads GET the OpenAPI document (no database,
    no login) for ``seconds``; returns (requests/s, p50 ms, p99 ms)."""
    recorder = Recorder()
    stop = time.monotonic() + seconds

    def loop(i: int) -> None:
        student = Student(base_url, f"baseline{i}", recorder)
        while time.monotonic() < stop:
            try:
                student.call("baseline", "GET", "/api/openapi.json")
            except HttpError:
                recorder.error("baseline")
        student.close()

    started = time.perf_counter()
    run_threads(loop, clients)
    elapsed = time.perf_counter() - started
    values = recorder.latency["baseline"]
    return len(values) / elapsed, percentile(values, 50), percentile(values, 99)


def run_threads(target: Any, count: int) -> None:
    """Run ``target(i)`` for i in range(count) in threads (small stacks) and join them all."""
    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
