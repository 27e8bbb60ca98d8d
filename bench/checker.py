"""Answer-checker benchmark: quizengine vs a naive SymPy baseline, same rows, same run.

Rows: the STACK corpora (algebraic equivalence + numerical) from ../shared/corpora, turned into
``quizengine grade`` rows. One unmeasured warm-up pass (a running server has imported and
exercised its code), then measured passes that each clear quizengine's caches (verdicts,
parsed expected answers, compiled evaluators), so every check is real work; a last pass
measures cache hits separately. Times are per grade row, LaTeX of the reading included.
The baseline is what one would write first:
``parse_expr`` (implicit multiplication, ``^``) then ``simplify(a - b) == 0``, each row in a
child process with a time cap (rows over the cap are counted, and charged the cap). Then a
hostile-input section and the count of checks that ran past their deadline.

    .venv/bin/python bench/checker.py [--quick] [--passes N] [--cap SECONDS]

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPORA = ROOT.parent / "shared" / "corpora"
FILES = ("stack_algequiv.jsonl", "stack_numerical.jsonl")
HOSTILE = {
    "9^9^9^9": "9^9^9^9",
    "10^(10^10)": "10^(10^10)",
    "factorial(10^9)": "factorial(10^9)",
    "5000 nested brackets": "(" * 5000 + "x" + ")" * 5000,
    "100000-term sum": "+".join(["x"] * 100_000),
}
_IMAGINARY = re.compile(r"(?<![A-Za-z_0-9])i(?![A-Za-z_0-9(])")


def load_rows(limit: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in FILES:
        path = CORPORA / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            raw = json.loads(line)
            row = {"id": raw["id"], "kind": raw.get("kind", "expression"),
                   "teacher": raw["teacher"], "student": raw["student"]}
            if "tolerance" in raw:
                row["tolerance"] = raw["tolerance"]
            if "sigfigs" in raw:
                row["tolerance"] = {"sigfigs": sigfig_option(raw["sigfigs"])}
            if _IMAGINARY.search(raw["teacher"] + " " + raw["student"]):
                row["allow_complex"] = True
            rows.append(row)
    return rows[:limit] if limit else rows


def sigfig_option(text: Any) -> Any:
    """STACK's option text ("4", "[4,3]") as JSON (4, [4, 3]); anything else passes as is."""
    if isinstance(text, str) and re.fullmatch(r"-?\d+", text.strip()):
        return int(text)
    if isinstance(text, str) and (m := re.fullmatch(r"\[(-?\d+),(-?\d+)\]", text.replace(" ", ""))):
        return [int(m.group(1)), int(m.group(2))]
    return text


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_quizengine(rows: list[dict[str, Any]], passes: int) -> dict[str, Any]:
    from quizengine.core.checking import clear_cache
    from quizengine.core.checking.batch import grade_row

    for row in rows:  # warm-up, not measured: a server has imported and run its code paths
        grade_row(row)
    latencies: list[float] = []
    over = 0
    started = time.perf_counter()
    for _ in range(passes):
        clear_cache()
        for row in rows:
            t0 = time.perf_counter()
            grade_row(row)
            spent = time.perf_counter() - t0
            latencies.append(spent)
            over += spent > row.get("timeout", 2.0)
    total = time.perf_counter() - started
    cached: list[float] = []
    for row in rows:
        t0 = time.perf_counter()
        grade_row(row)
        cached.append(time.perf_counter() - t0)
    return {"lat": latencies, "total": total, "over": over, "cached": cached}


def _baseline_child(conn: Any) -> None:
    from sympy import simplify
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    transformations = standard_transformations + (implicit_multiplication_application, convert_xor)
    conn.send("ready")  # start-up (importing SymPy) is not part of any row's time
    while True:
        teacher, student = conn.recv()
        t0 = time.perf_counter()
        try:
            a = parse_expr(teacher, transformations=transformations)
            b = parse_expr(student, transformations=transformations)
            simplify(a - b) == 0  # noqa: B015 - the work being timed
        except Exception:  # noqa: BLE001 - the baseline just fails on what it cannot read
            pass
        conn.send(time.perf_counter() - t0)


def run_baseline(rows: list[dict[str, Any]], cap: float) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    proc = conn = None
    latencies: list[float] = []
    capped = 0
    for row in rows:
        if proc is None:
            conn, child = ctx.Pipe()
            proc = ctx.Process(target=_baseline_child, args=(child,), daemon=True)
            proc.start()
            conn.recv()
        conn.send((row["teacher"], row["student"]))
        if conn.poll(cap):
            latencies.append(conn.recv())
        else:
            capped += 1
            latencies.append(cap)
            proc.kill()
            proc.join()
            proc = None
    if proc is not None:
        proc.kill()
    return {"lat": latencies, "total": sum(latencies), "capped": capped}


def run_hostile() -> dict[str, float]:
    from quizengine.core.checking import check

    out = {}
    for label, text in HOSTILE.items():
        t0 = time.perf_counter()
        verdict = check("x", text)
        out[label] = (time.perf_counter() - t0) * 1000
        print(f"  hostile {label:22s} {out[label]:8.2f} ms  -> {verdict.verdict} ({verdict.code})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows and passes")
    parser.add_argument("--passes", type=int, default=None)
    parser.add_argument("--cap", type=float, default=None, help="baseline seconds per row")
    args = parser.parse_args()
    rows = load_rows(150 if args.quick else None)
    if not rows:
        print(json.dumps({"error": "corpora not found", "path": str(CORPORA)}))
        return
    passes = args.passes or (1 if args.quick else 3)
    cap = args.cap or (1.0 if args.quick else 2.0)
    from quizengine.core.checking import start_workers
    from quizengine.core.checking.worker import shutdown

    start_workers()  # a server warms the pool at start; its start-up is not a check
    ours = run_quizengine(rows, passes)
    base = run_baseline(rows, cap)
    hostile = run_hostile()
    shutdown()
    figures = {
        "rows": len(rows), "passes": passes,
        "p50_ms": percentile(ours["lat"], 0.5) * 1000,
        "p99_ms": percentile(ours["lat"], 0.99) * 1000,
        "max_ms": max(ours["lat"]) * 1000,
        "checks_per_s": len(ours["lat"]) / ours["total"],
        "cached_p50_ms": percentile(ours["cached"], 0.5) * 1000,
        "cached_checks_per_s": len(ours["cached"]) / sum(ours["cached"]),
        "baseline_p50_ms": percentile(base["lat"], 0.5) * 1000,
        "baseline_p99_ms": percentile(base["lat"], 0.99) * 1000,
        "baseline_checks_per_s": len(base["lat"]) / base["total"],
        "baseline_capped": base["capped"], "baseline_cap_s": cap,
        "hostile_max_ms": max(hostile.values()),
        "over_deadline": ours["over"],
    }
    figures["ratio"] = figures["checks_per_s"] / figures["baseline_checks_per_s"]
    print(f"{'':24s}{'quizengine':>14s}{'baseline':>14s}")
    print(f"{'p50 ms':24s}{figures['p50_ms']:14.3f}{figures['baseline_p50_ms']:14.3f}")
    print(f"{'p99 ms':24s}{figures['p99_ms']:14.3f}{figures['baseline_p99_ms']:14.3f}")
    print(f"{'checks/s':24s}{figures['checks_per_s']:14.1f}{figures['baseline_checks_per_s']:14.1f}")
    print(f"throughput ratio {figures['ratio']:.1f}x; cached p50 {figures['cached_p50_ms']:.3f} ms;"
          f" baseline rows over the {cap}s cap: {base['capped']}; checks past deadline: "
          f"{ours['over']}")
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
