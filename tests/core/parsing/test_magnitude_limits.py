"""Every number the parser builds lies within 10^±max_digits: what is refused, what is still read.

Each refused family below once hung ``parse`` or ``check`` (SymPy evaluating a number whose
exponent alone has millions of digits) or raised OverflowError: bench/fuzz.py found them.
The refusal is a ``LimitError`` (code ``limit``) with an offset, before SymPy evaluates anything.
"""

from __future__ import annotations

import math

import pytest
import sympy

from quizengine.core.checking import AnswerSpec, check
from quizengine.core.errors import InputError, LimitError
from quizengine.core.parsing import ParseOptions, parse
from quizengine.core.parsing.numeric import ln_abs, numeric_value
from quizengine.core.parsing.render import to_latex, to_text

COMPLEX = ParseOptions(variables=frozenset({"x", "t"}), allow_complex=True)
TOWER = "2^(1+sqrt(2))^(1+sqrt(2))^(1+sqrt(2))^(1+sqrt(2))^(1+sqrt(2)) + x"

REFUSED: list[tuple[str, str, ParseOptions | None]] = [
    # exp-like functions of large numbers, nested (the 27 parse hangs of the fuzz run)
    ("cosh of a large integer", "cosh(812687)", None),
    ("nested cosh", "cosh(cosh(cosh(cosh(cosh(812687)))))", None),
    ("nested sinh", "sinh(sinh(sinh(1000)))", None),
    ("exp of exp", "exp(exp(exp(3)))", None),
    ("log10 of nested exp", "log10(exp(exp(10)))", None),
    ("tan of nested exp", "tan(exp(exp(10)))", None),
    ("sin of exp(10^10)", "sin(exp(10^10))", None),
    ("exp(10^10)", "exp(10^10)", None),
    ("e tower", "e^e^e^e", None),
    ("e tower in a sum", "1+e^e^e^e^e", None),
    ("e and integers", "e^9^9", None),
    ("integer tower on e", "9^e^e^e", None),
    ("tiny exp", "exp(-10^4)", None),
    ("tiny power of e", "e^-7000", None),
    ("reciprocal of a huge exp", "1/exp(7000)", None),
    ("sech of a large number", "sech(10^4)", None),
    ("sigmoid far left", "sigmoid(-10^4)", None),
    ("exp of a large multiple of pi", "exp(10^2999*pi)", None),
    # powers with an irrational part
    ("irrational power tower", TOWER, None),
    ("power of pi", "pi^10000", None),
    ("power of an irrational base", "(1+sqrt(2))^(10^4)", None),
    ("irrational exponent", "2^(sqrt(2)*10^4)", None),
    ("root with a tiny index", "root(pi, 1/10^4)", None),
    ("symbolic base, irrational factor", "1+(pi x)^(10^2999)", None),
    ("symbolic base, rational exponent", "(pi*x)^(10^2999/7)", None),
    ("exp(k log(2x)) is (2x)^k", "exp(10^2999*log(2x))", None),
    ("e^(k log(2x)) is (2x)^k", "e^(10^2999*log(2x))", None),
    ("products that combine", "exp(4000)*exp(4000)", None),
    ("power of a power", "(pi^5000)^2", None),
    ("float-like power", "1e308^1e308", None),
    # factorial and binomial (gamma) of large or non-integer numbers
    ("factorial of cosh", "e^cosh(1000!)!", None),
    ("factorial of a huge irrational", "factorial(pi*10^100)", None),
    ("factorial past the limit", "factorial(1000.5)", None),
    ("nested factorial", "(100!)!", None),
    ("factorial of exp", "exp(10)!", None),
    ("binomial with a huge k", "binomial(1/2, 10^6)", None),
    ("binomial of a negative integer", "binomial(-2, 10^6)", None),
    ("binomial of an irrational", "binomial(pi, 10^4)", None),
    # complex arguments (sin(iy) = i sinh(y))
    ("sin of a large imaginary number", "sin(10^4 i)", COMPLEX),
    ("cos of a large imaginary number", "cos(10^4*i)", COMPLEX),
    ("exp with a large real part", "exp(10^4 + i)", COMPLEX),
    ("power with an imaginary exponent", "(-1)^(10^4*i)", COMPLEX),
]

READ: list[tuple[str, ParseOptions | None]] = [
    ("cosh(2)", None), ("sinh(1000)", None), ("exp(-x^2)", None),
    ("e^(-x^2/2)/sqrt(2pi)", None), ("exp(6000)", None), ("exp(-6000)", None),
    ("e^e^e", None), ("cosh(cosh(2))", None), ("2^sqrt(2)", None), ("pi^100", None),
    ("(1+sqrt(2))^100", None), ("factorial(1/2)", None), ("factorial(999.5)", None),
    ("sigmoid(10)", None), ("sigmoid(-100)", None), ("log10(1000)", None),
    ("binomial(10, 3)", None), ("binomial(1/2, 3)", None), ("tan(10^100)", None),
    ("sin(10^2999)", None), ("tanh(10^4)", None), ("1 - tanh(7000)", None),
    ("log(6) - log(2) - log(3)", None), ("(2x)^100", None), ("exp(100 log(x))", None),
    ("exp(i*pi)", COMPLEX), ("e^(i t)", COMPLEX), ("sin(10 i)", COMPLEX),
    ("exp(10^4 i)", COMPLEX),
]


@pytest.mark.parametrize(("text", "options"), [(t, o) for _, t, o in REFUSED],
                         ids=[name for name, _, _ in REFUSED])
def test_numbers_beyond_the_bound_are_refused(text: str, options: ParseOptions | None) -> None:
    with pytest.raises(LimitError) as caught:
        parse(text, options)
    assert caught.value.code == "limit"
    assert caught.value.offset is not None and 0 <= caught.value.offset <= len(text)


@pytest.mark.parametrize(("text", "options"), READ, ids=[t for t, _ in READ])
def test_large_but_bounded_numbers_are_read(text: str, options: ParseOptions | None) -> None:
    parsed = parse(text, options)
    assert parsed.text and parsed.latex
    number = numeric_value(parsed.value)  # None: symbolic, or not knowable at its precision
    if number is not None:
        assert abs(ln_abs(number)) <= 3000 * math.log(10) or number == 0


def test_the_bound_follows_max_digits() -> None:
    """The magnitude bound is the exact-number bound: ``max_digits``."""
    assert parse("exp(200)", ParseOptions(max_digits=100)).value == sympy.exp(200)
    with pytest.raises(LimitError):
        parse("exp(300)", ParseOptions(max_digits=100))
    with pytest.raises(LimitError):
        parse("pi^300", ParseOptions(max_digits=100))


@pytest.mark.parametrize("text", ["cosh(cosh(cosh(cosh(cosh(812687)))))", "1+e^e^e^e^e", TOWER,
                                  "e^cosh(1000!)!", "sin(exp(10^10))"])
def test_check_reports_the_limit(text: str) -> None:
    verdict = check("x^2", text, AnswerSpec(variables=("x",)))
    assert (verdict.verdict, verdict.code) == ("invalid", "limit"), verdict


def test_a_sum_that_cannot_be_ordered_still_renders() -> None:
    """Built directly in SymPy (the parser refuses it), a sum whose term ordering overflows
    (OverflowError from evalf) is shown in SymPy's own order instead."""
    s = 1 + sympy.sqrt(2)
    value = sympy.Integer(2) ** (s ** (s ** (s ** (s ** s)))) + sympy.Symbol("x")
    with pytest.raises(OverflowError):
        value.as_ordered_terms()
    assert "x" in to_text(value) and "x" in to_latex(value)


# --------------------------------------------------------------------------- nesting
LN = "ln(" * 20 + "2" + ")" * 20
SINH = "sinh(" * 20 + "sqrt(log(y))!" + ")" * 20
NESTED: list[tuple[str, str, ParseOptions | None]] = [
    # bench/fuzz.py hangs: SymPy's own evaluation of each level repeats the work below it
    ("twenty logarithms", LN, None),
    ("twenty logarithms, complex allowed", LN, COMPLEX),
    ("twenty sinh over a symbol", SINH, None),
    ("logarithms of arcsines", "ln(" * 20 + "arcsin(arcsin(1000!))" + ")" * 20, None),
    ("seven sines", "sin(" * 7 + "x" + ")" * 7, None),
    ("seven roots", "sqrt(-" * 7 + "57" + ")" * 7, COMPLEX),
    ("roots by powers", "(" * 7 + "x" + "+1)^(1/2)" * 7, None),
]


@pytest.mark.parametrize(("text", "options"), [(t, o) for _, t, o in NESTED],
                         ids=[name for name, _, _ in NESTED])
def test_functions_nest_at_most_max_nesting_deep(text: str, options: ParseOptions | None) -> None:
    with pytest.raises(LimitError, match="nested more than 6 deep"):
        parse(text, options)


def test_six_levels_and_the_deepest_corpus_answer_are_read() -> None:
    assert parse("sin(" * 6 + "x" + ")" * 6).text == "sin(" * 6 + "x" + ")" * 6
    corpus = ("(sqrt((4*(cos((1/2*(acos((61/1040*sqrt(130)))-atan(11/3)))))^(2))+21)"
              "-(2*cos((1/2*(acos((61/1040*sqrt(130)))-atan(11 / 3))))))^(2)")
    assert parse(corpus).value.is_number
    with pytest.raises(LimitError):
        parse("sin(sin(sin(x)))", ParseOptions(max_nesting=2))


# --------------------------------------------------------------------------- composite numbers
# Functions and roots of numbers that hold a function or root are built unevaluated: SymPy's
# evaluation of these ran for minutes (each found by a random search over chains of functions).
SLOW_BEFORE = [
    pytest.param("atan(tanh(sqrt(factorial((1+i)))))", id="complex factorial under atan"),
    pytest.param("-sqrt(atan(tanh(sqrt(factorial((1+i))))))*2", id="and its root"),
    pytest.param("factorial(sin(atan(floor(1000!))))", id="sin(atan(n)) = n/sqrt(n^2+1)"),
    pytest.param("asin(tanh(log10(tanh(sqrt(atanh(pi))))))", id="six levels, complex"),
    pytest.param("sqrt(-" * 6 + "57" + ")" * 6, id="six complex roots"),
    pytest.param("sqrt(-sinh(cosh(sigmoid(atanh(sin((1+i)))))))*2"
                 "+sqrt(-sinh(cosh(sigmoid(atanh(sin((1+i)))))))", id="sum of deep composites"),
    pytest.param("sqrt(sqrt(-sinh(sec(log(sinh((1+i)))))))*2"  # once a ValueError from SymPy
                 "+sqrt(sqrt(-sinh(sec(log(sinh((1+i)))))))", id="sum SymPy could not combine"),
]


@pytest.mark.parametrize("text", SLOW_BEFORE)
def test_functions_of_composite_numbers_are_read_unevaluated(text: str) -> None:
    parsed = parse(text, COMPLEX)
    assert parsed.value.is_number and parsed.text and parsed.latex
    assert numeric_value(parsed.value) is not None


@pytest.mark.parametrize(("text", "reading"), [
    ("sqrt(sqrt(2))", "sqrt(sqrt(2))"),
    ("log_2(exp(6000))", "log(exp(6000))/log(2)"),  # never a two-argument log (NumPy: out=)
    ("log10(sqrt(2))", "log(sqrt(2))/log(10)"),
    ("log_2(8)", "3"),  # plain numbers are still evaluated exactly
    ("sqrt(-sqrt(2))^2", "-sqrt(2)"),
])
def test_readings_of_composite_numbers(text: str, reading: str) -> None:
    assert parse(text).text == reading


def test_composite_readings_are_checked_numerically() -> None:
    assert check("6000/log(2)", "log_2(exp(6000))").verdict == "correct"
    assert check("2^(1/4)", "sqrt(sqrt(2))").verdict == "correct"
    assert check("x*sqrt(1+sqrt(2))", "sqrt(1+sqrt(2))x",
                 AnswerSpec(variables=("x",))).verdict == "correct"


@pytest.mark.parametrize(("text", "real"), [
    ("sqrt(-sqrt(2))", False), ("sqrt(-exp(6000))", False), ("log(-exp(2))", False),
    ("sin(sqrt(-sqrt(2)))", False), ("x + sqrt(-sqrt(2))", False), ("{sqrt(-sqrt(3)), 1}", False),
    # as SymPy reads them evaluated: no I, so not refused (the STACK corpus relies on the last)
    ("abs(sqrt(-sqrt(2)))", True), ("asin(sqrt(5))", True), ("(19601-13861*sqrt(2))^(7/4)", True),
])
def test_unevaluated_roots_of_negative_numbers_are_not_real(text: str, real: bool) -> None:
    if real:
        parse(text)
    else:
        with pytest.raises(InputError) as caught:
            parse(text)
        assert caught.value.code == "complex"
        assert parse(text, ParseOptions(allow_complex=True)).text

