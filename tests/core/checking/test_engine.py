"""The numeric/symbolic engine on SymPy-built values (no parser involved)."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

from quizengine.core.checking import kinds, worker
from quizengine.core.checking.equivalence import (
    DIFFERENT,
    EQUAL,
    UNKNOWN,
    Setting,
    compare,
    numeric_compare,
)
from quizengine.core.checking.evaluate import Unsupported, evaluate
from quizengine.core.checking.forms import form_problem
from quizengine.core.checking.spec import Tolerance
from quizengine.core.errors import CheckTimeoutError

x, y, a, b, c, k, m, n = sp.symbols("x y a b c k m n")
R = sp.Rational


@pytest.mark.parametrize(
    ("t", "s", "want"),
    [
        (sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1), EQUAL),
        ((x**2 - 1) / (x + 1), x - 1, EQUAL),  # removable singularity
        (1 / x, 1 / x + 0 * x, EQUAL),  # singular at 0, never sampled
        (sp.sin(sp.pi * x), sp.Integer(0), DIFFERENT),  # equal at every integer
        (sp.sqrt(x**2), x, DIFFERENT),
        (sp.sqrt(x**2), sp.Abs(x), EQUAL),
        (x**2 / 3, R(333333333333333, 10**15) * x**2, DIFFERENT),  # exact decimals
        (sp.exp(x), R(271828, 10**5) ** x, DIFFERENT),
        ((x - a) ** 6000, (a - x) ** 6000, EQUAL),  # beyond float range
        ((x - a) ** 5999, (x - a) ** 6000, DIFFERENT),
        (sp.log(sp.Abs(x - 3)) + sp.log(sp.Abs(x + 3)), sp.log(sp.Abs(x**2 - 9)), EQUAL),
        (sp.sqrt(1 / x), 1 / sp.sqrt(x), EQUAL),  # both undefined for x < 0
        # Same function = same values where both are defined AND (nearly) the same domain.
        (sp.Integer(1), sp.sqrt(k / m) * sp.sqrt(m / k), DIFFERENT),  # 1 is defined at k/m < 0
        (sp.sqrt(x - 3) * sp.sqrt(x - 5), sp.sqrt((x - 3) * (x - 5)), DIFFERENT),  # x <= 3
        (sp.sqrt((x - 3) * (x - 5)), sp.sqrt(x - 3) * sp.sqrt(x - 5), DIFFERENT),
        (sp.log(x**2), 2 * sp.log(x), DIFFERENT),
        (2 * sp.log(x), sp.log(x**2), DIFFERENT),
        (sp.log(a**x, a), x, DIFFERENT),  # decided: a > 0 must be declared (see below)
        ((x**2 - 1) / (x - 1), x + 1, EQUAL),  # a removable singularity is one point
        ((-sp.cos(x)) ** n, (-1) ** n * sp.cos(x) ** n, EQUAL),  # (-1)^n: n is an integer
        (sp.exp(x) ** 30 / sp.exp(x) ** 29, sp.exp(x), EQUAL),  # float overflow is not "undefined"
        (sp.sqrt(x - 5), sp.sqrt(x - 5) + 0 * x, EQUAL),  # needs the wide box
        (sp.cos(x + y), sp.cos(x) * sp.cos(y) - sp.sin(x) * sp.sin(y), EQUAL),
        (sp.cos(x + y), sp.cos(x) * sp.cos(y) + sp.sin(x) * sp.sin(y), DIFFERENT),
        (sp.exp(sp.I * x), sp.cos(x) + sp.I * sp.sin(x), EQUAL),
        (sp.factorial(n + 1), (n + 1) * sp.factorial(n), EQUAL),
        (sp.Function("F")(k) * sp.exp(x), sp.Function("F")(k) * sp.exp(k), DIFFERENT),
    ],
)
def test_expressions(t: sp.Expr, s: sp.Expr, want: str) -> None:
    assert compare(t, s, Setting(deadline=time.monotonic() + 10)) == want


def test_polynomial_differing_only_in_the_constant_term() -> None:
    big = sp.expand(512 * (2 * x + 5) ** 7 * (5 * x - 1) ** 5 * (70 * x + 67))
    assert numeric_compare(big, big + 1, Setting()) == DIFFERENT
    assert numeric_compare(big, 512 * (2 * x + 5) ** 7 * (5 * x - 1) ** 5 * (70 * x + 67),
                           Setting()) == EQUAL


@pytest.mark.parametrize(
    ("t", "s", "want"),
    [
        (R(1, 3), R(3333, 10000), DIFFERENT),
        ((R(8, 10) - 1) ** 2, R(4, 100), EQUAL),
        (sp.Integer(2), sp.cbrt(sp.sqrt(108) + 10) - sp.cbrt(sp.sqrt(108) - 10), EQUAL),
        (R(99999998, 99999999), R(99999999, 10**8), DIFFERENT),
        (sp.I, sp.sqrt(-1), EQUAL),
        (sp.pi / 2 - sp.atan(2), sp.atan(R(1, 2)), EQUAL),
    ],
)
def test_constants_are_exact(t: sp.Expr, s: sp.Expr, want: str) -> None:
    assert numeric_compare(t, s, Setting()) == want


def test_domain_makes_sqrt_of_square_equal_x() -> None:
    assert compare(sp.sqrt(x**2), x, Setting(domain={"x": (0.0, 5.0)})) == EQUAL


@pytest.mark.parametrize(
    ("t", "s", "domain"),
    [
        (sp.log(a**x, a), x, {"a": (0.1, 5.0)}),
        (sp.Integer(1), sp.sqrt(k / m) * sp.sqrt(m / k), {"k": (0.1, 5.0), "m": (0.1, 5.0)}),
        (2 * sp.log(a) + sp.log(b), sp.log(a**2 * b), {"a": (0.1, 5.0), "b": (0.1, 5.0)}),
    ],
)
def test_declared_positive_domain_makes_log_and_root_laws_hold(
        t: sp.Expr, s: sp.Expr, domain: dict[str, tuple[float, float]]) -> None:
    assert compare(t, s, Setting(domain=domain, deadline=time.monotonic() + 10)) == EQUAL


@pytest.mark.parametrize(
    ("t", "s", "want"),
    [
        # float64 cannot see 1 next to e^72 (relative gap 5e-32): 50 digits then more digits do.
        (sp.exp(72), 1 + sp.exp(72), DIFFERENT),
        (sp.exp(200), 1 + sp.exp(200), DIFFERENT),
        (x * sp.exp(72), x * sp.exp(72) + 1, DIFFERENT),
        (x + sp.exp(72), x + sp.exp(72) + 1, DIFFERENT),
        (sp.exp(72) * (x + 1), sp.exp(72) * x + sp.exp(72), EQUAL),
        (sp.exp(72) * sp.sin(x) ** 2, sp.exp(72) - sp.exp(72) * sp.cos(x) ** 2, EQUAL),
        (sp.exp(150) * (x + 1), sp.exp(150) * x + sp.exp(150), EQUAL),
    ],
)
def test_huge_magnitudes_are_compared_exactly(t: sp.Expr, s: sp.Expr, want: str) -> None:
    assert numeric_compare(t, s, Setting()) == want


@pytest.mark.parametrize(
    ("tol", "s", "want"),
    [
        (Tolerance(rel=0.05), R(105, 100), EQUAL),
        (Tolerance(rel=0.05), R(949, 1000), DIFFERENT),
        (Tolerance(abs=0.1), R(11, 10), EQUAL),
        (Tolerance(abs=0.01), R(11, 10), DIFFERENT),
    ],
)
def test_tolerance(tol: Tolerance, s: sp.Expr, want: str) -> None:
    assert numeric_compare(sp.Integer(1), s, Setting(tolerance=tol)) == want


def test_tolerance_with_variables() -> None:
    close = Setting(tolerance=Tolerance(rel=1e-4))
    assert numeric_compare(sp.exp(x), R(271828, 10**5) ** x, close) == EQUAL


def test_evaluator_real_semantics_and_unsupported() -> None:
    out = evaluate(sp.log(x) + sp.sqrt(x), (x,), "real", [np.array([-1.0, 1.0])])
    assert np.isnan(out[0]) and out[1] == pytest.approx(1.0)
    with pytest.raises(Unsupported):
        evaluate(sp.Integral(x, (x, 0, 1)) + x, (x,), "real", [np.array([1.0])])


EQ = sp.Eq


@pytest.mark.parametrize(
    ("t", "s", "want"),
    [
        (EQ(y, 2 * x + 1), EQ(2 * x - y + 1, 0), EQUAL),
        (EQ(y, x / (2 * x - 1)), EQ(1 / x + 1 / y, 2), EQUAL),
        (EQ(x, 2), EQ((x - 2) ** 2, 0), DIFFERENT),  # multiplicity kept
        (EQ(s := sp.Symbol("s") ** 2, 0), EQ(s * sp.exp(sp.Symbol("s") * sp.Symbol("t")), 0),
         DIFFERENT),
        (EQ(sp.Integer(1), 4, evaluate=False), EQ(sp.Integer(2), 3, evaluate=False), EQUAL),
        (EQ(y, -x), EQ((1 + sp.I) * (x + y), 0), EQUAL),
        (EQ(x**2 + y**2, 1), EQ((y - sp.sqrt(1 - x**2)) * (y + sp.sqrt(1 - x**2)), 0), EQUAL),
        (EQ((x - y) * (x + y), 0), EQ(sp.Abs(x), sp.Abs(y)), EQUAL),  # |A| = |B| is A^2 = B^2
        (EQ(x - y, 0), EQ(sp.Abs(x), sp.Abs(y)), DIFFERENT),
        (EQ(y, (x - a) ** 5999), EQ(y, (a - x) ** 5999), DIFFERENT),
        (EQ(y, (x - a) ** 6000), EQ(y, (a - x) ** 6000), EQUAL),
    ],
)
def test_equations(t: sp.Basic, s: sp.Basic, want: str) -> None:
    out = kinds.compare_values(t, s, Setting(deadline=time.monotonic() + 10))
    assert out.state == want


@pytest.mark.parametrize(
    ("t", "s", "want"),
    [
        (x > 1, x > 1, EQUAL),
        (x > 1, 2 * x > 2, EQUAL),
        (x > 1, -2 * x < -2, EQUAL),
        (x > 1, x >= 1, DIFFERENT),
        (x <= 1, x > 1, DIFFERENT),
        (x > 2, x >= 1, DIFFERENT),
        (sp.Abs(x) <= 3, x**2 <= 9, EQUAL),
        (sp.Abs(x) < 3, x**2 <= 9, DIFFERENT),
        (x**2 < 2, x**4 <= 4, DIFFERENT),  # boundary at sqrt(2): settled by solveset
        (x**2 - 3 * a < 0, 3 * x**2 < 9 * a, EQUAL),
        (sp.And(x > 1, x < 3), sp.And(x > 1, x < 3), EQUAL),
    ],
)
def test_inequalities(t: sp.Basic, s: sp.Basic, want: str) -> None:
    out = kinds.compare_values(t, s, Setting(deadline=time.monotonic() + 30))
    assert out.state == want


M = sp.ImmutableMatrix


def test_matrix_entries_feedback_and_partial_credit() -> None:
    out = kinds.compare_values(M([[1, 2], [3, 4]]), M([[1, 0], [0, 4]]), Setting())
    assert (out.state, out.score, out.feedback) == (
        DIFFERENT, 0.5, "entries (1,2) and (2,1) are not right")
    shape = kinds.compare_values(M([[1, 2], [3, 4]]), M([[1, 2, 3], [3, 4, 5]]), Setting())
    assert shape.feedback == "expected a 2×2 matrix, you gave 2×3" and shape.code == "shape"


def test_vectors_orientation_and_length() -> None:
    row, col = M([[1, x]]), M([[1], [x]])
    assert kinds.compare_values(row, col, Setting()).state == EQUAL
    assert kinds.compare_values(row, col, Setting(), orientation="row").code == "shape"
    assert "3 entries" in kinds.compare_values(M([[1, 2, 3]]), M([[1, 2]]), Setting()).feedback


def test_sets_ignore_order_and_duplicates() -> None:
    fs = sp.FiniteSet
    assert kinds.compare_values(fs(1, 2), fs(2, 1), Setting()).state == EQUAL
    assert kinds.compare_values(fs(x + x, 1), fs(1, 2 * x), Setting()).state == EQUAL
    part = kinds.compare_values(fs(1, 2, 3), fs(1, 2, 4), Setting())
    assert part.state == DIFFERENT and part.score == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("value", "form", "fails"),
    [
        (x**2 + 2 * x + 1, "expanded", False),
        (sp.Pow(x + 1, 2, evaluate=False), "expanded", True),
        ((x + 1) ** 2, "factored", False),
        (x**2 + 2 * x + 1, "factored", True),
        ((x + 1) / (x - 1), "single_fraction", False),
        (1 + 2 / (x - 1), "single_fraction", True),
        (x**3 + x, "degree<=3", False),
        (x**3 + x, "degree<=2", True),
    ],
)
def test_forms(value: sp.Expr, form: str, fails: bool) -> None:
    assert form_problem(value, form) is fails


def test_worker_timeout_kills_and_recovers() -> None:
    worker.start()
    slow = sp.Integral(sp.exp(-(x**2)) * sp.sin(x) ** 7 * sp.log(x) / (1 + x**4), x)
    with pytest.raises(CheckTimeoutError):
        worker.run("prove_equal", (slow, sp.Integer(0)), deadline=time.monotonic() + 0.05)
    assert worker.run("prove_equal", (sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x)),
                      deadline=time.monotonic() + 60) is True


def test_numbers_hand_over_what_they_cannot_evaluate() -> None:
    assert numeric_compare(sp.Integral(x**2, x), x**3 / 3, Setting()) == UNKNOWN
    assert compare(sp.Integral(x**2, x), x**3 / 3, Setting(deadline=time.monotonic() + 60)) == EQUAL


def test_exponent_variables_are_also_sampled_at_integers() -> None:
    t, s = (-sp.cos(x)) ** n, (-1) ** n * sp.cos(x) ** n
    assert numeric_compare(t, s, Setting()) == EQUAL


def _power_of_power(base: sp.Expr, e1: sp.Expr, e2: sp.Expr) -> sp.Expr:
    return sp.Pow(sp.Pow(base, e1, evaluate=False), e2, evaluate=False)


@pytest.mark.parametrize(
    ("t", "s", "domain", "want"),
    [
        # a=-2, b=2, c=1/2: -2 vs 2; random points (almost) never draw such a combination.
        (a ** (b * c), _power_of_power(a, b, c), None, DIFFERENT),
        (a ** (b * c), _power_of_power(a, c, b), None, DIFFERENT),
        (a ** (b * c), _power_of_power(a, b, c), {"a": (0.0, 5.0)}, EQUAL),
        (sp.sqrt(x**2), sp.Abs(x), None, EQUAL),
        # Simple points sit on removable singularities and poles: no verdict from those.
        ((x**2 - 4) / (x - 2), x + 2, None, EQUAL),
        (x * (x**2 - 4) / ((x - 2) * (x + 2)), x, None, EQUAL),
        (sp.tan(sp.pi * x / 4), sp.sin(sp.pi * x / 4) / sp.cos(sp.pi * x / 4), None, EQUAL),
        (sp.floor(x), sp.ceiling(x) - 1, None, DIFFERENT),  # they differ at every integer
    ],
)
def test_simple_points_catch_exponent_laws_for_negative_bases(
        t: sp.Expr, s: sp.Expr, domain: dict[str, tuple[float, float]] | None, want: str) -> None:
    assert numeric_compare(t, s, Setting(domain=domain)) == want
