"""What students type -> what we read: tables of inputs, values and notes."""

from __future__ import annotations

import pytest
import sympy
from sympy import E, Eq, FiniteSet, I, ImmutableMatrix, Rational, exp, log, pi, sqrt

from quizengine.core.parsing import ParseOptions, parse

x, y, t, a, b, n, r = sympy.symbols("x y t a b n r")
XY = ParseOptions(variables=frozenset({"x", "y"}))
XYT = ParseOptions(variables=frozenset({"x", "y", "t"}))


def same(left: object, right: object) -> bool:
    """Structural equality, or a difference that simplifies to zero."""
    if left == right:
        return True
    return isinstance(left, sympy.Expr) and sympy.simplify(left - right) == 0


EXPRESSIONS = [
    # numbers: exact, scientific notation in its three spellings
    ("123", sympy.Integer(123)),
    ("0.1", Rational(1, 10)),
    (".5", Rational(1, 2)),
    ("0.2000", Rational(1, 5)),
    ("1.2e-3", Rational(3, 2500)),
    ("3E2", sympy.Integer(300)),
    ("1.2×10^-3", Rational(3, 2500)),
    ("1.2*10^(-3)", Rational(3, 2500)),
    ("(0.8-1)^2", Rational(1, 25)),
    # operators and precedence
    ("x^2", x**2),
    ("x**2", x**2),
    ("x^y^2", x ** (y**2)),
    ("-x^2", -(x**2)),
    ("2^-1", Rational(1, 2)),
    ("x^-y", x ** (-y)),
    ("a/b/n", a / b / n),
    ("a-(b-n)", a - b + n),
    ("a+-b", a - b),
    ("a--b", a + b),
    ("+x", x),
    ("5!", sympy.Integer(120)),
    ("n!", sympy.factorial(n)),
    # implicit multiplication: level of * and /, left to right
    ("2x", 2 * x),
    ("2(x+1)", 2 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("(x+2)3", 3 * (x + 2)),
    ("2sin(x)", 2 * sympy.sin(x)),
    ("2sin(x)cos(x)", 2 * sympy.sin(x) * sympy.cos(x)),
    ("x y", x * y),
    ("t^3 2t", 2 * t**4),
    ("1/2x", x / 2),
    ("1/2x^(-1/2)", x ** Rational(-1, 2) / 2),
    ("x^2y", x**2 * y),
    ("-3x(1+x)", -3 * x * (1 + x)),
    ("cos(2x)(x+1)", sympy.cos(2 * x) * (x + 1)),
    ("2x cos(x^2)", 2 * x * sympy.cos(x**2)),
    # functions and constants
    ("sin(x)+cos(x)+tan(x)", sympy.sin(x) + sympy.cos(x) + sympy.tan(x)),
    ("sec(x)csc(x)cot(x)", sympy.sec(x) * sympy.csc(x) * sympy.cot(x)),
    ("arcsin(x)+acos(x)+arctan(x)", sympy.asin(x) + sympy.acos(x) + sympy.atan(x)),
    ("sinh(x)+cosh(x)+tanh(x)", sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x)),
    ("ln(x)", log(x)),
    ("log(x)", log(x)),
    ("log(8, 2)", sympy.Integer(3)),
    ("log_2(8)", sympy.Integer(3)),
    ("lg(100)", sympy.Integer(2)),
    ("exp(x)", exp(x)),
    ("e^x", exp(x)),
    ("%e^x", exp(x)),
    ("ℯ^x", exp(x)),
    ("sqrt(x)", sqrt(x)),
    ("abs(x)", sympy.Abs(x)),
    ("|x - 1|", sympy.Abs(x - 1)),
    ("2|x|", 2 * sympy.Abs(x)),
    ("||x| - 1|", sympy.Abs(sympy.Abs(x) - 1)),
    ("sigmoid(x)", 1 / (1 + exp(-x))),
    ("σ(x)", 1 / (1 + exp(-x))),
    ("pi", pi),
    ("π r^2", pi * r**2),
    ("ℼ", pi),
    ("2πr", 2 * pi * r),
    ("oo", sympy.oo),
    ("∞", sympy.oo),
    ("exp(6000)", exp(6000)),  # up to 10^3000; exp(10^10) is refused (test_magnitude_limits)
    ("(x+1)^1000", (x + 1) ** 1000),
    # unicode operators
    ("x×y", x * y),
    ("x·y", x * y),
    ("x−1", x - 1),
    ("x÷2", x / 2),
    ("x²+y³", x**2 + y**3),
    ("x⁻¹", 1 / x),
    ("x¹⁰", x**10),
    ("√x", sqrt(x)),
    ("√(x+1)", sqrt(x + 1)),
    ("3*（x-2）^2+1", 3 * (x - 2) ** 2 + 1),
    ("𝐀+𝐵", sympy.Symbol("A") + sympy.Symbol("B")),
    ("θ + α", sympy.Symbol("theta") + sympy.Symbol("alpha")),
    # names
    ("x_1 + x1", sympy.Symbol("x_1") + sympy.Symbol("x1")),
    ("a[2]", sympy.Symbol("a_2")),
    ("x₁ + x₂₃", sympy.Symbol("x_1") + sympy.Symbol("x_23")),
    ("x\u200b+\u00a01", x + 1),
    ("alpha(x)", sympy.Symbol("alpha") * x),
    ("xsin(x)", x * sympy.sin(x)),
]


@pytest.mark.parametrize(("text", "expected"), EXPRESSIONS)
def test_expression_values(text: str, expected: sympy.Expr) -> None:
    parsed = parse(text)
    assert same(parsed.value, expected), (parsed.value, expected)
    assert parsed.shape == "expression"


DECLARED = [
    ("xy", XY, x * y),
    ("2xy^2", XY, 2 * x * y**2),
    ("pix", XY, pi * x),
    ("e^x", XY, exp(x)),
    ("e^x", ParseOptions(variables=frozenset({"e", "x"})), sympy.Symbol("e") ** x),
    ("2e-3", ParseOptions(variables=frozenset({"e"})), 2 * sympy.Symbol("e") - 3),
    ("2e-3", XY, Rational(1, 500)),
    ("i^2", ParseOptions(allow_complex=True), sympy.Integer(-1)),
    ("1+2i", ParseOptions(allow_complex=True), 1 + 2 * I),
    ("i", None, sympy.Symbol("i")),
    ("k x", ParseOptions(variables=frozenset({"x"}), constants={"k": sympy.Integer(3)}), 3 * x),
    ("sigma(x)", ParseOptions(variables=frozenset({"sigma", "x"})), sympy.Symbol("sigma") * x),
    ("h k", ParseOptions(constants={"h": 0.1, "k": 4}), Rational(2, 5)),
    ("x_1 x_2", ParseOptions(variables=frozenset({"x_1", "x_2"})),
     sympy.Symbol("x_1") * sympy.Symbol("x_2")),
]


@pytest.mark.parametrize(("text", "options", "expected"), DECLARED)
def test_values_under_options(text: str, options: ParseOptions | None, expected: object) -> None:
    assert same(parse(text, options).value, expected)


STRUCTURES = [
    ("[1, 2]", ImmutableMatrix([[1, 2]]), "vector"),
    ("[x, y, 0.5]", ImmutableMatrix([[x, y, Rational(1, 2)]]), "vector"),
    ("(2x, 2y)", ImmutableMatrix([[2 * x, 2 * y]]), "vector"),
    ("2[1, x]", ImmutableMatrix([[2, 2 * x]]), "vector"),
    ("[1, 2] + [3, 4]", ImmutableMatrix([[4, 6]]), "vector"),
    ("[[1, 2], [3, 4]]", ImmutableMatrix([[1, 2], [3, 4]]), "matrix"),
    ("[[a], [b]]", ImmutableMatrix([[a], [b]]), "matrix"),
    ("matrix([a, b], [n, r])", ImmutableMatrix([[a, b], [n, r]]), "matrix"),
    ("x = 1", Eq(x, 1, evaluate=False), "equation"),
    ("x^2 + y^2 = 1", Eq(x**2 + y**2, 1), "equation"),
    ("x < 1", sympy.Lt(x, 1), "inequality"),
    ("x ≥ 2", sympy.Ge(x, 2), "inequality"),
    ("1 < x <= 3", sympy.And(sympy.Lt(1, x), sympy.Le(x, 3)), "inequality"),
    ("x = 1 or x = 2", sympy.Or(Eq(x, 1), Eq(x, 2)), "equation"),
    ("x < 1 or x > 2", sympy.Or(sympy.Lt(x, 1), sympy.Gt(x, 2)), "inequality"),
    ("{1, 2, 3.4}", FiniteSet(1, 2, Rational(17, 5)), "set"),
    ("{}", sympy.EmptySet, "set"),
    ("∅", sympy.EmptySet, "set"),
    ("{[1, 2], [3, 4]}", FiniteSet(ImmutableMatrix([[1, 2]]), ImmutableMatrix([[3, 4]])), "set"),
    # Relations inside lists and sets (STACK fixtures): a list holding one is a sympy.Tuple.
    ("[1, 2 < x]", sympy.Tuple(1, sympy.Lt(2, x)), "list"),
    ("[1, [2 - x < 0, {1, 2}]]", sympy.Tuple(1, sympy.Tuple(sympy.Lt(2 - x, 0),
                                                             FiniteSet(1, 2))), "list"),
    ("[1 < x, y < 1 or y > 7]", sympy.Tuple(sympy.Lt(1, x), sympy.Or(sympy.Lt(y, 1),
                                                                      sympy.Gt(y, 7))), "list"),
    ("[]", sympy.Tuple(), "list"),
    ("{4 < x, 1}", FiniteSet(1, sympy.Lt(4, x)), "set"),
    ("{x = 1, x = 2}", FiniteSet(Eq(x, 1), Eq(x, 2)), "set"),
]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("round(0.5)", 0), ("round(1.5)", 2), ("round(2.5)", 2), ("round(12.5)", 12),
        ("round(-2.5)", -2), ("round(2.6)", 3), ("round(pi)", 3), ("round(7/2)", 4),
    ],
)
def test_round_is_maximas_half_to_even(text: str, value: int) -> None:
    assert parse(text).value == value


def test_round_stays_symbolic_on_symbols() -> None:
    parsed = parse("round(x) + 1")
    assert parsed.text == "round(x) + 1" and "round" in parsed.latex
    assert parsed.value.has(sympy.Symbol("x"))


@pytest.mark.parametrize("text", ["(x-4*a)^6000", "(4a-x)^6000", "(x+2)^10000", "(2x)^3000"])
def test_symbolic_powers_up_to_ten_thousand_stay_unevaluated(text: str) -> None:
    assert parse(text).shape == "expression"


def test_list_reading_is_shown_in_brackets() -> None:
    parsed = parse("[1, x > 2]")
    assert parsed.text == "[1, x > 2]"
    assert parsed.latex == r"\left[ 1, x > 2 \right]"
    assert parse("[]").latex == r"\left[ \right]"


@pytest.mark.parametrize(("text", "expected", "shape"), STRUCTURES)
def test_structures(text: str, expected: object, shape: str) -> None:
    parsed = parse(text)
    assert parsed.value == expected
    assert parsed.shape == shape


def test_equations_stay_unevaluated() -> None:
    parsed = parse("1 = 1")
    assert isinstance(parsed.value, sympy.Equality)
    assert parse("1 < 2").value == sympy.Lt(1, 2, evaluate=False)


NOTES = [
    ("sin^2(x)", sympy.sin(x) ** 2, "read as sin(x)^2"),
    ("sin²(x)", sympy.sin(x) ** 2, "read as sin(x)^2"),
    ("sin x", sympy.sin(x), "`sin x` read as sin(x)"),
    ("sin x y", sympy.sin(x) * y, "`sin x` read as sin(x)"),
    ("sin 2x", sympy.sin(2 * x), "`sin 2x` read as sin(2*x)"),
    ("sin 2 x", sympy.sin(2) * x, "`sin 2` read as sin(2)"),
    ("sin x^2", sympy.sin(x**2), "read as sin(x^2)"),
    ("sin 2(x+1)", sympy.sin(2 * x + 2), "`sin 2(x+1)` read as sin(2*x + 2)"),
    ("sin²x", sympy.sin(x) ** 2, "read as sin(x)^2"),
    ("ln x + 1", log(x) + 1, "`ln x` read as log(x)"),
    ("1/2x", x / 2, "write 1/(2x) if you meant that"),
    ("a/b x", a * x / b, "write a/(b x) if you meant that"),
    ("a/bx", a / sympy.Symbol("bx"), "`bx` read as one name"),
    ("x(x+1)", x * (x + 1), "`x(…)` read as x*(…)"),
    ("ab", sympy.Symbol("ab"), "`ab` read as one name"),
    ("e^2x", exp(2) * x, "`e^2x` read as (e^2)*x; write e^(2x) to put 2x in the exponent"),
    ("2e-3", Rational(1, 500), "scientific notation"),
    ("√2x", sqrt(2) * x, "under the root"),
    ("(1, 2)", ImmutableMatrix([[1, 2]]), "read as the vector"),
    ("σ(x)", 1 / (1 + exp(-x)), "sigmoid"),
    ("log_2(x)", log(x, 2), "base 2"),
    ("a[2]", sympy.Symbol("a_2"), "read as a_2"),
    ("xsin(x)", x * sympy.sin(x), "read as x*sin("),
]


@pytest.mark.parametrize(("text", "expected", "fragment"), NOTES)
def test_interpretations_are_noted(text: str, expected: object, fragment: str) -> None:
    parsed = parse(text)
    assert same(parsed.value, expected), parsed.value
    assert any(fragment in note for note in parsed.notes), parsed.notes


@pytest.mark.parametrize("text", ["x^2 + 1", "2*x*cos(x^2)", "sin(x)^2", "[1, 2]", "x = 1"])
def test_plain_answers_have_no_notes(text: str) -> None:
    assert parse(text).notes == ()


def test_split_of_declared_names_is_noted() -> None:
    parsed = parse("xy", XY)
    assert parsed.value == x * y
    assert parsed.notes == ("`xy` read as x*y",)


READINGS = [
    ("2x cos(x^2)", "2*x*cos(x^2)", r"2 x \cos{\left(x^{2} \right)}"),
    ("1/2x", "x/2", r"\frac{x}{2}"),
    ("e^x + ln(x)", "exp(x) + log(x)", r"e^{x} + \ln{\left(x \right)}"),
    ("[[1, 2], [3, 4]]", "[[1, 2], [3, 4]]", r"\begin{bmatrix}1 & 2\\3 & 4\end{bmatrix}"),
    ("[1, x]", "[1, x]", r"\begin{bmatrix}1 & x\end{bmatrix}"),
    ("1 < x < 3", "1 < x < 3", "1 < x < 3"),
    ("x = 1", "x = 1", "x = 1"),
    ("{1, 2}", "{1, 2}", r"\left\{1, 2\right\}"),
    ("|x|", "abs(x)", r"\left|{x}\right|"),
    ("arcsin(x)", "asin(x)", r"\arcsin{\left(x \right)}"),
]


@pytest.mark.parametrize(("text", "plain", "latex"), READINGS)
def test_we_read_your_answer_as(text: str, plain: str, latex: str) -> None:
    parsed = parse(text)
    assert parsed.text == plain
    assert parsed.latex == latex


def test_parsed_is_immutable_and_compares_by_value() -> None:
    parsed = parse("x + 1")
    with pytest.raises(AttributeError):
        parsed.value = 1  # type: ignore[misc]
    assert parsed == parse("1 + x")
    assert hash(parsed) == hash(parse("x+1"))
    assert "x + 1" in repr(parsed)


def test_options_accept_any_iterable_of_names() -> None:
    options = ParseOptions(variables=["x", "y"])  # type: ignore[arg-type]
    assert options.variables == frozenset({"x", "y"})
    assert parse("xy", options).value == x * y


def test_decimals_are_exact() -> None:
    assert parse("0.3333").value != Rational(1, 3)
    assert parse("2.71828^x").value != E**x
    assert parse("0.1 + 0.2").value == Rational(3, 10)
