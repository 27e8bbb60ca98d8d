"""The author language: bounded builders from a whitelist, and nothing that reaches Python."""

from __future__ import annotations

import pytest
import sympy as sp

from quizengine.core.errors import TemplateError
from quizengine.core.questions import (
    AUTHOR_FUNCTIONS,
    generate,
    load_template_text,
    validate_template,
)
from quizengine.core.questions.expressions import (
    evaluate_condition,
    evaluate_expression,
    split_condition,
)

from .helpers import MINIMAL, replace

x, y = sp.symbols("x y")
M = sp.ImmutableMatrix


def value(text: str, **constants):
    return evaluate_expression(
        text, {k: sp.sympify(v) for k, v in constants.items()}, owner="t", where="w"
    )


BUILDERS = [
    ("diff(x^3, x)", 3 * x**2),
    ("diff(x^3, x, 2)", 6 * x),
    ("diff(x^2*y^2, x, y)", 4 * x * y),
    ("integrate(2*x, x)", x**2),
    ("integrate(2*x, x, 0, 3)", 9),
    ("subs(x^2 + y, [x, y], [2, 3])", 7),
    ("eval_at(x^2, x, 3)", 9),
    ("series(e^x, x, 0, 4)", 1 + x + x**2 / 2 + x**3 / 6),
    ("taylor(e^x, x, 0, 3)", 1 + x + x**2 / 2 + x**3 / 6),
    ("taylor(log(x), x, 1, 2)", (x - 1) - (x - 1) ** 2 / 2),
    ("coeff((1 + x)^3, x, 2)", 3),
    ("expand((x + 1)^2)", x**2 + 2 * x + 1),
    ("factor(x^2 - 1)", (x - 1) * (x + 1)),
    ("together(1/x + 1)", (x + 1) / x),
    ("numer((x + 1)/(x - 1))", x + 1),
    ("denom((x + 1)/(x - 1))", x - 1),
    ("det([[1, 2], [3, 4]])", -2),
    ("inverse([[2, 0], [0, 4]])", M([[sp.Rational(1, 2), 0], [0, sp.Rational(1, 4)]])),
    ("transpose([[1, 2], [3, 4]])", M([[1, 3], [2, 4]])),
    ("trace([[1, 2], [3, 4]])", 5),
    ("matmul([[1, 2], [3, 4]], [[1], [1]])", M([[3], [7]])),
    ("entry([[1, 2], [3, 4]], 2, 1)", 3),
    ("entry([5, 6, 7], 3)", 7),
    ("dot([1, 2], [3, 4])", 11),
    ("norm([3, 4])", 5),
    ("gradient(x^2*y, [x, y])", M([[2 * x * y, x**2]])),
    ("jacobian([x*y, x + y], [x, y])", M([[y, x], [1, 1]])),
    ("jacobian(x*y, [x, y])", M([[y, x]])),
    ("hessian(x^2*y, [x, y])", M([[2 * y, 2 * x], [2 * x, 0]])),
    ("sigmoid(0)", sp.Rational(1, 2)),
    ("column([1, 2])", M([[1], [2]])),
    ("Rational(6, 4)", sp.Rational(3, 2)),
    ("max(2, 7, 3)", 7),
    ("min(2, 7, 3)", 2),
    ("factorial(5)", 120),
    ("binomial(5, 2)", 10),
    ("limit(sin(x)/x, x, 0)", 1),
]


@pytest.mark.parametrize(("text", "expected"), BUILDERS, ids=[b[0] for b in BUILDERS])
def test_builder(text: str, expected) -> None:
    got = value(text)
    if isinstance(got, sp.MatrixBase):
        assert got == expected
    else:
        assert sp.simplify(got - expected) == 0


def test_constants_are_substituted_as_values() -> None:
    f = value("a*x^2 + b", a=3, b=-1)
    assert value("f^2", f=f) == (3 * x**2 - 1) ** 2
    assert value("diff(f, x)", f=f) == 6 * x


def test_numeric_builder_gives_decimals() -> None:
    got = value("N(sigmoid(1), 6)")
    assert isinstance(got, sp.Float) and abs(float(got) - 0.731059) < 1e-6


def test_singular_inverse_is_undefined_not_an_error() -> None:
    assert value("inverse([[1, 2], [2, 4]])").has(sp.nan)


def test_every_author_function_is_a_function_spec() -> None:
    assert {
        "diff",
        "integrate",
        "subs",
        "series",
        "taylor",
        "expand",
        "factor",
        "simplify",
        "together",
        "Matrix",
        "matrix",
        "transpose",
        "det",
        "inverse",
        "jacobian",
        "hessian",
        "gradient",
        "sigmoid",
        "dot",
        "eval_at",
        "N",
        "numeric",
        "Rational",
        "max",
        "min",
    } <= set(AUTHOR_FUNCTIONS)
    assert all(spec.name == name for name, spec in AUTHOR_FUNCTIONS.items())


REFUSED = [
    ("__import__('os')", None),
    ("__import__(os)", None),
    ("x.__class__", None),
    ("f.subs(x, 1)", None),
    ("eval(1)", None),
    ("diff(x^2, x, 1000)", "0..5"),
    ("diff(x^6, x, 3, 3)", None),
    ("factorial(10^9)", None),
    ("series(e^x, x, 0, 500)", "1..10"),
    ("taylor(e^x, x, 0, 50)", "0..10"),
    ("det([[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5]])", "4×4"),
    ("2^(10^9)", None),
    ("jacobian([x, y], [x, y, z, t, u])", "at most 4"),
]


@pytest.mark.parametrize(("text", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_at_validation(text: str, words: str | None) -> None:
    template = load_template_text(replace(MINIMAL, 'fp = "diff(f, x)"', f'fp = "{text}"'))
    with pytest.raises(TemplateError) as caught:
        generate(template, 0)
    assert "derived.fp" in caught.value.message
    if words:
        assert words in caught.value.message
    failures = validate_template(template, seeds=2)
    assert failures and all("derived.fp" in f for f in failures[:2])


def test_conditions() -> None:
    scope = {"a": sp.Integer(2), "b": sp.Integer(-3), "J": sp.ImmutableMatrix([[1, 2], [2, 4]])}
    assert evaluate_condition("a != b", scope, owner="t", where="w")
    assert not evaluate_condition("det(J) != 0", scope, owner="t", where="w")
    assert evaluate_condition("a > 5 or b < 0 and a >= 2", scope, owner="t", where="w")
    assert not evaluate_condition("a > 5 or b < 0 and a > 2", scope, owner="t", where="w")
    assert evaluate_condition("(x + 1)^2 == x^2 + 2x + 1", scope, owner="t", where="w")
    assert evaluate_condition("a", scope, owner="t", where="w")
    assert split_condition("max(a, b) <= 3") == ((("max(a, b)", "<=", "3"),),)
    with pytest.raises(TemplateError, match="must be a number"):
        evaluate_condition("x < 1", scope, owner="t", where="w")
