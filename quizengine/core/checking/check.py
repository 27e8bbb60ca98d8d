"""``check(expected, answer, spec) -> Verdict``: the one entry point of answer checking.

Order of business: validate the spec; read the expected answer (author options, cached);
read the student's text (declared variables only; an unreadable answer is *invalid* with the
parser's message and a caret line); compare by shape (:mod:`.kinds`); on equality apply the
form requirements; on a difference look for an anticipated mistake. Everything runs under
the spec's deadline: a check that cannot finish is *invalid* with code ``timeout``, never
*incorrect*. Results are cached (bounded LRU) by ``(expected, answer, spec)``.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy as sp

from quizengine.core.checking import kinds
from quizengine.core.checking.equivalence import DIFFERENT, EQUAL, Setting
from quizengine.core.checking.forms import form_problem, is_known_form
from quizengine.core.checking.numbers import exact_fraction, expected_decimal, is_number
from quizengine.core.checking.sigfigs import judge_sigfigs
from quizengine.core.checking.spec import AnswerSpec, Mistake, Tolerance, Verdict
from quizengine.core.errors import CheckError, CheckTimeoutError, InputError
from quizengine.core.lru import LRU

__all__ = ["TIMEOUT_FEEDBACK", "check", "clear_cache"]

TIMEOUT_FEEDBACK = "could not be checked in time, your answer was not marked wrong"
UNDECIDED_FEEDBACK = "could not be checked automatically, your answer was not marked wrong"
CACHE_SIZE = 20_000
_SHAPE_WORDS = {"expression": "an expression", "equation": "an equation",
                "inequality": "an inequality", "vector": "a vector", "matrix": "a matrix",
                "set": "a set", "list": "a list"}
_KIND_SHAPES = {"equation": ("equation",), "inequality": ("inequality",),
                "vector": ("vector", "list"), "matrix": ("matrix", "vector"), "set": ("set",)}


_cache: LRU[Verdict] = LRU(CACHE_SIZE)


def clear_cache() -> None:
    """Forget cached verdicts, readings and compiled evaluators (benchmarks measure real
    checks this way)."""
    from quizengine.core.checking.evaluate import _compile
    from quizengine.core.parsing import clear_readings

    _cache.clear()
    clear_readings()
    _read_author.cache_clear()
    _compile.cache_clear()


def check(expected: Any, answer: str, spec: AnswerSpec | None = None) -> Verdict:
    """Mark ``answer`` (student text) against ``expected`` (author text or SymPy value).

    >>> check("2*x + 1", "1 + x*2").verdict
    'correct'
    >>> v = check("x^2", "x^3"); (v.verdict, v.score)
    ('incorrect', 0.0)
    >>> check("x^2", "x^").verdict
    'invalid'
    """
    spec = spec or AnswerSpec()
    key = (_hashable(expected), answer, spec)
    cached = _cache.get(key) if key[0] is not None else None
    if cached is not None:
        return cached
    verdict = _check(expected, answer, spec)
    if key[0] is not None and verdict.code != "timeout":
        _cache.put(key, verdict)
    return verdict


def _hashable(value: Any) -> Hashable | None:
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value).__name__, value)


def _invalid(feedback: str, code: str, interpreted: str = "", text: str = "") -> Verdict:
    return Verdict("invalid", 0.0, feedback, interpreted, code, text)


def _check(expected: Any, answer: str, spec: AnswerSpec) -> Verdict:
    deadline = time.monotonic() + spec.timeout
    problem = spec.problem() or next(
        (f"unknown form {f!r}" for f in spec.forms if not is_known_form(f)), None)
    if problem:
        return _invalid(f"this question is misconfigured: {problem}", "spec")
    if not isinstance(answer, str):
        return _invalid("the answer must be text", "invalid_input")
    if spec.kind == "choice":
        from quizengine.core.checking.choice import check_choice

        return check_choice(expected, answer, spec)
    try:
        target = _expected_value(expected, spec)
    except InputError as err:
        return _invalid(f"the expected answer could not be read: {err.message}", "spec")
    if _non_finite(target):
        return _invalid("the expected answer is undefined (division by zero?)", "spec")
    try:
        parsed = _read_answer(answer, spec, _variables(target, spec))
    except InputError as err:
        caret = err.caret(answer)
        return _invalid(err.message + (f"\n{caret}" if caret else ""), err.code)
    if _non_finite(parsed.value):
        return _invalid("your answer is undefined (division by zero?)", "undefined",
                        parsed.latex, parsed.text)
    try:
        return _judge(target, parsed, answer, spec, deadline)
    except CheckTimeoutError:
        return _invalid(TIMEOUT_FEEDBACK, "timeout", parsed.latex, parsed.text)
    except CheckError:
        return _invalid(UNDECIDED_FEEDBACK, "undecided", parsed.latex, parsed.text)


def _non_finite(value: Any) -> bool:
    return isinstance(value, sp.Basic) and value.has(sp.zoo, sp.nan, sp.oo, -sp.oo)


def _variables(target: Any, spec: AnswerSpec) -> frozenset[str]:
    if spec.variables is not None:
        return frozenset(spec.variables)
    return frozenset(s.name for s in getattr(target, "free_symbols", ()))


@lru_cache(maxsize=4096)
def _read_author(text: str, allow_complex: bool) -> Any:
    from quizengine.core.parsing import ParseOptions, parse

    return parse(text, ParseOptions(variables=None, allow_complex=allow_complex)).value


def _expected_value(expected: Any, spec: AnswerSpec) -> Any:
    """The expected answer as a SymPy value (author text is parsed permissively, cached)."""
    if isinstance(expected, str):
        return _read_author(expected, spec.allow_complex)
    if isinstance(expected, sp.Basic):
        return expected
    if isinstance(expected, bool):
        raise InputError("a yes/no value is not a mathematical answer")
    if isinstance(expected, int):
        return sp.Integer(expected)
    if isinstance(expected, float):
        ratio = Fraction(repr(expected))
        return sp.Rational(ratio.numerator, ratio.denominator)
    if isinstance(expected, (list, tuple)):
        rows = [list(map(lambda v: _expected_value(v, spec), r)) if isinstance(r, (list, tuple))
                else [_expected_value(r, spec)] for r in expected]
        nested = all(isinstance(r, (list, tuple)) for r in expected)
        return sp.ImmutableMatrix(rows if nested else [[r[0] for r in rows]])
    if isinstance(expected, (set, frozenset)):
        return sp.FiniteSet(*(_expected_value(v, spec) for v in expected))
    raise InputError(f"cannot use a {type(expected).__name__} as an expected answer")


def _read_answer(answer: str, spec: AnswerSpec, variables: frozenset[str]) -> Any:
    from quizengine.core.parsing import ParseOptions, parse

    options = ParseOptions(variables=variables, allow_complex=spec.allow_complex,
                           forbidden_functions=spec.forbidden_functions)
    return parse(answer, options)


def _judge(target: Any, parsed: Any, text: str, spec: AnswerSpec, deadline: float) -> Verdict:
    value, t_shape = parsed.value, kinds.shape_of(target)
    s_shape = kinds.shape_of(value)
    allowed = _KIND_SHAPES.get(spec.kind)
    if allowed and t_shape not in allowed:
        return _invalid(f"this question is misconfigured: the expected answer is not "
                        f"{_SHAPE_WORDS[allowed[0]]}", "spec", parsed.latex, parsed.text)
    shown = (parsed.latex, parsed.text)
    if s_shape != t_shape and not {s_shape, t_shape} <= {"vector", "matrix"}:
        return Verdict("incorrect", 0.0, f"expected {_SHAPE_WORDS[t_shape]}, you gave "
                       f"{_SHAPE_WORDS[s_shape]}", *shown[:1], "shape", shown[1])
    if t_shape == "matrix" and s_shape == "vector" and 1 not in target.shape:
        s_shape = "matrix"
    tol = spec.tolerance
    if tol is not None and tol.sigfigs is not None:
        return _judge_sigfigs(target, value, text, tol, shown)
    if spec.kind == "numeric":
        if not is_number(target):
            return _invalid("this question is misconfigured: the expected answer is not a "
                            "number", "spec", *shown)
        if not is_number(value):
            return Verdict("incorrect", 0.0, "expected a number", *shown[:1], "shape", shown[1])
    setting = Setting(domain=spec.domain, allow_complex=spec.allow_complex,
                      tolerance=tol, deadline=deadline)
    orientation = next((f for f in spec.forms if f in ("row", "column")), None)
    outcome = kinds.compare_values(target, value, setting, orientation=orientation)
    if outcome.state == EQUAL:
        failed = next((f for f in spec.forms if form_problem(value, f)), None)
        if failed:
            name = failed.replace("_", " ")
            return Verdict("incorrect", 0.0, f"equivalent, but not {name}", *shown[:1],
                           f"form:{failed}", shown[1])
        return Verdict("correct", 1.0, "correct", *shown[:1], "correct", shown[1])
    if outcome.state != DIFFERENT:
        return _invalid(UNDECIDED_FEEDBACK, "undecided", *shown)
    mistake = _find_mistake(value, s_shape, spec, setting)
    if mistake is not None:
        return Verdict("incorrect", 0.0, mistake.feedback, *shown[:1],
                       f"mistake:{mistake.code}", shown[1])
    return Verdict("incorrect", outcome.score, outcome.feedback or "not correct", *shown[:1],
                   outcome.code or "incorrect", shown[1])


def _find_mistake(value: Any, shape: str, spec: AnswerSpec, setting: Setting) -> Mistake | None:
    for mistake in spec.mistakes:
        try:
            wrong = _expected_value(mistake.answer, spec)
        except InputError:
            continue
        if kinds.shape_of(wrong) != kinds.shape_of(value):
            continue
        if getattr(wrong, "shape", None) != getattr(value, "shape", None):
            continue
        if kinds.compare_values(wrong, value, setting).state == EQUAL:
            return mistake
    return None


def _judge_sigfigs(target: Any, value: Any, text: str, tol: Tolerance,
                   shown: tuple[str, str]) -> Verdict:
    assert tol.sigfigs is not None
    if kinds.shape_of(value) != "expression" or not is_number(value):
        return Verdict("incorrect", 0.0, "expected a number", shown[0], "shape", shown[1])
    needs_value = not (isinstance(tol.sigfigs, tuple) and tol.sigfigs[1] == 0)
    reference = expected_decimal(target) if needs_value and is_number(target) else None
    if needs_value and reference is None:
        return _invalid("this question is misconfigured: the expected answer is not a "
                        "number", "spec", *shown)
    exact = exact_fraction(value)
    if exact is None:
        return Verdict("incorrect", 0.0, "write your answer as a decimal number", shown[0],
                       "form:decimal", shown[1])
    ok, why = judge_sigfigs(reference, exact, text, tol.sigfigs)
    if ok:
        return Verdict("correct", 1.0, "correct", shown[0], "correct", shown[1])
    return Verdict("incorrect", 0.0, why, shown[0], "sigfigs", shown[1])
