"""Answers we refuse: the error class, where it points (0-based offset) and what it says."""

from __future__ import annotations

import pytest

from quizengine.core.errors import (
    ForbiddenError,
    InputError,
    LimitError,
    ParseError,
    UnknownNameError,
)
from quizengine.core.parsing import FunctionSpec, ParseOptions, parse

XY = ParseOptions(variables=frozenset({"x", "y"}))

ERRORS: list[tuple[str, ParseOptions | None, type[InputError], int | None, str]] = [
    # syntax
    ("", None, ParseError, 0, "empty answer"),
    ("   ", None, ParseError, 0, "empty answer"),
    ("2*(x+1", None, ParseError, 2, "missing `)` to close the `(` at column 3"),
    ("(x+(y)", None, ParseError, 0, "missing `)`"),
    ("[x", None, ParseError, 0, "missing `]`"),
    ("{x", None, ParseError, 0, "missing `}`"),
    ("|x", None, ParseError, 0, "missing `|`"),
    ("x+1)", None, ParseError, 3, "has no matching opening bracket"),
    ("x]", None, ParseError, 1, "has no matching opening bracket"),
    ("([x)]", None, ParseError, 3, "does not match the `[` at column 2"),
    ("2+*x", None, ParseError, 2, "unexpected `*` at column 3"),
    ("x**", None, ParseError, 3, "ends too early"),
    ("x+", None, ParseError, 2, "ends too early"),
    ("()", None, ParseError, 0, "empty brackets"),
    ("sin()", None, ParseError, 0, "needs an argument"),
    ("sin", None, ParseError, 0, "needs an argument in brackets"),
    ("sin*2*x", None, ParseError, 0, "needs an argument in brackets"),
    ("sin[2x]", None, ParseError, 0, "needs an argument in brackets"),
    ("sin^-1(x)", None, ParseError, 0, "write asin(x) for the inverse"),
    ("sin^(1/2)(x)", None, ParseError, 0, "write the power after the argument"),
    ("log(x, 2, 3)", None, ParseError, 0, "takes 1 or 2 arguments"),
    ("12 3", None, ParseError, 3, "two numbers side by side"),
    ("5.", None, ParseError, 1, "needs digits after it"),
    ("0..1", None, ParseError, 1, "`..` is not an operator"),
    ("x.y", None, ParseError, 1, "must be part of a number"),
    ("A.B", None, ParseError, 1, "must be part of a number"),
    ("52%", None, ParseError, 2, "percent"),
    ("x => 1", None, ParseError, 2, "write `>=`"),
    ("1 =< x", None, ParseError, 2, "write `<=`"),
    ("x == 1", None, ParseError, 2, "single `=`"),
    ("x != 1", None, ParseError, 2, "not supported"),
    ("x = y = 1", None, ParseError, 6, "one `=`"),
    ("1 < x > 0", None, ParseError, 2, "goes one way"),
    ("(1, x = 2)", None, ParseError, 6, "unexpected `=`"),  # relations: lists and sets only
    ("sin(x < 2)", None, ParseError, 6, "unexpected `<`"),
    ("[1, x < 2] + 1", None, ParseError, 0, "cannot add"),
    ("\\sqrt{2+x}", None, ParseError, 0, "looks like LaTeX"),
    ("x'", None, ParseError, 1, "quotes"),
    ("x;y", None, ParseError, 1, "`;`"),
    ("x!!", None, ParseError, 1, "`!!`"),
    ("!x", None, ParseError, 0, "unexpected `!`"),
    ("💗", None, ParseError, 0, "unexpected character"),
    ("x and y", None, ParseError, 2, "joins equations or inequalities"),
    ("not x", None, ParseError, 0, "not part of a formula"),
    ("a[1, 2]", None, ParseError, 1, "write a_1 for a subscript"),
    # decimal commas and lists
    ("1,5", None, ParseError, 1, "use a decimal point: write 1.5"),
    ("0,5*x^2+3", None, ParseError, 1, "use a decimal point"),
    ("a,b,c", None, ParseError, 1, "a list needs brackets"),
    ("sin(x),cos(y)", None, ParseError, 6, "a list needs brackets"),
    # structures
    ("[[1, 2], [3]]", None, ParseError, 0, "same number of entries"),
    ("[[1, 2], 3]", None, ParseError, 0, "every entry a row"),
    ("[1, 2] + 1", None, ParseError, 0, "cannot add"),
    ("[1, 2] * [3, 4]", None, ParseError, 7, "sizes"),
    ("1/[1, 2]", None, ParseError, 1, "cannot divide by a vector"),
    ("{1} + 1", None, ParseError, 0, "cannot add"),
    ("sin([1, 2])", None, ParseError, 0, "not a vector"),
    ("[1, 2]^2", None, ParseError, 6, "power"),
    ("((1, 2), 3)", None, ParseError, 0, "holds numbers or expressions"),
    ("x = [1, 2]", None, ParseError, 2, "on each side"),
    # undefined values
    ("1/0", None, ParseError, 1, "division by zero"),
    ("0^-1", None, ParseError, 1, "division by zero"),
    ("log(0)", None, ParseError, None, "undefined"),
    # names
    ("z", XY, UnknownNameError, 0, "unknown name `z`"),
    ("x + zz", XY, UnknownNameError, 4, "(this question uses x, y)"),
    ("In(x)", XY, UnknownNameError, 0, "did you mean `ln`?"),
    ("In(x)", None, UnknownNameError, 0, "did you mean `ln`?"),
    ("Sin(x)", None, UnknownNameError, 0, "did you mean `sin`?"),
    ("sinx", XY, UnknownNameError, 0, "did you mean `sin(x)`?"),
    ("sinx", None, UnknownNameError, 0, "did you mean `sin(x)`?"),
    ("pie", XY, UnknownNameError, 0, "did you mean `pi`?"),
    ("X", XY, UnknownNameError, 0, "did you mean `x`?"),
    ("i", XY, UnknownNameError, 0, "unknown name `i`"),
    ("sim(x)", None, UnknownNameError, 0, "did you mean `sin`?"),
    ("foo(x)", None, UnknownNameError, 0, "unknown function `foo`"),
    ("diff(x^2, x)", None, UnknownNameError, 0, "not available in answers"),
    ("integrate(x, x)", None, UnknownNameError, 0, "not available in answers"),
    ("Derivative(x, x)", None, UnknownNameError, 0, "not available in answers"),
    # forbidden
    ("diff(x^2, x)", ParseOptions(forbidden_functions=frozenset({"diff"})), ForbiddenError, 0,
     "may not be used"),
    ("2*sin(x)", ParseOptions(forbidden_functions=frozenset({"sin"})), ForbiddenError, 2,
     "`sin` may not be used"),
    ("arcsin(x)", ParseOptions(forbidden_functions=frozenset({"asin"})), ForbiddenError, 0,
     "may not be used"),
    ("__import__", None, ForbiddenError, 0, "names starting with `_`"),
    # limits
    ("x" * 1001, None, LimitError, 1000, "longer than 1000 characters"),
    ("9^9^9^9", None, LimitError, 3, "digits"),
    ("1" * 101, None, LimitError, 0, "longer than 100 characters"),
    ("factorial(10^9)", None, LimitError, 0, "n <= 1000"),
    ("(" * 51 + "x" + ")" * 51, None, LimitError, 50, "nested more than 50 deep"),
]


@pytest.mark.parametrize(("text", "options", "error", "offset", "fragment"), ERRORS)
def test_refusals(text: str, options: ParseOptions | None, error: type[InputError],
                  offset: int | None, fragment: str) -> None:
    with pytest.raises(error) as caught:
        parse(text, options)
    assert caught.type is error
    assert caught.value.offset == offset
    assert fragment in caught.value.message


def test_author_functions_only_through_extra_functions() -> None:
    import sympy

    diff = FunctionSpec("diff", (2, 3), sympy.diff)
    options = ParseOptions(extra_functions={"diff": diff})
    assert parse("diff(x^3, x)", options).value == 3 * sympy.Symbol("x") ** 2
    with pytest.raises(ParseError, match="takes 2 or 3 arguments"):
        parse("diff(x)", options)


def test_caret_points_at_the_offset() -> None:
    with pytest.raises(ParseError) as caught:
        parse("2*(x+1")
    assert caught.value.caret("2*(x+1") == "2*(x+1\n  ^"
