"""Load and crash test (issue 6): no acknowledged submission is lost or stored twice, while
gunicorn workers are SIGKILLed (and, optionally, PostgreSQL restarts) under load.

    .venv/bin/python bench/load.py [--quick] [--students 200] [--duration 300] [--kill-every 60]
                                   [--think 2] [--ramp 30]
                                   [--restart-postgres [--pg-cluster 15/main]]

Students arrive at random over ``--ramp`` seconds, log in, start an attempt, then submit answers
(right or wrong at random, spelt afresh so the checker's caches never answer) with a fresh
``Idempotency-Key`` each; every ``--per-attempt`` submissions they finish the attempt and start
another. Before each action a student pauses (exponential, mean ``--think`` seconds, 2 by
default: far quicker than anyone works out an answer, so 200 students offer ~100 requests/s, a
deadline rush many times over; with no pause, Little's law would set the latency to
students / throughput whatever the server does). On a connection error or a 5xx they retry
the same request with the same key (backoff 50 ms doubling to 1 s), as a real client does. A
killer thread SIGKILLs one gunicorn worker every ``--kill-every`` seconds (at least once per run).
Afterwards, with the server stopped, the database is checked against what the server
acknowledged:

- ``lost``: acknowledged (2xx, ``stored``) but no row with that question and key;
- ``duplicated``: more than one row for an acknowledged key, or a row whose id is not the one
  the server returned;
- ``mismatched``: the row's score or part verdicts differ from the acknowledged reply;
- ``unacknowledged_rows``: rows no reply acknowledged; each must belong to a request that was
  still being retried when the run ended (``in_flight``), anything else is ``orphans``.

The baseline (same run, same client) is GET ``/api/openapi.json``. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from _harness import (
    DEFAULT_PG,
    HttpError,
    Recorder,
    Server,
    Student,
    all_latencies,
    answer_texts,
    baseline,
    emit,
    fresh_spelling,
    percentile,
    print_table,
    run_threads,
    setup,
)

GRACE_SECONDS = 60.0  # how long after the window a pending request may still be retried


@dataclass
class Ledger:
    """What the clients know: acknowledged submissions, keys sent but never acknowledged."""

    acked: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    pending: set[tuple[int, str]] = field(default_factory=set)
    not_stored: int = 0
    retries: int = 0
    replayed_after_retry: int = 0
    ack_times: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def retrying(student: Student, ledger: Ledger, recorder: Recorder, give_up: float,
             call: Any) -> Any:
    """``call()`` until it returns, retrying connection errors and 5xx until ``give_up``."""
    delay = 0.05
    while True:
        try:
            return call()
        except HttpError as error:
            if 0 < error.status < 500:
                raise
            recorder.error(f"retryable:{error.status or 'connection'}")
            if time.monotonic() > give_up:
                raise
            with ledger.lock:
                ledger.retries += 1
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


class Simulated:
    """One student's loop: start, submit with retries, finish, start again."""

    def __init__(self, args: Any, server_url: str, db_url: str, name: str, ledger: Ledger,
                 recorder: Recorder, seed: int) -> None:
        self.args, self.db_url, self.ledger, self.recorder = args, db_url, ledger, recorder
        self.student = Student(server_url, name, recorder)
        self.rng = random.Random(seed)

    def think(self, stop: float) -> None:
        """Pause like a student working out the next answer: exponential, mean ``--think``."""
        if self.args.think > 0:
            time.sleep(min(self.rng.expovariate(1.0 / self.args.think),
                           max(0.0, stop - time.monotonic())))

    def run(self, stop: float, arrival: float) -> None:
        give_up = stop + GRACE_SECONDS
        time.sleep(max(0.0, arrival - time.monotonic()))
        try:
            retrying(self.student, self.ledger, self.recorder, give_up, self.student.login)
            while time.monotonic() < stop:
                self.one_attempt(stop, give_up)
        except HttpError as error:
            self.recorder.error(f"gave_up:{error.status}:{error.body[:60]}")
        finally:
            self.student.close()

    def one_attempt(self, stop: float, give_up: float) -> None:
        self.think(stop)
        attempt = retrying(self.student, self.ledger, self.recorder, give_up,
                           lambda: self.student.start(self.args.quiz))
        questions = attempt["questions"]
        answers = self.oracle([q["question_id"] for q in questions], give_up)
        for n in range(self.args.per_attempt):
            self.think(stop)
            if time.monotonic() >= stop:
                break
            qid = questions[n % len(questions)]["question_id"]
            texts = {pid: fresh_spelling(right if self.rng.random() < 0.5 else wrong, kind,
                                         self.rng.randrange(1, 10**6))
                     for pid, (right, wrong, kind) in answers[qid].items()}
            self.submit(qid, texts, give_up)
        retrying(self.student, self.ledger, self.recorder, give_up,
                 lambda: self.student.finish(attempt["attempt_id"]))

    def oracle(self, qids: list[int], give_up: float) -> dict[int, Any]:
        """The answers, read from the database (retried while PostgreSQL is down)."""
        from sqlalchemy.exc import OperationalError

        while True:
            try:
                return answer_texts(self.db_url, qids)
            except OperationalError:
                if time.monotonic() > give_up:
                    raise
                time.sleep(0.5)

    def submit(self, qid: int, texts: dict[str, str], give_up: float) -> None:
        key = uuid.uuid4().hex
        with self.ledger.lock:
            self.ledger.pending.add((qid, key))
        tries = [0]

        def once() -> tuple[dict[str, Any], bool]:
            tries[0] += 1
            return self.student.submit(qid, texts, key)

        body, replayed = retrying(self.student, self.ledger, self.recorder, give_up, once)
        with self.ledger.lock:
            self.ledger.pending.discard((qid, key))
            if not body.get("stored"):
                self.ledger.not_stored += 1
                return
            self.ledger.acked[(qid, key)] = body
            self.ledger.ack_times.append(time.monotonic())
            if replayed and tries[0] > 1:
                self.ledger.replayed_after_retry += 1


# ------------------------------------------------------------------------------ chaos


def killer(server: Server, stop: float, every: float, kills: list[int]) -> None:
    """SIGKILL a random worker at ``every`` seconds (or half-way, when ``every`` is longer)."""
    rng = random.Random(7)
    window = stop - time.monotonic()
    interval = every if every < window else window / 2
    next_kill = time.monotonic() + interval
    while time.monotonic() < stop:
        time.sleep(0.1)
        if time.monotonic() >= next_kill:
            pids = server.worker_pids()
            if pids:
                kills.append(server.kill_worker(rng.choice(pids)) or 0)
                print(f"  t+{time.monotonic() - (stop - window):.1f} s: SIGKILL worker "
                      f"{kills[-1]}", flush=True)
            next_kill += interval
            if next_kill > stop - 1.0:  # --quick: exactly one kill, half-way
                next_kill = float("inf")


def restart_postgres(cluster: str, at: float, down: float, log: list[str]) -> None:
    """Stop the PostgreSQL cluster ``version/name`` at ``at`` (monotonic), start it ``down``
    seconds later; connections die mid-transaction, as in a real restart or failover."""
    version, name = cluster.split("/")
    time.sleep(max(0.0, at - time.monotonic()))
    base = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name]
    stopped = subprocess.run([*base, "stop", "-m", "fast"], capture_output=True, text=True)
    log.append(f"stop rc={stopped.returncode} {stopped.stderr.strip()}")
    print(f"  PostgreSQL {cluster} stopped (rc {stopped.returncode})", flush=True)
    time.sleep(down)
    started = subprocess.run([*base, "start"], capture_output=True, text=True)
    log.append(f"start rc={started.returncode} {started.stderr.strip()}")
    log.append(f"up_at={time.monotonic()}")
    print(f"  PostgreSQL {cluster} started again (rc {started.returncode})", flush=True)


# ------------------------------------------------------------------------------ verification


def verify(db_url: str, ledger: Ledger) -> dict[str, Any]:
    """Compare every stored submission with what the clients were told."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.id, s.question_instance_id, s.idempotency_key, s.score, "
            "string_agg(p.part_id || ':' || p.verdict, ',' ORDER BY p.part_id) "
            "FROM submission s LEFT JOIN submission_part p ON p.submission_id = s.id "
            "GROUP BY s.id")).all()
    engine.dispose()
    by_key: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        by_key.setdefault((row[1], row[2]), []).append(row)
    lost = duplicated = mismatched = 0
    for key, body in ledger.acked.items():
        found = by_key.get(key, [])
        if not found:
            lost += 1
            continue
        if len(found) > 1 or found[0][0] != body.get("submission_id"):
            duplicated += 1
        verdicts = ",".join(sorted(f"{p['part_id']}:{p['verdict']}" for p in body["parts"]))
        if abs(found[0][3] - body["score"]) > 1e-9 or found[0][4] != verdicts:
            mismatched += 1
    extra = [k for k in by_key if k not in ledger.acked]
    in_flight = sum(1 for k in extra if k in ledger.pending)
    return {"rows": len(rows), "lost": lost, "duplicated": duplicated, "mismatched": mismatched,
            "unacknowledged_rows": len(extra), "in_flight": in_flight,
            "orphans": len(extra) - in_flight}


# ------------------------------------------------------------------------------ main


def parse_args() -> Any:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 students, 20 s, one kill")
    parser.add_argument("--students", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None, help="seconds")
    parser.add_argument("--kill-every", type=float, default=60.0, help="seconds")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn workers (default: the production setting, 2 per core)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quiz", default="w1-product-rule")
    parser.add_argument("--questions", type=int, default=3, help="questions per attempt")
    parser.add_argument("--per-attempt", type=int, default=6, help="submissions per attempt")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a student pauses before each action (0: none)")
    parser.add_argument("--ramp", type=float, default=None,
                        help="students arrive at random over this many seconds (default: a "
                             "tenth of the duration, at most 30)")
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument("--pg-cluster", default=None, help="version/name (default: the only one)")
    parser.add_argument("--pg-down", type=float, default=3.0, help="seconds PostgreSQL is down")
    args = parser.parse_args()
    args.students = args.students or (50 if args.quick else 200)
    args.duration = args.duration or (20.0 if args.quick else 300.0)
    args.ramp = min(30.0, args.duration / 10) if args.ramp is None else args.ramp
    if args.pg_cluster is None:
        versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        args.pg_cluster = f"{versions[-1] if versions else '15'}/main"
    return args


def main() -> None:
    args = parse_args()
    began = time.monotonic()
    db_url = os.environ.get("QUIZENGINE_BENCH_DATABASE_URL", DEFAULT_PG)
    server, names, _ = setup(db_url, quiz_id=args.quiz, students=args.students,
                             questions=args.questions, workers=args.workers, threads=args.threads)
    recorder, ledger, kills, pg_log = Recorder(), Ledger(), [], []
    load_before = os.getloadavg()[0]
    try:
        base = baseline(server.url, min(args.students, 50), 2.0 if args.quick else 5.0)
        print(f"gunicorn {server.url}: {args.workers} workers x {args.threads} threads; "
              f"{args.students} students for {args.duration:.0f} s; baseline {base[0]:.0f} req/s")
        duration = run(args, server, db_url, names, ledger, recorder, kills, pg_log)
        alive = server.process is not None and server.process.poll() is None
        healthy = _healthy(server)
    finally:
        server.stop()
    checked = verify(db_url, ledger)
    report(args, recorder, ledger, checked, duration, kills, base, pg_log,
           {"server_alive": alive, "healthy_after": healthy,
            "wall_s": round(time.monotonic() - began, 1),
            "loadavg_before": round(load_before, 1), "loadavg_after": round(os.getloadavg()[0], 1)})


def run(args: Any, server: Server, db_url: str, names: list[str], ledger: Ledger,
        recorder: Recorder, kills: list[int], pg_log: list[str]) -> float:
    stop = time.monotonic() + args.duration
    chaos = [threading.Thread(target=killer, args=(server, stop, args.kill_every, kills))]
    if args.restart_postgres:
        at = time.monotonic() + args.duration / 3
        chaos.append(threading.Thread(target=restart_postgres,
                                      args=(args.pg_cluster, at, args.pg_down, pg_log)))
    for thread in chaos:
        thread.start()
    students = [Simulated(args, server.url, db_url, name, ledger, recorder, seed=i)
                for i, name in enumerate(names)]
    ramp = random.Random(11)
    arrivals = [time.monotonic() + ramp.uniform(0.0, args.ramp) for _ in students]
    started = time.perf_counter()
    run_threads(lambda i: students[i].run(stop, arrivals[i]), len(students))
    for thread in chaos:
        thread.join()
    return time.perf_counter() - started


def _healthy(server: Server) -> bool:
    try:
        server.wait_ready(30)
        return True
    except RuntimeError:
        return False


def report(args: Any, recorder: Recorder, ledger: Ledger, checked: dict[str, Any],
           duration: float, kills: list[int], base: tuple[float, float, float],
           pg_log: list[str], extra: dict[str, Any]) -> None:
    labels = ["login", "start", "submit", "finish"]
    print_table(recorder.summary(duration, labels))
    timed = all_latencies(recorder, labels)
    hard = {k: v for k, v in recorder.errors.items() if not k.startswith("retryable:")}
    print(f"acknowledged {len(ledger.acked)} stored submissions (+{ledger.not_stored} invalid, "
          f"not stored); retries {ledger.retries}; replayed after a retry "
          f"{ledger.replayed_after_retry}; errors {dict(recorder.errors)}")
    up_at = next((float(x[6:]) for x in pg_log if x.startswith("up_at=")), None)
    after_restart = None if up_at is None else sum(t > up_at for t in ledger.ack_times)
    print(f"database: {checked}; workers killed {len(kills)}; postgres "
          f"{[x for x in pg_log if not x.startswith('up_at=')] or 'untouched'}"
          + (f"; acknowledged after it came back: {after_restart}" if up_at else ""))
    ok = (checked["lost"] == checked["duplicated"] == checked["mismatched"] == 0
          and checked["orphans"] == 0 and not hard and after_restart != 0)
    print(f"verdict: {'no acknowledged submission lost or duplicated' if ok else 'FAILED'}")
    p99 = percentile(timed, 99)
    print(f"latency: p99 {p99} ms over every request (target < 500 ms: "
          f"{'met' if p99 < 500 else 'MISSED'})")
    emit({"students": args.students, "duration_s": round(duration, 1),
          "acknowledged": len(ledger.acked), "not_stored": ledger.not_stored,
          "lost": checked["lost"], "duplicated": checked["duplicated"],
          "mismatched": checked["mismatched"],
          "unacknowledged_rows": checked["unacknowledged_rows"],
          "in_flight": checked["in_flight"], "orphans": checked["orphans"],
          "worker_killed": bool(kills), "workers_killed": len(kills),
          "postgres_restarted": bool(pg_log), "acknowledged_after_restart": after_restart,
          "requests_per_s": round(len(timed) / duration, 1),
          "submissions_per_s": round(len(ledger.acked) / duration, 1),
          "p50_ms": percentile(timed, 50), "p99_ms": p99, "think_s": args.think,
          "ramp_s": args.ramp, "errors": sum(hard.values()),
          "retryable_errors": recorder.total_errors() - sum(hard.values()),
          "retries": ledger.retries,
          "replayed_after_retry": ledger.replayed_after_retry,
          "baseline_requests_per_s": round(base[0], 1), "ok": ok, **extra})


if __name__ == "__main__":
    main()
