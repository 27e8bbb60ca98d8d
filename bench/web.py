"""Web benchmark (issue 4): N simulated students against gunicorn + PostgreSQL over real HTTP.

    .venv/bin/python bench/web.py [--students 100] [--rate 310] [--duration 20]
                                  [--capacity-seconds 10] [--workers 4 --threads 2]

Setup (not timed): a fresh database ``quizengine_bench`` migrated with ``quizengine db upgrade``,
one quiz folder of the bank and N students seeded through the services, gunicorn started with
``-k gthread`` on a free port. Then, all students at once:

1. log in and start an attempt (``POST /quizzes/<id>/attempts``: variants are generated here),
   timed as ``login`` / ``start``; the bench reads the expected answers of the served variants
   through the services (its oracle; a real student works them out, ours must not spend the
   cores the server needs while the clock runs);
2. baseline: the same threads and client GET ``/api/openapi.json`` (no database, no login) for a
   few seconds: the ceiling of this client + gunicorn on this machine;
3. capacity: every student cycles back to back for ``--capacity-seconds`` (no pause): the most
   submissions per second the machine completes;
4. the measured window: each student runs a cycle (validate one text part, then submit every
   part, each right or wrong at random, spelt afresh so no cache of the checker answers, with a
   fresh ``Idempotency-Key``) every ``students / rate`` seconds from a random phase, so the
   students together offer ``--rate`` submissions per second; a student whose cycle overran
   starts the next at once (counted as late). Then each finishes its attempt.

Why paced: with N students submitting back to back, Little's law fixes the mean latency at
N / throughput (100 students at 300 submissions/s, 2 requests each: ~167 ms), whatever the server
does; a latency target at a throughput is measured by offering that throughput. ``--rate 0``
runs the window back to back instead.

``submit_first`` is the subset of submissions that were the first for their question: the worker
that takes it may not have the variant cached yet (variants are cached per process).
``host_calibration_ms`` (a fixed pure-Python loop timed before and after the window) tells a
slow phase of this shared host from a slow change: the same code has measured 4.6 and 7.4 ms of
server CPU per submission an hour apart, while a loop like this one took twice as long.
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid
from typing import Any

from _harness import (
    DEFAULT_PG,
    DEFAULT_QUIZ,
    HttpError,
    Recorder,
    Student,
    all_latencies,
    answer_texts,
    baseline,
    emit,
    fresh_spelling,
    host_calibration_ms,
    percentile,
    postgres_cpu_seconds,
    print_table,
    run_threads,
    setup,
)

TIMED = ["validate", "submit", "finish"]


def prepare(server_url: str, db_url: str, names: list[str], quiz: str,
            recorder: Recorder) -> list[dict[str, Any]]:
    """Log every student in and start one attempt each (concurrently); attach answers."""
    plans: list[dict[str, Any]] = [{} for _ in names]

    def one(i: int) -> None:
        student = Student(server_url, names[i], recorder, timeout=600)  # a start is slow
        try:
            student.login()
            plans[i] = {"student": student, "attempt": student.start(quiz)}
        except HttpError as error:
            recorder.error(f"prepare:{error.status}:{error.body[:120]}")

    run_threads(one, len(names))
    ready = [p for p in plans if p]
    qids = [q["question_id"] for p in ready for q in p["attempt"]["questions"]]
    answers = answer_texts(db_url, qids)
    for plan in ready:
        plan["answers"] = {q["question_id"]: answers[q["question_id"]]
                           for q in plan["attempt"]["questions"]}
    return ready


def work(plan: dict[str, Any], stop: float, recorder: Recorder, seed: int, *,
         interval: float, finish: bool) -> tuple[int, int]:
    """One student's loop until ``stop``: a cycle (validate one typed part, submit every part)
    every ``interval`` seconds from a random phase (0: back to back); then finish the attempt
    when ``finish``. Returns (submissions acknowledged, cycles started late by > 20 ms)."""
    rng = random.Random(seed)
    student: Student = plan["student"]
    questions = plan["attempt"]["questions"]
    acknowledged, late, first = 0, 0, set()
    due = time.monotonic() + rng.uniform(0.0, interval)
    while time.monotonic() < stop:
        for question in questions:
            if interval:
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                late += wait < -0.020
                due += interval
            if time.monotonic() >= stop:
                break
            acknowledged += cycle(student, question, plan["answers"], rng, recorder, first)
    if finish:
        try:
            student.finish(plan["attempt"]["attempt_id"])
        except HttpError as error:
            recorder.error(f"finish:{error.status}")
    student.close()
    return acknowledged, late


def cycle(student: Student, question: dict[str, Any], answers: dict[int, Any],
          rng: random.Random, recorder: Recorder, first: set[int]) -> int:
    """Validate the first typed part, then submit every part (each right or wrong at random,
    spelt afresh so the server's caches never answer); 1 when acknowledged, else 0."""
    qid = question["question_id"]
    texts = {pid: fresh_spelling(right if rng.random() < 0.5 else wrong, kind,
                                 rng.randrange(1, 10**6))
             for pid, (right, wrong, kind) in answers[qid].items()}
    typed = [p["part_id"] for p in question["parts"] if p["kind"] != "choice"]
    try:
        if typed:
            student.validate(qid, typed[0], texts[typed[0]])
        started = time.perf_counter()
        student.submit(qid, texts, uuid.uuid4().hex)
    except HttpError as error:
        recorder.error(f"{error.status}:{error.body[:80]}")
        return 0
    if qid not in first:
        first.add(qid)
        recorder.ok("submit_first", time.perf_counter() - started)
    return 1


def timed_window(plans: list[dict[str, Any]], seconds: float, recorder: Recorder, *,
                 rate: float, finish: bool) -> tuple[float, int, int]:
    """All students for ``seconds`` at ``rate`` cycles per second in all (0: back to back);
    returns (seconds, submissions acknowledged, late cycles)."""
    counts = [(0, 0)] * len(plans)
    interval = len(plans) / rate if rate else 0.0
    for plan in plans:  # idle since setup: the server may have closed the kept-alive connection
        plan["student"].close()
        plan["student"].recorder = recorder
    stop = time.monotonic() + seconds

    def one(i: int) -> None:
        counts[i] = work(plans[i], stop, recorder, seed=i, interval=interval, finish=finish)

    started = time.perf_counter()
    run_threads(one, len(plans))
    return (time.perf_counter() - started, sum(c[0] for c in counts),
            sum(c[1] for c in counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--duration", type=float, default=20.0, help="paced window, seconds")
    parser.add_argument("--rate", type=float, default=310.0,
                        help="submissions per second offered in all (0: back to back)")
    parser.add_argument("--capacity-seconds", type=float, default=10.0,
                        help="back-to-back window measuring capacity first (0: skip)")
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn workers (default: the production setting, 2 per core)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quiz", default=DEFAULT_QUIZ)
    parser.add_argument("--questions", type=int, default=5, help="questions per attempt")
    parser.add_argument("--keep", action="store_true", help="leave gunicorn running (profiling)")
    args = parser.parse_args()
    db_url = os.environ.get("QUIZENGINE_BENCH_DATABASE_URL", DEFAULT_PG)

    server, names, _ = setup(db_url, quiz_id=args.quiz, students=args.students,
                             questions=args.questions, workers=args.workers, threads=args.threads)
    try:
        recorder = Recorder()
        t0, cpu0 = time.perf_counter(), server.cpu_seconds()
        plans = prepare(server.url, db_url, names, args.quiz, recorder)
        cpu_start = (server.cpu_seconds() - cpu0) / max(1, len(plans))
        print(f"gunicorn {server.url} pid {server.process.pid}: {args.workers} workers x "
              f"{args.threads} threads; {len(plans)} students ready in "
              f"{time.perf_counter() - t0:.1f} s {dict(recorder.errors) or ''}")
        base = baseline(server.url, args.students, args.baseline_seconds)
        capacity = None
        if args.capacity_seconds:
            seconds, count, _ = timed_window(plans, args.capacity_seconds, Recorder(), rate=0.0,
                                             finish=False)
            capacity = count / seconds
            print(f"capacity (back to back, {seconds:.1f} s): {capacity:.0f} submissions/s")
        calibration = [host_calibration_ms()]
        cpu0, pg0, client0 = server.cpu_seconds(), postgres_cpu_seconds(), time.process_time()
        window = timed_window(plans, args.duration, recorder, rate=args.rate, finish=True)
        cpu_window = server.cpu_seconds() - cpu0
        pg_window, client_window = postgres_cpu_seconds() - pg0, time.process_time() - client0
        calibration.append(host_calibration_ms())
        if args.keep:
            input(f"gunicorn still running at {server.url}; press Enter to stop it")
    finally:
        server.stop()
    report(args, recorder, window, base, capacity,
           {"server_cpu_s_per_login_and_start": round(cpu_start, 3),
            "server_cpu_s_in_window": round(cpu_window, 1),
            "postgres_cpu_s_in_window": round(pg_window, 1),
            "client_cpu_s_in_window": round(client_window, 1),
            "host_calibration_ms": calibration})


def report(args: Any, recorder: Recorder, window: tuple[float, int, int],
           base: tuple[float, float, float], capacity: float | None,
           cpu: dict[str, Any]) -> None:
    duration, acknowledged, late = window
    per = recorder.summary(duration, ["login", "start", *TIMED, "submit_first"])
    for label in ("login", "start"):  # measured before the window: no rate
        per[label]["per_s"] = None
    print_table(per)
    timed = all_latencies(recorder, TIMED)
    rps = len(timed) / duration
    subs = acknowledged / duration
    print(f"machine load average (1 min) now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"host calibration (a fixed Python loop, lower is faster) before and after the "
          f"window: {cpu['host_calibration_ms']} ms CPU")
    print(f"baseline GET /api/openapi.json: {base[0]:.0f} req/s  p50 {base[1]} ms  "
          f"p99 {base[2]} ms")
    offered = f"{args.rate:.0f} offered" if args.rate else "back to back"
    print(f"window {duration:.1f} s ({offered}): {rps:.0f} req/s, {subs:.0f} submissions/s "
          f"({subs / base[0]:.2%} of the baseline's requests/s); cycles started late {late}; "
          f"errors {recorder.total_errors()} {dict(recorder.errors) or ''}")
    submit = per["submit"]
    cpu_per_sub = cpu["server_cpu_s_in_window"] / max(1, acknowledged)
    cores = os.cpu_count() or 1
    ceiling = cores / cpu_per_sub if cpu_per_sub else 0.0
    print(f"server CPU (gunicorn workers + checker processes): {cpu_per_sub * 1000:.1f} ms per "
          f"submission incl. its validate ({cpu['server_cpu_s_in_window']} s in the window); "
          f"{cpu['server_cpu_s_per_login_and_start'] * 1000:.0f} ms per login + start; "
          f"ceiling on {cores} otherwise idle cores, PostgreSQL and client not counted: "
          f"{ceiling:.0f} submissions/s")
    whole = (cpu["server_cpu_s_in_window"] + cpu["postgres_cpu_s_in_window"]
             + cpu["client_cpu_s_in_window"]) / max(1, acknowledged)
    print(f"whole machine: {whole * 1000:.1f} ms CPU per submission (server, PostgreSQL "
          f"{cpu['postgres_cpu_s_in_window']} s, client {cpu['client_cpu_s_in_window']} s): "
          f"{cores / whole if whole else 0:.0f} submissions/s on {cores} cores at 100%")
    ok = subs >= 300 and submit["p99_ms"] <= 150 and recorder.total_errors() == 0
    print(f"target >= 300 submissions/s with submit p99 <= 150 ms, no errors: "
          f"{'met' if ok else 'MISSED'}")
    emit({"students": args.students, "duration_s": round(duration, 2),
          "offered_submissions_per_s": args.rate or None,
          "requests_per_s": round(rps, 1), "submissions_per_s": round(subs, 1),
          "p50_ms": percentile(timed, 50), "p99_ms": percentile(timed, 99),
          "submit_p50_ms": submit["p50_ms"], "submit_p99_ms": submit["p99_ms"],
          "late_cycles": late, "capacity_submissions_per_s": round(capacity, 1) if capacity
          else None, "per_endpoint": per, "errors": recorder.total_errors(),
          "baseline_requests_per_s": round(base[0], 1),
          "submit_to_baseline_ratio": round(subs / base[0], 4) if base[0] else None,
          "workers": args.workers, "threads": args.threads, "quiz": args.quiz,
          "loadavg_after": round(os.getloadavg()[0], 1), **cpu,
          "server_cpu_ms_per_submission": round(cpu_per_sub * 1000, 1),
          "cpu_bound_submissions_per_s_ceiling": round(ceiling, 1),
          "whole_machine_cpu_ms_per_submission": round(whole * 1000, 2),
          "whole_machine_submissions_per_s_ceiling": round(cores / whole, 1) if whole else None})


if __name__ == "__main__":
    main()
