"""Fuzz the parser and the checker; compare with SymPy's ``parse_expr`` on a sample.

Invariants: ``parse`` raises nothing but ``InputError`` subclasses; ``check`` never raises and
its verdict is ``correct``/``incorrect``/``invalid``; no check runs past ``spec.timeout`` plus
a margin; resident memory stops growing once the checker's bounded LRU caches are full.

Inputs come from three seeded generators, in equal shares: (a) random unicode/ASCII strings,
(b) grammar-aware token soups (numbers, names, ASCII and unicode operators, functions, power
towers, deep nesting), (c) mutations (bit flips, insertions, duplications, deletions) of the
STACK corpus rows in ../shared/corpora. Every input is parsed (student options, several
variants); every ``check_every``-th is also checked against an expected answer of a matching
shape. Two processes share the work; a watchdog (SIGALRM) stops any call still running after
``HANG_SECONDS`` and counts it as a ``Hang`` with its input. Then a coverage-guided run
(atheris, when installed) on ``parse``, and the baseline: a sample of the same inputs plus
known code-injection payloads through ``sympy.parsing.sympy_parser.parse_expr`` in a child
process with a time cap, counting crashes, hangs and payloads that ran Python (seen by an
audit hook that blocks them).

    .venv/bin/python bench/fuzz.py [--quick] [--parses N] [--checks N] [--seed S]

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import heapq
import json
import multiprocessing
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPORA = ROOT.parent / "shared" / "corpora"
VERDICTS = frozenset({"correct", "incorrect", "invalid"})
MARGIN = 0.5  # seconds past spec.timeout before a check counts as over its deadline
CHECK_TIMEOUT = 1.0  # the deadline given to every fuzzed check (the default is 2 s)
HANG_SECONDS = 10.0  # the watchdog stops a parse after this long (a check: its timeout + this)

DIGITS, LETTERS = "0123456789", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ASCII_OPS = list("+-*/^()[]{},=<>!|.") + ["**", "<=", ">=", "==", "!=", " ", "  "]
UNICODE_OPS = list("×·−÷²³√≤≥πσ∞⁻¹ℯ∅（）½") + ["\u202e", "\u0301", "\u200b", "\x00", "\ufeff"]
NAMES = ["x", "y", "z", "t", "a", "b", "e", "i", "I", "E", "pi", "oo", "inf", "nan", "zoo",
         "sigma", "theta", "x1", "x_1", "dx", "f", "In", "sinx", "xy", "emptyset"]
FUNCS = ["sin", "cos", "tan", "exp", "log", "ln", "sqrt", "abs", "asin", "atan", "sinh",
         "cosh", "tanh", "factorial", "binomial", "root", "sec", "cot", "arcsin", "log10",
         "sin^2", "cos^-1", "diff", "integrate", "eval", "__import__", "getattr", "exec"]
NUMBERS = ["0", "1", "2", "10", "0.5", ".5", "3.14159", "1e3", "1e999999", "2.5e-7", "9^9^9",
           "10^(10^10)", "1000!", "1001!", "0x1F", "1_000", "1,5", "9" * 120, "(-1)^(1/3)",
           "0^0", "0/0", "2^-9999999", "10^10^10!"]
PAYLOADS = [
    "__import__('os').system('touch {sentinel}')",
    "__import__('subprocess').call(['touch', '{sentinel}'])",
    "open('{sentinel}', 'w').write('x')",
    "exec(\"open('{sentinel}','w')\")",
    "eval(\"__import__('os').system('touch {sentinel}')\")",
    "().__class__.__base__.__subclasses__()",
    "x.__class__.__mro__",
    "getattr(x, '__class__')",
    "globals()",
    "(lambda: __import__('os'))()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "x.func",
    "__builtins__",
    "vars()",
]


def load_corpus() -> tuple[list[str], list[str]]:
    """(every typed text in the corpora, the teachers' answers); empty when they are absent."""
    texts: list[str] = []
    teachers: list[str] = []
    for path in sorted(CORPORA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [row[k] for k in ("raw", "teacher", "student") if isinstance(row.get(k), str)]
            if isinstance(row.get("teacher"), str) and row["teacher"]:
                teachers.append(row["teacher"])
    return texts, teachers


# ----------------------------------------------------------------------------- generators

def gen_random(rng: random.Random) -> str:
    """(a) Random text: printable ASCII, any code point, or a long run near the length limit."""
    roll = rng.random()
    n = rng.choice((rng.randint(0, 12), rng.randint(0, 60), rng.randint(900, 1100)))
    if roll < 0.5:
        return "".join(chr(rng.randint(32, 126)) for _ in range(n % 200 if roll < 0.45 else n))
    if roll < 0.9:
        return "".join(chr(rng.choice((rng.randint(0, 0x2FFF), rng.randint(0, 0x10FFFF))))
                       for _ in range(n % 80)).encode("utf-8", "replace").decode("utf-8")
    return "".join(rng.choice("x+(1)^*") for _ in range(n))


def _atom(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(NUMBERS) if rng.random() < 0.4 else str(rng.randint(0, 10 ** 6))
    if roll < 0.6:
        return rng.choice(NAMES) if rng.random() < 0.8 else "".join(
            rng.choice(LETTERS) for _ in range(rng.randint(1, 12)))
    if roll < 0.8:
        return f"{rng.choice(FUNCS)}({_atom(rng)})"
    return rng.choice(UNICODE_OPS)


def _nest(rng: random.Random, body: str) -> str:
    depth = rng.choice((1, 2, 5, 20, 49, 51, 80))
    if rng.random() < 0.5:
        opener, closer = rng.choice((("(", ")"), ("[", "]"), ("{", "}"), ("|", "|")))
    else:
        opener, closer = rng.choice(FUNCS) + "(", ")"
    tail = closer * (depth - (rng.random() < 0.1))  # sometimes unbalanced
    return opener * depth + body + tail


def gen_tokens(rng: random.Random) -> str:
    """(b) A token soup: atoms joined by operators, sometimes towers or deep nesting."""
    parts = [_atom(rng)]
    for _ in range(rng.randint(0, 14)):
        op = rng.choice(ASCII_OPS) if rng.random() < 0.8 else rng.choice(UNICODE_OPS)
        parts += [op, _atom(rng)] if rng.random() < 0.85 else [op]
    text = "".join(parts) if rng.random() < 0.7 else " ".join(parts)
    roll = rng.random()
    if roll < 0.1:
        text = "^".join([rng.choice(("9", "10", "2", "x", "(x+1)"))] * rng.randint(2, 6))
    elif roll < 0.25:
        text = _nest(rng, text)
    elif roll < 0.3:
        text = "+".join([text] * rng.randint(2, 200))
    return text


def mutate(rng: random.Random, text: str) -> str:
    """(c) 1-4 byte-level or text-level mutations of ``text``."""
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 4)):
        op, pos = rng.randrange(5), rng.randint(0, len(data))
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = rng.choice(ASCII_OPS + UNICODE_OPS + FUNCS + NUMBERS).encode()
        elif op == 2 and data:
            end = rng.randint(pos, len(data))
            data[pos:pos] = data[pos:end] * rng.randint(1, 8)
        elif op == 3 and data:
            del data[pos:rng.randint(pos, len(data))]
        else:
            data[pos:pos] = bytes([rng.randrange(256)])
    return data.decode("utf-8", "replace")


def make_input(rng: random.Random, corpus: list[str]) -> tuple[str, str]:
    """One fuzz input and the name of its generator."""
    kind = rng.choice(("random", "tokens", "mutation") if corpus else ("random", "tokens"))
    if kind == "random":
        return gen_random(rng), kind
    if kind == "tokens":
        return gen_tokens(rng), kind
    return mutate(rng, rng.choice(corpus)), kind


# ----------------------------------------------------------------------------- workers

def _rss_mb() -> tuple[float, float]:
    """(peak RSS from getrusage, current RSS from /proc) in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return peak, pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError):
        return peak, peak


def _targets(teachers: list[str]) -> list[tuple[Any, Any]]:
    """Expected answers with specs of every kind, for fuzzed checks."""
    from quizengine.core.checking import AnswerSpec, Mistake, Tolerance

    def spec(**kw: Any) -> Any:
        return AnswerSpec(timeout=CHECK_TIMEOUT, **kw)

    fixed = [
        ("2*x*cos(x^2)", spec(variables=("x",))),
        ("x^2 + y^2 = 1", spec(kind="equation", variables=("x", "y"))),
        ("0 < x <= 3", spec(kind="inequality", variables=("x",))),
        ("[2*x, 3*y^2]", spec(kind="vector", variables=("x", "y"))),
        ("[[2, x], [x, 2]]", spec(kind="matrix", variables=("x",))),
        ("{1, 2, 3}", spec(kind="set")),
        ("pi/4", spec(kind="numeric", tolerance=Tolerance(rel=1e-3))),
        ("0.667", spec(kind="numeric", tolerance=Tolerance(sigfigs=3))),
        ("(x+1)^2", spec(variables=("x",), forms=("factored",),
                         mistakes=(Mistake("x^2+1", "forgot the middle term"),))),
        ("e^(i*t)", spec(variables=("t",), allow_complex=True)),
        ("sqrt(x^2)", spec(variables=("x",), domain={"x": (-3.0, 3.0)})),
    ]
    return fixed + [(t, spec()) for t in teachers[:200]]


def _parse_options() -> list[Any]:
    from quizengine.core.parsing import ParseOptions

    return [None, ParseOptions(variables=frozenset({"x", "y", "z", "t"})),
            ParseOptions(variables=frozenset({"x", "e"}), allow_complex=True,
                         forbidden_functions=frozenset({"diff", "sin"}))]


def _record(errors: Counter[str], examples: dict[str, str], key: str, text: str) -> None:
    errors[key] += 1
    if key not in examples or len(text) < len(examples[key]):
        examples[key] = text  # keep the shortest reproducer


class Hang(BaseException):
    """Raised by the watchdog in a call that ran past ``HANG_SECONDS`` (a BaseException, so
    that the code under test cannot swallow it)."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang(f"still running after the watchdog's limit (signal {signum})")


def _guarded(fn: Any, seconds: float, *args: Any) -> Any:
    """``fn(*args)``, interrupted by :class:`Hang` after ``seconds`` of wall time."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _keep_slowest(heap: list[tuple[float, str]], ms: float, text: str, size: int = 5) -> None:
    if len(heap) < size:
        heapq.heappush(heap, (ms, text[:120]))
    elif ms > heap[0][0]:
        heapq.heapreplace(heap, (ms, text[:120]))


def fuzz_worker(index: int, seed: int, parses: int, check_every: int, out: Any) -> None:
    """Parse ``parses`` inputs (and check every ``check_every``-th); send the figures to ``out``."""
    import numpy as np

    from quizengine.core.checking import check, start_workers
    from quizengine.core.errors import InputError
    from quizengine.core.parsing import parse

    corpus, teachers = load_corpus()
    rng = random.Random(seed * 1000 + index)
    targets, options = _targets(teachers), _parse_options()
    start_workers()
    for text in corpus[:300]:  # warm-up, not measured: a running server has loaded its code
        check(targets[0][0], text, targets[0][1])
    parse_ms = np.zeros(parses, dtype=np.float32)
    check_ms: list[float] = []
    errors: Counter[str] = Counter()
    examples: dict[str, str] = {}
    over: list[tuple[float, str]] = []
    hangs: list[str] = []
    slow: dict[str, list[tuple[float, str]]] = {"parse": [], "check": []}
    kinds, verdicts = Counter(), Counter()
    rss_start = _rss_mb()
    rss_points = [rss_start[1]]
    began = time.perf_counter()
    for n in range(parses):
        text, kind = make_input(rng, corpus)
        kinds[kind] += 1
        t0 = time.perf_counter()
        try:
            _guarded(parse, HANG_SECONDS, text, options[n % len(options)])
        except InputError:
            pass
        except (Exception, Hang) as exc:  # noqa: BLE001 - counting them is the point
            _record(errors, examples, f"parse:{type(exc).__name__}: {exc}"[:120], text)
            if isinstance(exc, Hang) and len(hangs) < 20:
                hangs.append(text)  # every hang in full: they share one error key
        parse_ms[n] = (time.perf_counter() - t0) * 1000
        _keep_slowest(slow["parse"], float(parse_ms[n]), text)
        if n % check_every == 0:
            expected, spec = targets[rng.randrange(len(targets))]
            t0 = time.perf_counter()
            try:
                verdict = _guarded(check, spec.timeout + HANG_SECONDS, expected, text, spec)
                verdicts[verdict.verdict] += 1
                if verdict.verdict not in VERDICTS:
                    _record(errors, examples, f"check:bad verdict {verdict.verdict!r}", text)
            except (Exception, Hang) as exc:  # noqa: BLE001
                _record(errors, examples, f"check:{type(exc).__name__}: {exc}"[:120],
                        f"check({expected!r}, {text!r})")
            seconds = time.perf_counter() - t0
            check_ms.append(seconds * 1000)
            _keep_slowest(slow["check"], seconds * 1000, f"{expected} <- {text}")
            if seconds > spec.timeout + MARGIN:
                over.append((round(seconds, 3), f"check({expected!r}, {text[:200]!r})"))
        if n % max(parses // 10, 1) == 0:
            rss_points.append(_rss_mb()[1])
    elapsed = time.perf_counter() - began
    rss_end = _rss_mb()
    out.send({
        "parses": parses, "seconds": elapsed, "parse_ms": parse_ms, "check_ms": check_ms,
        "errors": dict(errors), "examples": examples, "over": over, "hangs": hangs,
        "kinds": dict(kinds),
        "verdicts": dict(verdicts), "rss_start": rss_start, "rss_end": rss_end,
        "rss_points": rss_points, "caches": cache_sizes(), "slow": slow,
    })
    out.close()


def cache_sizes() -> dict[str, list[int]]:
    """[entries, bound] of each checker cache (private names: a benchmark may look inside)."""
    check_mod = sys.modules["quizengine.core.checking.check"]
    evaluate = sys.modules["quizengine.core.checking.evaluate"]
    sizes = {"verdicts": [len(check_mod._cache.data), check_mod._cache.size]}
    for name, fn in (("expected", check_mod._read_author), ("compiled", evaluate._compile)):
        info = fn.cache_info()
        sizes[name] = [info.currsize, info.maxsize or -1]
    return sizes


# ----------------------------------------------------------------------------- atheris

def atheris_child(runs: int, outfile: str, seeds: str) -> None:  # pragma: no cover
    """Coverage-guided fuzzing of ``parse`` (quizengine modules instrumented); non-InputError
    exceptions are appended to ``outfile`` and fuzzing goes on."""
    import atheris
    import sympy  # noqa: F401 - imported uninstrumented: only our code is measured

    with atheris.instrument_imports(include=["quizengine"]):
        from quizengine.core.errors import InputError
        from quizengine.core.parsing import parse
    options, seen = _parse_options(), Counter()

    def one_input(data: bytes) -> None:
        text = data.decode("utf-8", "replace")
        try:
            parse(text, options[len(data) % len(options)])
        except InputError:
            pass
        except Exception as exc:  # noqa: BLE001
            key = f"parse:{type(exc).__name__}: {exc}"[:120]
            seen[key] += 1
            if seen[key] <= 20:
                with open(outfile, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"key": key, "text": text}) + "\n")

    atheris.Setup([sys.argv[0], f"-runs={runs}", "-max_len=400", "-timeout=10",
                   "-print_final_stats=1", seeds], one_input)
    atheris.Fuzz()


def run_atheris(runs: int, budget: float) -> dict[str, Any]:
    """Run :func:`atheris_child` in a subprocess; report its runs, speed and exceptions."""
    try:
        import atheris  # noqa: F401
    except ImportError:
        return {"available": False, "runs": 0}
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        outfile = handle.name
    seeds = tempfile.mkdtemp(prefix="qe_fuzz_seeds_")  # the corpus rows start the search
    for n, text in enumerate(load_corpus()[0]):
        Path(seeds, f"s{n}").write_text(text, encoding="utf-8")
    began = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, __file__, "--atheris-child", str(runs), outfile,
                               seeds],
                              capture_output=True, text=True, timeout=budget,
                              cwd=tempfile.gettempdir())
        log, code = proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        log, code = (exc.stderr or b"").decode(errors="replace"), "timeout"
    seconds = time.perf_counter() - began
    done = [line for line in log.splitlines() if "stat::number_of_executed_units" in line]
    executed = int(done[-1].split(":")[-1]) if done else 0
    cov = [line for line in log.splitlines() if line.startswith("#") and "cov:" in line]
    rows = [json.loads(line) for line in Path(outfile).read_text().splitlines() if line]
    os.unlink(outfile)
    shutil.rmtree(seeds, ignore_errors=True)
    errors: Counter[str] = Counter(row["key"] for row in rows)
    examples = {}
    for row in rows:
        examples.setdefault(row["key"], row["text"])
    return {"available": True, "runs": executed, "seconds": round(seconds, 1),
            "exit": code, "errors": dict(errors), "examples": examples,
            "last_status": cov[-1][:100] if cov else ""}


# ----------------------------------------------------------------------------- baseline

_BLOCKED = ("os.system", "subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork",
            "socket.connect", "shutil.rmtree", "os.remove")


def baseline_child(conn: Any) -> None:  # pragma: no cover - runs in the child
    """Serve ``parse_expr`` calls; an audit hook records (and blocks) what a payload reaches."""
    from sympy import Basic
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    resource.setrlimit(resource.RLIMIT_AS, (4 * 2 ** 30, 4 * 2 ** 30))
    transformations = standard_transformations + (implicit_multiplication_application,
                                                  convert_xor)
    reached: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event.startswith(_BLOCKED) or (event == "open" and len(args) > 1 and (
                "qe_fuzz" in str(args[0]) or any(m in str(args[1]) for m in "wax"))):
            reached.append(event)
            raise PermissionError(f"blocked by the benchmark: {event}")
        if event == "compile":
            reached.append(event)

    sys.addaudithook(hook)
    while True:
        try:
            text = conn.recv()
        except EOFError:
            return
        reached.clear()
        try:
            value = parse_expr(text, transformations=transformations)
            outcome = "value" if isinstance(value, Basic | int | float | bool | tuple) \
                else "python_object"
        except (SyntaxError, TypeError, ValueError, AttributeError, NameError) as exc:
            outcome = f"error:{type(exc).__name__}"
        except Exception as exc:  # noqa: BLE001 - the baseline's failures are the figures
            outcome = f"error:{type(exc).__name__}"
        ran = [e for e in reached if e != "compile"] or (["nested exec"]
                                                          if reached.count("compile") > 2 else [])
        conn.send((outcome, ran))


def run_baseline(texts: list[str], cap: float, budget: float) -> dict[str, Any]:
    """Each text through ``parse_expr`` in a forked child; a text over ``cap`` s is a hang
    (the child is killed and replaced). Stops early when ``budget`` seconds are spent."""
    import sympy.parsing.sympy_parser  # noqa: F401 - loaded once, inherited by every fork

    ctx = multiprocessing.get_context("fork")
    outcomes: Counter[str] = Counter()
    ran_python: Counter[str] = Counter()
    times: list[float] = []
    hangs = crashes = done = 0
    child, conn = None, None
    began = time.perf_counter()
    for text in texts:
        if time.perf_counter() - began > budget:
            break
        if child is None:
            conn, child_end = ctx.Pipe()
            child = ctx.Process(target=baseline_child, args=(child_end,), daemon=True)
            child.start()
        t0 = time.perf_counter()
        conn.send(text)
        if not conn.poll(cap):
            hangs += 1
            outcomes["hang"] += 1
            child.kill(); child.join(); child = None  # noqa: E702
            times.append(cap * 1000)
        else:
            try:
                outcome, ran = conn.recv()
                outcomes[outcome] += 1
                for event in ran:
                    ran_python[event] += 1
                ran_python["payloads that ran python"] += bool(ran) or outcome == "python_object"
            except EOFError:  # the child died (out of memory, stack overflow)
                crashes += 1
                outcomes["crash"] += 1
                child.join(); child = None  # noqa: E702
            times.append((time.perf_counter() - t0) * 1000)
        done += 1
    if child is not None:
        child.kill(); child.join()  # noqa: E702
    return {"inputs": done, "hangs": hangs, "crashes": crashes, "outcomes": dict(outcomes),
            "ran_python": dict(ran_python), "p50_ms": pct(times, 0.5), "p99_ms": pct(times, 0.99),
            "seconds": round(time.perf_counter() - began, 1)}


def run_payloads_quizengine(payloads: list[str]) -> dict[str, int]:
    """The same payloads through quizengine's parse and check: how many were not refused."""
    from quizengine.core.checking import check
    from quizengine.core.errors import InputError
    from quizengine.core.parsing import parse

    accepted = invalid = 0
    for text in payloads:
        try:
            parse(text)
            accepted += 1
        except InputError:
            pass
        invalid += check("x^2", text).verdict == "invalid"
    return {"inputs": len(payloads), "parsed": accepted, "check_invalid": invalid}


# ----------------------------------------------------------------------------- report

def pct(values: Any, q: float) -> float:
    import numpy as np

    return round(float(np.percentile(np.asarray(values, dtype=float), q * 100)), 3) \
        if len(values) else 0.0


def run_fuzz(parses: int, check_every: int, seed: int, procs: int) -> dict[str, Any]:
    """Split the work over ``procs`` spawned processes and merge their figures."""
    import numpy as np

    ctx = multiprocessing.get_context("spawn")
    jobs = []
    for index in range(procs):
        recv_end, send_end = ctx.Pipe(duplex=False)
        share = parses // procs + (index < parses % procs)
        proc = ctx.Process(target=fuzz_worker, args=(index, seed, share, check_every, send_end))
        proc.start()
        send_end.close()
        jobs.append((proc, recv_end))
    results = [conn.recv() for _, conn in jobs]
    for proc, _ in jobs:
        proc.join()
    merged: dict[str, Any] = {"errors": Counter(), "examples": {}, "kinds": Counter(),
                              "verdicts": Counter(), "over": [], "hangs": [],
                              "slow": {"parse": [], "check": []}}
    for res in results:
        merged["errors"].update(res["errors"])
        merged["examples"].update(res["examples"])
        merged["kinds"].update(res["kinds"])
        merged["verdicts"].update(res["verdicts"])
        merged["over"] += res["over"]
        merged["hangs"] += res["hangs"]
        for name, rows in res["slow"].items():
            merged["slow"][name] = sorted(merged["slow"][name] + rows, reverse=True)[:5]
    merged["parse_ms"] = np.concatenate([r["parse_ms"] for r in results])
    merged["check_ms"] = [t for r in results for t in r["check_ms"]]
    merged["seconds"] = max(r["seconds"] for r in results)
    merged["workers"] = [{k: r[k] for k in ("rss_start", "rss_end", "rss_points", "caches")}
                         for r in results]
    return merged


# Baseline outcomes that are refusals, not failures: syntax errors, and payloads the audit hook
# blocked (those are counted as "ran python" instead).
_REFUSALS = ("error:SyntaxError", "error:TokenError", "error:PermissionError")


def report(fuzz: dict[str, Any], atheris: dict[str, Any], base: dict[str, Any],
           ours: dict[str, int], args: argparse.Namespace, sentinel: Path) -> dict[str, Any]:
    """Print the figures side by side and return the summary for the JSON line."""
    parse_ms, check_ms = fuzz["parse_ms"], fuzz["check_ms"]
    parse_errors = sum(v for k, v in fuzz["errors"].items() if k.startswith("parse:"))
    check_errors = sum(v for k, v in fuzz["errors"].items() if k.startswith("check:"))
    growth = [w["rss_end"][0] - w["rss_start"][0] for w in fuzz["workers"]]
    print(f"machine load average (1 min) at start/end: {args.load[0]:.1f} / "
          f"{os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} CPUs (latencies and deadline counts stretch with it)")
    print(f"fuzz: {len(parse_ms):,} parses + {len(check_ms):,} checks in {fuzz['seconds']:.0f} s"
          f" on {args.procs} processes = {len(parse_ms) / fuzz['seconds']:,.0f} inputs/s "
          f"(generators {dict(fuzz['kinds'])})")
    print(f"  parse ms  p50 {pct(parse_ms, .5):8.3f}  p99 {pct(parse_ms, .99):8.3f}  "
          f"max {float(parse_ms.max()):9.1f}")
    print(f"  check ms  p50 {pct(check_ms, .5):8.3f}  p99 {pct(check_ms, .99):8.3f}  "
          f"max {max(check_ms, default=0):9.1f}   verdicts {dict(fuzz['verdicts'])}")
    for name, rows in fuzz["slow"].items():
        print(f"  slowest {name}s: " + "; ".join(f"{ms:.0f} ms {t!r}" for ms, t in rows))
    print(f"  checks over deadline ({CHECK_TIMEOUT} s + {MARGIN} s margin): {len(fuzz['over'])}"
          + "".join(f"\n    {s} s  {t!r}" for s, t in fuzz["over"][:10]))
    print(f"  exceptions: parse (non-InputError) {parse_errors}, check {check_errors}")
    for key, count in sorted(fuzz["errors"].items(), key=lambda kv: -kv[1]):
        print(f"    {count:7d}  {key}\n             shortest input: {fuzz['examples'][key]!r}")
    for text in fuzz["hangs"]:
        print(f"    parse hang: {text!r}")
    for n, w in enumerate(fuzz["workers"]):
        print(f"  worker {n}: peak RSS {w['rss_start'][0]:.0f} -> {w['rss_end'][0]:.0f} MB; "
              f"current RSS at each tenth {[round(p) for p in w['rss_points']]} MB; "
              f"caches [entries, bound] {w['caches']}")
    if atheris["available"]:
        print(f"atheris (coverage-guided, parse): {atheris['runs']:,} runs in "
              f"{atheris['seconds']} s, exit {atheris['exit']}, {atheris['last_status']}")
        for key, count in atheris["errors"].items():
            print(f"    {count:7d}+ {key}\n             input: {atheris['examples'][key]!r}")
    else:
        print("atheris: not installed (pip install atheris) - skipped")
    print(f"baseline parse_expr (child process, cap {args.cap} s): {base['inputs']:,} inputs in "
          f"{base['seconds']} s; p50 {base['p50_ms']} ms, p99 {base['p99_ms']} ms; "
          f"hangs {base['hangs']}, crashes {base['crashes']}")
    print(f"  outcomes {base['outcomes']}")
    print(f"  ran python (blocked by the audit hook): {base['ran_python']}")
    print(f"quizengine on the same {ours['inputs']} payloads: parsed {ours['parsed']}, "
          f"check invalid {ours['check_invalid']}; sentinel file created: {sentinel.exists()}")
    return {
        "inputs": int(len(parse_ms)), "checks": len(check_ms),
        "inputs_per_s": round(len(parse_ms) / fuzz["seconds"]),
        "parse_exceptions": parse_errors, "check_exceptions": check_errors,
        "over_deadline": len(fuzz["over"]), "rss_growth_mb": round(max(growth), 1),
        "parse_p50_ms": pct(parse_ms, .5), "parse_p99_ms": pct(parse_ms, .99),
        "parse_max_ms": round(float(parse_ms.max()), 1), "check_p50_ms": pct(check_ms, .5),
        "check_p99_ms": pct(check_ms, .99), "check_max_ms": round(max(check_ms, default=0), 1),
        "atheris_runs": atheris["runs"],
        "atheris_exceptions": sum(atheris.get("errors", {}).values()),
        "baseline_inputs": base["inputs"], "baseline_hangs": base["hangs"],
        "baseline_crashes": base["crashes"],
        "baseline_errors": sum(v for k, v in base["outcomes"].items() if k.startswith("error:")
                               and k not in _REFUSALS),
        "baseline_ran_python": base["ran_python"].get("payloads that ran python", 0),
        "quizengine_payloads_parsed": ours["parsed"], "sentinel_created": sentinel.exists(),
        "load_avg": [round(args.load[0], 1), round(os.getloadavg()[0], 1)],
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--atheris-child":
        atheris_child(int(sys.argv[2]), sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of under a minute")
    parser.add_argument("--parses", type=int, help="inputs to parse (default 1,000,000)")
    parser.add_argument("--checks", type=int, help="inputs also checked (default 50,000)")
    parser.add_argument("--atheris-runs", type=int, help="coverage-guided runs")
    parser.add_argument("--baseline", type=int, help="inputs through parse_expr")
    parser.add_argument("--cap", type=float, default=1.0, help="baseline seconds per input")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.load = os.getloadavg()
    quick = args.quick
    parses = args.parses or (30_000 if quick else 1_000_000)
    checks = args.checks or (1_000 if quick else 50_000)
    atheris_runs = args.atheris_runs or (5_000 if quick else 100_000)
    base_n = args.baseline or (150 if quick else 3_000)

    fuzz = run_fuzz(parses, max(parses // checks, 1), args.seed, args.procs)
    atheris = run_atheris(atheris_runs, budget=30 if quick else 150)
    sentinel = Path(tempfile.gettempdir()) / f"qe_fuzz_sentinel_{os.getpid()}"
    payloads = [p.format(sentinel=sentinel) for p in PAYLOADS]
    rng, corpus = random.Random(args.seed), load_corpus()[0]
    sample = payloads + [make_input(rng, corpus)[0] for _ in range(base_n)]
    base = run_baseline(sample, args.cap, budget=15 if quick else 120)
    ours = run_payloads_quizengine(payloads)
    summary = report(fuzz, atheris, base, ours, args, sentinel)
    if sentinel.exists():
        sentinel.unlink()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
