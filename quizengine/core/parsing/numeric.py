"""The value of a built SymPy number at a fixed, modest precision, for the size guards.

Why not SymPy's ``evalf``: it re-evaluates every subexpression at rising precision and, for a
complex intermediate value, twice per level (``log(z)`` evaluates ``z``, then ``Abs(z)``), so
nested logarithms of 2 took eight seconds at depth eight. Here each node is evaluated once, at
``PREC`` bits, in a private mpmath context (the global one, which other threads use, is never
touched), and remembered (bounded LRU), so guarding every node of a parse costs linear time.

The value is ``None`` when this precision cannot know it: a sum whose terms cancel in more than
``PREC - 18`` bits (``1 - tanh(7000)``, or an exact zero SymPy did not see, such as
``log(6) - log(2) - log(3)``), a pole, an infinity, or a node with no numeric meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import mpmath
import sympy
from mpmath.libmp import from_rational

__all__ = ["PREC", "ln_abs", "numeric_value"]

PREC = 128
_CTX = mpmath.MPContext()
_CTX.prec = PREC
_CANCELLED = _CTX.ldexp(1, 18 - PREC)  # relative size below which a sum has no digit left
# mpmath's complaints: poles (ValueError), 1/0, out-of-range conversions.
_ERRORS = (ArithmeticError, ValueError, TypeError)


def _atan2(y: Any, x: Any) -> Any:
    if isinstance(y, mpmath.mpc) or isinstance(x, mpmath.mpc):
        return None
    return _CTX.atan2(y, x)


def _mod(a: Any, b: Any) -> Any:
    if isinstance(a, mpmath.mpc) or isinstance(b, mpmath.mpc):
        return None
    return a - b * _CTX.floor(a / b)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: getattr(_CTX, name) for name in (
        "sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "acot", "asec",
        "acsc", "sinh", "cosh", "tanh", "sech", "csch", "coth", "asinh", "acosh", "atanh",
        "acoth", "asech", "acsch", "exp", "log", "sign", "floor", "factorial", "binomial",
        "gamma", "re", "im", "arg")
} | {"ceiling": _CTX.ceil, "Abs": abs, "round": _CTX.nint, "conjugate": _CTX.conj,
     "atan2": _atan2, "Mod": _mod}


@lru_cache(maxsize=4096)
def numeric_value(expr: Any) -> Any:
    """``expr`` (a SymPy number) as an mpmath mpf/mpc at ``PREC`` bits, or None.

    >>> float(numeric_value(sympy.pi / 4))
    0.7853981633974483
    >>> numeric_value(sympy.log(sympy.log(sympy.Rational(1, 2)))).imag > 3
    True
    >>> numeric_value(1 - sympy.tanh(7000)) is None
    True
    """
    try:
        result = _evaluate(expr)
    except _ERRORS:
        return None
    if result is None or not _CTX.isfinite(result):
        return None
    return result


def ln_abs(number: Any) -> float:
    """ln|number| of an mpmath number as a float (-inf for 0).

    >>> round(ln_abs(numeric_value(sympy.exp(5000))))
    5000
    """
    size = abs(number)
    return float(_CTX.log(size)) if size else -float("inf")


def _evaluate(expr: Any) -> Any:
    if isinstance(expr, sympy.Rational):
        return _CTX.make_mpf(from_rational(int(expr.p), int(expr.q), PREC))
    if isinstance(expr, sympy.Float):
        return _CTX.make_mpf(expr._mpf_)
    if expr is sympy.I:
        return _CTX.mpc(0, 1)
    if isinstance(expr, sympy.NumberSymbol):
        return _CTX.make_mpf(expr._as_mpf_val(PREC))
    if not isinstance(expr, sympy.Expr) or not expr.args:
        return None  # oo, zoo, nan, symbols: no finite number
    args = [numeric_value(arg) for arg in expr.args]
    if any(arg is None for arg in args):
        return None
    if isinstance(expr, sympy.Add):
        total = _CTX.fsum(args)
        largest = max(abs(arg) for arg in args)
        return None if abs(total) < largest * _CANCELLED else total
    if isinstance(expr, sympy.Mul):
        return _CTX.fprod(args)
    if isinstance(expr, sympy.Pow):
        return _CTX.power(args[0], args[1])
    function = _FUNCTIONS.get(type(expr).__name__)
    return None if function is None else function(*args)
