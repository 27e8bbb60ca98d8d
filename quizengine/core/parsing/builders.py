"""The whitelist: every SymPy object a student's text can become is built here.

Threat model: the text is hostile. Nothing in it is evaluated as code; names map to the entries of
``FUNCTIONS`` and ``CONSTANTS`` (or to symbols), and operators to the ``build_*`` functions below,
which check sizes first (``limits``) and turn SymPy's own complaints (adding a vector to a number,
mismatched sizes) into ``ParseError``. Calculus operations (``diff``, ``integrate``) are not here:
the author language adds them through ``ParseOptions.extra_functions``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy
from sympy.matrices import MatrixBase

from quizengine.core.errors import ParseError
from quizengine.core.parsing.limits import (
    check_combination,
    check_factorial,
    check_nesting,
    check_number,
    check_power,
)
from quizengine.core.parsing.magnitude import (
    check_call_magnitude,
    check_power_magnitude,
    check_value,
)
from quizengine.core.parsing.options import FunctionSpec
from quizengine.core.parsing.unevaluated import (
    is_composite_number,
    log_unevaluated,
    unevaluated_builder,
)

__all__ = [
    "CONSTANTS", "FUNCTIONS", "SYMPY_ERRORS", "UNAVAILABLE", "RoundHalfEven",
    "build_call", "build_power", "build_product", "build_sum", "negate", "sigmoid",
]

# What SymPy raises when asked for arithmetic that makes no sense (shapes, types).
SYMPY_ERRORS = (TypeError, ValueError, ArithmeticError, AttributeError, NotImplementedError,
                IndexError, KeyError)


def sigmoid(x: Any) -> Any:
    """The logistic function as an explicit expression, so it lambdifies to NumPy."""
    return sympy.Integer(1) / (1 + sympy.exp(-x))


class RoundHalfEven(sympy.Function):  # type: ignore[misc]  # SymPy is untyped
    """Maxima's ``round``: the nearest integer, ties to the even one; symbolic on symbols.

    Printed (and evaluated by the checker) under the name ``round``.

    >>> [RoundHalfEven(sympy.Rational(k, 2)) for k in (1, 3, 5, -1, 25)]
    [0, 2, 2, 0, 12]
    >>> RoundHalfEven(sympy.Symbol("x"))
    round(x)
    """

    nargs = 1

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_Rational:
            return sympy.Integer(round(Fraction(int(arg.p), int(arg.q))))  # Fraction: to even
        if not (arg.is_number and arg.is_extended_real):
            return None
        shifted = arg + sympy.S.Half
        lower = sympy.floor(shifted)
        if not isinstance(lower, sympy.Integer):
            return None
        if shifted.is_integer and int(lower) % 2:
            return lower - 1  # a tie (k + 1/2) goes to the even neighbour
        return lower

    def _eval_is_integer(self) -> bool | None:
        return self.args[0].is_extended_real  # type: ignore[no-any-return]


RoundHalfEven.__name__ = "round"  # the name printers and the checker's evaluator use


def _log(x: Any, base: Any = None) -> Any:
    return sympy.log(x) if base is None else sympy.log(x, base)


def _root(x: Any, n: Any = 2) -> Any:
    return sympy.root(x, n)


def _matrix(*rows: Any) -> Any:
    """``matrix([a, b], [c, d])`` (Maxima's spelling) -> the matrix with those rows."""
    if not all(isinstance(r, MatrixBase) and r.rows == 1 for r in rows):
        raise ValueError("each argument of matrix(...) is a row like [a, b]")
    if len({r.cols for r in rows}) > 1:
        raise ValueError("every row needs the same number of entries")
    return sympy.ImmutableMatrix([list(r) for r in rows])


def _spec(name: str, build: Callable[..., Any], arity: int | tuple[int, int] = 1,
          unevaluated: Callable[..., Any] | None = None) -> FunctionSpec:
    return FunctionSpec(name=name, arity=arity, build=build,
                        unevaluated=unevaluated or unevaluated_builder(name, build))


_CANONICAL: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        _spec("sin", sympy.sin), _spec("cos", sympy.cos), _spec("tan", sympy.tan),
        _spec("sec", sympy.sec), _spec("csc", sympy.csc), _spec("cot", sympy.cot),
        _spec("asin", sympy.asin), _spec("acos", sympy.acos), _spec("atan", sympy.atan),
        _spec("sinh", sympy.sinh), _spec("cosh", sympy.cosh), _spec("tanh", sympy.tanh),
        _spec("sech", sympy.sech), _spec("csch", sympy.csch), _spec("coth", sympy.coth),
        _spec("asinh", sympy.asinh), _spec("acosh", sympy.acosh), _spec("atanh", sympy.atanh),
        _spec("exp", sympy.exp), _spec("log", _log, (1, 2)), _spec("sqrt", sympy.sqrt),
        _spec("abs", sympy.Abs), _spec("sigmoid", sigmoid), _spec("sign", sympy.sign),
        _spec("floor", sympy.floor), _spec("ceiling", sympy.ceiling),
        _spec("round", RoundHalfEven),
        _spec("factorial", sympy.factorial), _spec("atan2", sympy.atan2, 2),
        _spec("root", _root, (1, 2)), _spec("binomial", sympy.binomial, 2),
        _spec("mod", sympy.Mod, 2),
        _spec("lg", lambda x, b=10: sympy.log(x, b), (1, 2)), _spec("matrix", _matrix, (1, 100)),
    )
}
_ALIASES = {
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "cosec": "csc", "cosech": "csch",
    "arsinh": "asinh", "arcosh": "acosh", "artanh": "atanh", "arcsinh": "asinh",
    "arccosh": "acosh", "arctanh": "atanh", "ln": "log", "sgn": "sign", "signum": "sign",
    "ceil": "ceiling",
}
FUNCTIONS: dict[str, FunctionSpec] = {
    **_CANONICAL, **{alias: _CANONICAL[name] for alias, name in _ALIASES.items()},
    "log10": _spec("log", lambda x: sympy.log(x, 10), 1, lambda x: log_unevaluated(x, 10)),
    "log2": _spec("log", lambda x: sympy.log(x, 2), 1, lambda x: log_unevaluated(x, 2)),
}
CONSTANTS: dict[str, Any] = {"pi": sympy.pi, "e": sympy.E, "oo": sympy.oo, "inf": sympy.oo,
                             "infinity": sympy.oo, "emptyset": sympy.EmptySet}
# Names students might try that are deliberately not available (the answer must be the result).
UNAVAILABLE = frozenset({
    "diff", "integrate", "int", "Integral", "Derivative", "limit", "Limit", "subs", "solve",
    "simplify", "expand", "factor", "sum", "product", "series", "eval", "exec", "compile",
    "open", "import", "getattr", "setattr", "globals", "locals", "vars", "dir", "print",
    "input", "sympify", "Symbol", "Function", "Matrix", "lambdify",
})


def _is_expr(value: Any) -> bool:
    return isinstance(value, sympy.Expr) and not isinstance(value, MatrixBase)


def _kind(value: Any) -> str:
    if isinstance(value, MatrixBase):
        return "a vector" if value.rows == 1 else "a matrix"
    if isinstance(value, sympy.Set):
        return "a set"
    if isinstance(value, sympy.Tuple):
        return "a list"
    if _is_expr(value):
        return "a number"
    return "a relation"


def _combine(operation: Callable[..., Any], values: Sequence[Any], offset: int | None) -> Any:
    """``Add``/``Mul``/``Pow`` of ``values``, unevaluated around a deeply composite number
    (four levels deep: SymPy re-evaluates the powers inside a product it gathers: ``c + c`` with
    ``c = sqrt(-sinh(cosh(...)))`` ran for a second). SymPy's own failure (its assumptions
    disagreeing on a nested complex number) is a ParseError, not a crash."""
    try:
        return operation(*values, evaluate=not is_composite_number(values, depth=4))
    except SYMPY_ERRORS as error:
        raise _refuse("SymPy cannot combine these numbers", offset) from error


def _refuse(message: str, offset: int | None) -> ParseError:
    return ParseError(message, offset=offset)


def build_sum(terms: Sequence[Any], *, max_digits: int, offset: int | None) -> Any:
    """``t1 + t2 + ...`` (subtraction arrives as negated terms), built in one flat Add."""
    if all(_is_expr(term) for term in terms):
        check_combination(terms, max_digits, offset, product=False)
        value = _combine(sympy.Add, terms, offset)
        check_number(value, max_digits, offset)
        check_value(value, max_digits, offset)
        return value
    if not all(isinstance(term, MatrixBase) for term in terms):
        kinds = sorted({_kind(term) for term in terms})
        raise _refuse(f"cannot add {' and '.join(kinds)}", offset)
    total = terms[0]
    for term in terms[1:]:
        if term.shape != total.shape:
            raise _refuse("cannot add vectors or matrices of different sizes", offset)
        total = total + term
    return total


def negate(value: Any, offset: int | None) -> Any:
    """``-value`` for a number, vector or matrix."""
    if _is_expr(value) or isinstance(value, MatrixBase):
        return -value
    raise _refuse(f"cannot negate {_kind(value)}", offset)


def build_product(factors: Sequence[tuple[Any, bool, int]], *, max_digits: int) -> Any:
    """Multiply ``(value, divide, offset)`` factors left to right (``divide``: came after `/`)."""
    for value, divide, offset in factors:
        if divide and _is_expr(value) and value == 0:
            raise _refuse("division by zero", offset)
        if not _is_expr(value) and not isinstance(value, MatrixBase):
            raise _refuse(f"cannot multiply {_kind(value)}", offset)
        if divide and not _is_expr(value):
            raise _refuse(f"cannot divide by {_kind(value)}", offset)
    if all(_is_expr(value) for value, _, _ in factors):
        check_combination([v for v, _, _ in factors], max_digits, factors[0][2],
                          product=True)
        value = _combine(sympy.Mul, [_combine(sympy.Pow, [v, sympy.Integer(-1)], o) if d else v
                                     for v, d, o in factors], factors[0][2])
        check_number(value, max_digits, factors[0][2])
        check_value(value, max_digits, factors[0][2])
        return value
    total = factors[0][0]
    for value, divide, offset in factors[1:]:
        try:
            total = total * (sympy.Pow(value, -1) if divide else value)
        except SYMPY_ERRORS as error:  # ShapeError is a ValueError
            raise _refuse("the sizes of these vectors or matrices do not fit a product",
                          offset) from error
    return total


def build_power(base: Any, exponent: Any, *, max_digits: int, max_nesting: int,
                offset: int | None) -> Any:
    """``base ^ exponent`` for numbers and expressions, after the size estimates (a root or a
    symbolic power nests like a function)."""
    if not _is_expr(base) or not _is_expr(exponent):
        bad = base if not _is_expr(base) else exponent
        raise _refuse(f"cannot raise to a power with {_kind(bad)}", offset)
    if base == 0 and isinstance(exponent, sympy.Number) and exponent.is_negative:
        raise _refuse("division by zero (0 to a negative power)", offset)
    if base == 0 and exponent == 0:
        raise _refuse("0^0 is undefined", offset)
    if not exponent.is_Integer:
        check_nesting([base, exponent], max_nesting, offset)
    check_power(base, exponent, max_digits, offset)
    check_power_magnitude(base, exponent, max_digits, offset)
    if exponent.is_Integer or not is_composite_number([base, exponent]):
        value = _combine(sympy.Pow, [base, exponent], offset)
    elif base == sympy.E:
        value = sympy.exp(exponent, evaluate=False)
    else:
        value = sympy.Pow(base, exponent, evaluate=False)
    check_number(value, max_digits, offset)
    check_value(value, max_digits, offset)
    return value


def _check_call(name: str, args: Sequence[Any], limits: tuple[int, int],
                offset: int | None) -> None:
    """Size guards for the built-ins whose value SymPy computes from their arguments: exact
    sizes (``limits``), then magnitudes (``magnitude``); ``limits``: digits, factorial."""
    max_digits, max_factorial = limits
    if name in ("factorial", "binomial"):
        check_factorial(args[0], max_factorial, offset)
    elif name == "sqrt":
        check_power(args[0], sympy.Rational(1, 2), max_digits, offset)
    elif name == "root" and len(args) == 2:
        if args[1] == 0:
            raise _refuse("root(x, 0) is undefined", offset)
        check_power(args[0], sympy.Integer(1) / args[1], max_digits, offset)
        check_power(args[0], sympy.Rational(1, 2), max_digits, offset)
    check_call_magnitude(name, args, limits, offset)


def build_call(spec: FunctionSpec, args: Sequence[Any], *, builtin: bool,
               limits: tuple[int, int, int], offset: int | None) -> Any:
    """Apply a whitelisted (or author-supplied) function; builtins take numbers only.

    ``limits``: ``max_digits``, ``max_factorial`` and ``max_nesting`` of the options.
    """
    if not spec.accepts(len(args)):
        raise _refuse(f"`{spec.name}` takes {spec.arity_text()}, not {len(args)}", offset)
    max_digits, max_factorial, max_nesting = limits
    check_nesting(args, max_nesting, offset)
    if builtin and spec.name != "matrix":
        for arg in args:
            if not _is_expr(arg):
                raise _refuse(f"`{spec.name}` needs a number or expression, not {_kind(arg)}",
                              offset)
        _check_call(spec.name, args, (max_digits, max_factorial), offset)
    try:
        if builtin and spec.unevaluated is not None and is_composite_number(args):
            value = spec.unevaluated(*args)  # see parsing/unevaluated.py
        else:
            value = spec.build(*args)
    except SYMPY_ERRORS as error:
        raise _refuse(f"`{spec.name}` cannot be applied here: {error}", offset) from error
    check_number(value, max_digits, offset)
    check_value(value, max_digits, offset)
    return value
