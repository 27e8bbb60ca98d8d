"""Fuzzing in CI: ``parse`` raises only ``InputError``; ``check`` never raises and always says
correct, incorrect or invalid; hostile input is refused and nothing in it runs.

A small, derandomized share of what ``bench/fuzz.py`` does with a million inputs: random text,
grammar-aware token soups, deep nesting, and mutations of the STACK corpora (when present).
No timing asserts: a check's deadline shows up as a verdict (``invalid``/``timeout``), and hangs
are bounded by running the payload test in a subprocess with a generous timeout.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizengine.core.checking import AnswerSpec, Tolerance, Verdict, check
from quizengine.core.errors import InputError, LimitError
from quizengine.core.parsing import Parsed, ParseOptions, parse

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
VERDICTS = {"correct", "incorrect", "invalid"}
SHAPES = {"expression", "equation", "inequality", "vector", "matrix", "set", "list"}
STUDENT = ParseOptions(variables=frozenset({"x", "y"}))
OPTIONS = [None, STUDENT, ParseOptions(variables=frozenset({"x", "e"}), allow_complex=True,
                                       forbidden_functions=frozenset({"sin"}))]
FAST = AnswerSpec(variables=("x", "y"), timeout=1.0)
TARGETS: list[tuple[str, AnswerSpec]] = [
    ("2*x*cos(x^2)", FAST),
    ("x^2 + y^2 = 1", AnswerSpec(kind="equation", variables=("x", "y"), timeout=1.0)),
    ("0 < x <= 3", AnswerSpec(kind="inequality", variables=("x",), timeout=1.0)),
    ("[2*x, 3*y^2]", AnswerSpec(kind="vector", variables=("x", "y"), timeout=1.0)),
    ("[[2, x], [x, 2]]", AnswerSpec(kind="matrix", variables=("x",), timeout=1.0)),
    ("{1, 2, 3}", AnswerSpec(kind="set", timeout=1.0)),
    ("pi/4", AnswerSpec(kind="numeric", tolerance=Tolerance(rel=1e-3), timeout=1.0)),
    ("0.667", AnswerSpec(kind="numeric", tolerance=Tolerance(sigfigs=3), timeout=1.0)),
]
SETTINGS = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
CHECK_SETTINGS = settings(SETTINGS, max_examples=250)


def _corpus() -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPORA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [row[k] for k in ("raw", "teacher", "student") if isinstance(row.get(k), str)]
    return texts


# The corpora are optional: without them, mutations start from a few typical answers.
SEEDS = _corpus() or ["2x cos(x^2)", "sin^2(x)", "[[1, 2], [3, 4]]", "x^2 + y^2 = 1", "1/2x"]

ATOMS = ["x", "y", "e", "i", "I", "pi", "oo", "nan", "zoo", "0", "1", "0.5", ".5", "1e999999",
         "9^9^9", "10^(10^10)", "1000!", "0x1F", "1_000", "sin", "cos(", "sqrt(", "log(",
         "factorial(", "root(", "__import__", "eval", "π", "σ", "√", "∞", "²", "³", "⁻¹"]
OPS = list("+-*/^()[]{},=<>!|.") + ["**", "<=", ">=", "×", "·", "−", "÷", "≤", "≥", " ",
                                    "\u200b", "\u202e", "\u0301", "\ufeff", "\x00"]
TOKEN = st.one_of(st.sampled_from(ATOMS), st.sampled_from(OPS),
                  st.integers(-10**12, 10**12).map(str),
                  st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True))
SOUP = st.builds(lambda tokens, sep: sep.join(tokens), st.lists(TOKEN, max_size=30),
                 st.sampled_from(["", " "]))
NESTED = st.builds(lambda wrap, depth, body: wrap[0] * depth + body + wrap[1] * depth,
                   st.sampled_from([("(", ")"), ("[", "]"), ("{", "}"), ("|", "|"),
                                    ("sin(", ")"), ("sqrt(", ")"), ("-(", ")")]),
                   st.integers(1, 80), SOUP)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A corpus row after 1-4 bit flips, insertions, duplications or deletions of its bytes."""
    data = bytearray(draw(st.sampled_from(SEEDS)).encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        op, pos = draw(st.integers(0, 3)), draw(st.integers(0, len(data)))
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        elif op == 1:
            data[pos:pos] = draw(TOKEN).encode("utf-8")
        elif op == 2:
            end = draw(st.integers(pos, len(data)))
            data[pos:pos] = data[pos:end] * draw(st.integers(1, 8))
        else:
            del data[pos:draw(st.integers(pos, len(data)))]
    return data.decode("utf-8", "replace")


TEXTS = st.one_of(st.text(max_size=60), st.text(st.characters(min_codepoint=32,
                                                              max_codepoint=126), max_size=80),
                  SOUP, NESTED, mutated())


@contextlib.contextmanager
def watchdog(seconds: float, text: str) -> Iterator[None]:
    """Fail (instead of freezing the suite) when one call runs past ``seconds`` of wall time,
    a bound far above any real parse or check; not a timing assertion."""
    def fail(signum: int, frame: Any) -> None:
        raise AssertionError(f"still running after {seconds} s: {text!r}")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _assert_well_formed(verdict: Verdict) -> None:
    assert verdict.verdict in VERDICTS, verdict
    assert 0.0 <= verdict.score <= 1.0, verdict
    assert isinstance(verdict.code, str) and verdict.code, verdict
    assert isinstance(verdict.feedback, str) and isinstance(verdict.interpreted, str)
    if verdict.verdict == "invalid":
        assert verdict.score == 0.0, verdict
    json.dumps(verdict.to_dict())  # the web layer serialises it


@SETTINGS
@given(text=TEXTS, which=st.integers(0, len(OPTIONS) - 1))
@example(text="\u200b", which=0)
@example(text="\ufeff+1", which=1)
def test_parse_raises_only_input_errors(text: str, which: int) -> None:
    with watchdog(60, text):
        try:
            parsed = parse(text, OPTIONS[which])
        except InputError as err:
            assert err.offset is None or 0 <= err.offset <= len(text), (err, err.offset)
            return
        assert isinstance(parsed, Parsed)
        assert parsed.shape in SHAPES
        assert isinstance(parsed.value, sympy.Basic)
        assert isinstance(parsed.text, str) and isinstance(parsed.latex, str)


@CHECK_SETTINGS
@given(text=TEXTS, which=st.integers(0, len(TARGETS) - 1))
def test_check_never_raises(text: str, which: int) -> None:
    expected, spec = TARGETS[which]
    with watchdog(60, text):
        _assert_well_formed(check(expected, text, spec))


@CHECK_SETTINGS
@given(expected=mutated(), answer=st.one_of(mutated(), SOUP))
def test_check_never_raises_on_mutated_expected_answers(expected: str, answer: str) -> None:
    """A broken *expected* answer (author text) is ``invalid`` with code ``spec``, never a crash."""
    with watchdog(60, f"{expected} <- {answer}"):
        _assert_well_formed(check(expected, answer, AnswerSpec(timeout=1.0)))


# --------------------------------------------------------------------------- hostile inputs

HOSTILE: list[tuple[str, str]] = [
    ("tower", "9^9^9^9"),
    ("power of power", "10^(10^10)"),
    ("huge factorial", "factorial(10^9)"),
    ("tower factorial", "10^10^10!"),
    ("100,000-term sum", "+".join(["x"] * 100_000)),
    ("5,000 nested brackets", "(" * 5000 + "x" + ")" * 5000),
    ("5,000 nested calls", "sin(" * 5000 + "x" + ")" * 5000),
    ("import", "__import__('os')"),
    ("import, no quotes", "__import__"),
    ("class", "().__class__"),
    ("lambda", "lambda x: x"),
    ("attribute", "x.real"),
    ("single quotes", "'x'"),
    ("double quotes", '"x"'),
    ("backticks", "`x`"),
    ("statements", "x; y"),
    ("nul", "x\x00"),
    ("exec", 'exec("1")'),
    ("eval", "eval"),
    ("eval call", "eval(x)"),
    ("getattr", "getattr"),
    ("globals", "globals()"),
    ("os.system", "os.system"),
    ("long identifier", "x" + "a" * 5000),
    ("long identifier under the length limit", "a" * 900),
    ("huge exponent literal", "1e999999"),
    ("hex", "0x1F"),
    ("digit groups", "1_000"),
    ("tiny power", "2**-9999999"),
    ("0/0", "0/0"),
    ("zoo", "zoo"),
    ("nan", "nan"),
    ("I without complex", "I"),
    ("i without complex", "i"),
    ("combining character", "x\u0301 + 1"),
    ("combining character alone", "\u0301"),
]
# Decided differently, each with its reason (the assertions below hold them):
#   "oo": parse reads infinity on purpose (limits); check refuses it as undefined.
#   "(-1)^(1/3)": read as the principal cube root, as SymPy and Maxima do; it is a non-real
#   constant, so it is never equal to a real answer (STACK algequiv row 427 relies on this).
NONREAL_OR_INDETERMINATE = [pytest.param("sqrt(-1)", id="sqrt(-1)"),
                pytest.param("0^0", id="0^0")]
# Bidi controls (Trojan Source, CVE-2021-42574) are refused with an offset, not dropped.
BIDI = [pytest.param("x\u202e+1", id="right-to-left override"),
        pytest.param("1\u2066+x\u2069", id="left-to-right isolate")]


@pytest.mark.parametrize("text", [t for _, t in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_parse_refuses_hostile_input(text: str) -> None:
    with pytest.raises(InputError):
        parse(text, STUDENT)


@pytest.mark.parametrize("text", [t for _, t in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_check_refuses_hostile_input(text: str) -> None:
    verdict = check("x^2 + 1", text, AnswerSpec(variables=("x",)))
    _assert_well_formed(verdict)
    assert verdict.verdict == "invalid" and verdict.code != "timeout", verdict


@pytest.mark.parametrize("text", NONREAL_OR_INDETERMINATE)
def test_parse_refuses_nonreal_or_indeterminate_constants(text: str) -> None:
    with pytest.raises(InputError):
        parse(text, STUDENT)


@pytest.mark.parametrize("text", NONREAL_OR_INDETERMINATE)
def test_check_refuses_nonreal_or_indeterminate_constants(text: str) -> None:
    verdict = check("1", text, AnswerSpec(variables=("x",)))
    assert verdict.verdict == "invalid" and verdict.code != "timeout", verdict


@pytest.mark.parametrize("text", BIDI)
def test_parse_refuses_bidi_controls(text: str) -> None:
    with pytest.raises(InputError):
        parse(text, STUDENT)


@pytest.mark.parametrize("text", BIDI)
def test_check_refuses_bidi_controls(text: str) -> None:
    assert check("x + 1", text, AnswerSpec(variables=("x",))).verdict == "invalid"


def test_infinity_is_read_but_never_graded() -> None:
    assert parse("oo", STUDENT).value == sympy.oo
    verdict = check("x^2 + 1", "oo", AnswerSpec(variables=("x",)))
    assert (verdict.verdict, verdict.code) == ("invalid", "undefined")


def test_hex_without_declared_variables_is_a_product_not_a_number() -> None:
    """With no declared names `0x1F` is 0·x1F (= 0), never 31: Python syntax is not read."""
    assert parse("0x1F").value == 0


@pytest.mark.parametrize("text", ["0 < oo-oo < 1", "1 < 1^oo < 2", "3>0!^oo>3-3"])
def test_undefined_middle_of_an_inequality_chain_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse(text)
    verdict = check("0 < x < 1", text, AnswerSpec(kind="inequality", variables=("x",)))
    assert verdict.verdict == "invalid"


TOWER = "2^(1+sqrt(2))^(1+sqrt(2))^(1+sqrt(2))^(1+sqrt(2))^(1+sqrt(2)) + x"
# Found by bench/fuzz.py: each once hung parse or check, or raised OverflowError. Every number
# the parser builds now lies within 10^±max_digits (parsing/magnitude.py), so all are refused
# with a LimitError before SymPy evaluates them; tests/core/parsing/test_magnitude_limits.py
# holds the whole families.
BEYOND_THE_BOUND = [
    pytest.param(TOWER, id="irrational power tower"),  # OverflowError in term ordering
    pytest.param("e^cosh(1000!)!", id="factorial of cosh"),  # OverflowError in mpmath's gamma
    pytest.param("cosh(cosh(cosh(cosh(cosh(812687)))))", id="nested cosh"),  # parse hang
    pytest.param("1+e^e^e^e^e", id="e tower in a sum"),  # hang rendering the reading
]


@pytest.mark.parametrize("text", BEYOND_THE_BOUND)
def test_numbers_beyond_the_bound_are_refused(text: str) -> None:
    with pytest.raises(LimitError):
        parse(text)
    verdict = check("x = 1", text, AnswerSpec(kind="equation"))
    _assert_well_formed(verdict)
    assert (verdict.verdict, verdict.code) == ("invalid", "limit"), verdict


BOUNDED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
from quizengine.core.checking import AnswerSpec, check
from quizengine.core.errors import InputError
from quizengine.core.parsing import parse
if sys.argv[1] == "parse":
    try:
        print(len(parse(sys.argv[2]).text))
    except InputError:
        print("refused")
    except Exception as exc:
        print(type(exc).__name__)
else:
    print(check("x^2", sys.argv[2], AnswerSpec(timeout=2.0)).verdict)
"""
HANGS = [
    pytest.param("check", "1+e^e^e^e^e", id="check 1+e^e^e^e^e"),
    pytest.param("parse", "cosh(cosh(cosh(cosh(cosh(812687)))))", id="parse nested cosh"),
    pytest.param("parse", "sin(exp(10^10))", id="parse sin of exp(10^10)"),
    pytest.param("parse", "binomial(1/2, 10^6)", id="parse binomial with a huge k"),
    pytest.param("check", "1+(pi x)^(10^2999)", id="check irrational factor to a huge power"),
    pytest.param("parse", "ln(" * 20 + "2" + ")" * 20, id="parse twenty logarithms"),
    pytest.param("parse", "sinh(" * 20 + "sqrt(log(y))!" + ")" * 20, id="parse twenty sinh"),
    pytest.param("parse", "atan(tanh(sqrt(factorial((1+i)))))", id="parse complex chain"),
]


@pytest.mark.parametrize("step, text", HANGS)
def test_parse_and_check_finish(step: str, text: str) -> None:
    """Bounded by 20 CPU seconds in a child (normally well under one): a hang fails the test,
    and parse may only read the text or refuse it with an InputError."""
    proc = subprocess.run([sys.executable, "-c", BOUNDED, step, text], capture_output=True,
                          text=True, timeout=600, cwd=ROOT, check=False)
    assert proc.returncode == 0, f"killed or failed: exit {proc.returncode} {proc.stderr[-300:]}"
    outcome = proc.stdout.split()[0]
    if step == "check":
        assert outcome in VERDICTS
    else:
        assert outcome == "refused" or outcome.isdigit(), outcome


# --------------------------------------------------------------------------- nothing runs

AUDITED = """
import json, os, sys
from quizengine.core.checking import check
from quizengine.core.errors import InputError
from quizengine.core.parsing import ParseOptions, parse
STUDENT = ParseOptions(variables=frozenset({"x"}))
for warm in ("2x cos(x^2)", "[1, 2]", "x < 3"):
    parse(warm); check("x^2", warm)
events = []
WATCH = ("compile", "exec", "os.system", "os.exec", "os.posix_spawn", "os.fork",
         "subprocess.Popen", "socket.", "ctypes.", "shutil.")
def hook(event, args):
    if event.startswith(WATCH) or (event == "open" and len(args) > 1
                                   and any(m in str(args[1]) for m in "wax")):
        events.append(event)
        raise PermissionError("blocked: " + event)
sys.addaudithook(hook)
results = []
for text in json.load(sys.stdin):
    try:
        parse(text, STUDENT)
        parsed = "accepted"
    except InputError:
        parsed = "refused"
    results.append([parsed, check("x^2", text).verdict])
print(json.dumps({"events": events, "results": results}))
"""


def test_code_injection_payloads_run_nothing() -> None:
    """Under an audit hook (which would also block them): no compile/exec, no process, no file
    write; every payload is refused (student options: declared `x`); no sentinel file."""
    sentinel = Path(tempfile.gettempdir()) / "pwned_qe_security_test"
    sentinel.unlink(missing_ok=True)
    payloads = [p.format(s=sentinel) for p in (
        "__import__('os').system('touch {s}')", "__import__(\"os\").system(\"touch {s}\")",
        "open('{s}', 'w').write('x')", "exec(\"open('{s}','w')\")",
        "eval(\"__import__('os').system('touch {s}')\")",
        "().__class__.__base__.__subclasses__()", "x.__class__.__mro__", "x.func",
        "getattr(x, '__class__')", "globals()", "vars()", "__builtins__",
        "(lambda: __import__('os'))()", "[c for c in ().__class__.__bases__]",
        "\uff3f\uff3fimport\uff3f\uff3f(os)", "𝐞𝐯𝐚𝐥(x)", "ｅｘｅｃ(x)")]
    proc = subprocess.run([sys.executable, "-c", AUDITED], input=json.dumps(payloads),
                          capture_output=True, text=True, timeout=180, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    assert report["events"] == []
    assert all(r == ["refused", "invalid"] for r in report["results"]), \
        list(zip(payloads, report["results"], strict=True))
    assert not sentinel.exists()
