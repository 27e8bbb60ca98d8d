"""Property tests: rewrites of random expressions are correct, perturbations are not,
and arbitrary text never crashes ``check``."""

from __future__ import annotations

import re

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quizengine.core.checking import AnswerSpec, check

pytestmark = pytest.mark.usefixtures("needs_parser")
x, y = sp.symbols("x y")
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _trees(depth: int) -> st.SearchStrategy[sp.Expr]:
    leaves = st.sampled_from([x, y, sp.Integer(1), sp.Integer(2), sp.Integer(3), sp.Rational(1, 2)])
    if depth == 0:
        return leaves
    sub = _trees(depth - 1)
    return st.one_of(
        leaves,
        st.builds(lambda a, b: a + b, sub, sub),
        st.builds(lambda a, b: a * b, sub, sub),
        st.builds(lambda a, n: a**n, sub, st.integers(0, 3)),
        st.builds(sp.sin, sub),
        st.builds(sp.cos, sub),
        st.builds(lambda a: sp.exp(a / 3), sub),
    )


EXPRS = _trees(3)
REWRITES = [sp.expand, sp.factor, sp.together, sp.expand_trig, lambda e: e.rewrite(sp.exp)]


def text_of(e: sp.Basic) -> str:
    """Plain text the parser reads: ``^`` for powers, ``e`` and ``i`` for E and I."""
    return re.sub(r"\bI\b", "i", re.sub(r"\bE\b", "e", sp.sstr(e).replace("**", "^")))


SPEC = AnswerSpec(allow_complex=True)


@SETTINGS
@given(EXPRS, st.sampled_from(range(len(REWRITES))))
def test_rewritten_forms_are_correct(expr: sp.Expr, which: int) -> None:
    rewritten = REWRITES[which](expr)
    assume(len(text_of(rewritten)) < 600)
    v = check(expr, text_of(rewritten), SPEC)
    assert v.verdict == "correct", (expr, rewritten, v)


@SETTINGS
@given(EXPRS, st.sampled_from(["plus_one", "double", "swap"]))
def test_perturbations_are_incorrect(expr: sp.Expr, how: str) -> None:
    if how == "plus_one":
        wrong = expr + 1
    elif how == "double":
        assume(expr != 0)
        wrong = 2 * expr
    else:
        swapped = expr.xreplace({f: sp.cos(f.args[0]) if f.func is sp.sin else sp.sin(f.args[0])
                                 for f in expr.atoms(sp.sin, sp.cos)})
        assume(sp.simplify(swapped - expr) != 0)
        wrong = swapped
    v = check(expr, text_of(wrong), SPEC)
    assert v.verdict == "incorrect", (expr, wrong, v)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("xy0123456789+-*/^()[]{}=<>., sincoexplgqrtπ√²")),
               max_size=40))
def test_random_text_never_crashes(text: str) -> None:
    v = check("x^2 + 1", text)
    assert v.verdict in ("correct", "incorrect", "invalid")


def test_a_long_trig_expansion_is_not_refused_for_float_rounding() -> None:
    """sin(27x) expanded in powers of sin(x) has coefficients near 3e9: float64 loses ~1e-6 of
    each value to cancellation, which alone must not make a right answer wrong (found by
    hypothesis); a slightly wrong expansion is still wrong."""
    expanded = sp.expand_trig(sp.sin(27 * x))
    assert check(sp.sin(27 * x), text_of(expanded), SPEC).verdict == "correct"
    assert check(sp.sin(27 * x), text_of(expanded + sp.Rational(1, 1000)), SPEC
                 ).verdict == "incorrect"
