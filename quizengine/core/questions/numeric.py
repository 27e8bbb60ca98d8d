"""Float evaluation of SymPy values for plots, degeneracy tests and finite-difference checks.

A small tree walker over NumPy arrays (no ``lambdify``: it generates and execs source). Values
that are not real or not finite (``sqrt(-1)``, ``1/0``) come out as NaN, meaning "undefined
here", and callers skip those points. Questions only ever need this for the elementary
functions of the course; anything else raises :class:`NotNumeric`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["NotNumeric", "as_float", "evaluate", "is_undefined", "same_value", "sample_points"]

_UNARY: dict[type, Callable[[Any], Any]] = {
    sp.sin: np.sin,
    sp.cos: np.cos,
    sp.tan: np.tan,
    sp.asin: np.arcsin,
    sp.acos: np.arccos,
    sp.atan: np.arctan,
    sp.sinh: np.sinh,
    sp.cosh: np.cosh,
    sp.tanh: np.tanh,
    sp.asinh: np.arcsinh,
    sp.acosh: np.arccosh,
    sp.atanh: np.arctanh,
    sp.exp: np.exp,
    sp.Abs: np.abs,
    sp.sign: np.sign,
    sp.floor: np.floor,
    sp.ceiling: np.ceil,
    sp.cot: lambda v: 1 / np.tan(v),
    sp.sec: lambda v: 1 / np.cos(v),
    sp.csc: lambda v: 1 / np.sin(v),
}


class NotNumeric(ValueError):
    """The value holds something that has no float reading (an unknown function, a set)."""


def evaluate(expr: Any, env: Mapping[sp.Symbol, Any]) -> Any:
    """Evaluate a scalar SymPy expression with NumPy, ``env`` mapping symbols to arrays.

    >>> x = sp.Symbol("x")
    >>> evaluate(x**2 + sp.sin(0 * x), {x: np.array([1.0, 3.0])}).tolist()
    [1.0, 9.0]
    """
    with np.errstate(all="ignore"):
        value = _walk(_number(expr) if isinstance(expr, int | float) else expr, env)
        result = np.asarray(value, dtype=float) if not np.iscomplexobj(value) else _real(value)
        return np.where(np.isfinite(result), result, np.nan)


def _real(value: Any) -> Any:
    value = np.asarray(value, dtype=complex)
    return np.where(np.abs(value.imag) <= 1e-12 * (1 + np.abs(value.real)), value.real, np.nan)


def _walk(expr: Any, env: Mapping[sp.Symbol, Any]) -> Any:
    if isinstance(expr, sp.Symbol):
        if expr not in env:
            raise NotNumeric(f"no value for {expr}")
        return env[expr]
    if expr.is_Number or isinstance(expr, sp.NumberSymbol):
        return float(expr)
    if expr is sp.I:
        raise NotNumeric("the imaginary unit has no real value")
    args = [_walk(arg, env) for arg in expr.args]
    if isinstance(expr, sp.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sp.Mul):
        result = args[0]
        for arg in args[1:]:
            result = result * arg
        return result
    if isinstance(expr, sp.Pow):
        return np.power(np.asarray(args[0], dtype=float), args[1])
    if isinstance(expr, sp.log):
        return np.log(args[0]) if len(args) == 1 else np.log(args[0]) / np.log(args[1])
    if isinstance(expr, sp.Max | sp.Min):
        reduce = np.maximum if isinstance(expr, sp.Max) else np.minimum
        return reduce.reduce(np.broadcast_arrays(*args))
    fn = _UNARY.get(type(expr))
    if fn is None or len(args) != 1:
        raise NotNumeric(f"cannot evaluate {type(expr).__name__} numerically")
    return fn(args[0])


def as_float(value: Any) -> float:
    """The float of a constant SymPy number, NaN when it is undefined or not real."""
    try:
        result = evaluate(value, {})
    except NotNumeric:
        return float("nan")
    return float(result)


def is_undefined(value: Any) -> bool:
    """Whether a value holds ``zoo``, ``nan`` or an infinity anywhere (also inside matrices).

    The same answer as ``value.has(zoo, nan, oo, -oo)`` (each of them is a singleton, so
    equal means the same type) in one walk of the tree instead of four.

    >>> x = sp.Symbol("x")
    >>> is_undefined(sp.sin(x) + 1 / sp.Integer(0)), is_undefined(sp.ImmutableMatrix([[x, -sp.oo]]))
    (True, True)
    """
    if isinstance(value, sp.MatrixBase):
        return any(is_undefined(item) for item in value.flat())
    if isinstance(value, float):
        return not np.isfinite(value)
    if isinstance(value, sp.Basic):
        todo = [value]
        while todo:
            node = todo.pop()
            if isinstance(node, _UNDEFINED):
                return True
            todo.extend(arg for arg in node.args if isinstance(arg, sp.Basic))
    return False


_UNDEFINED = (type(sp.zoo), type(sp.nan), type(sp.oo), type(-sp.oo))


def sample_points(names: tuple[sp.Symbol, ...], count: int = 7) -> dict[sp.Symbol, Any]:
    """Fixed pseudo-random points in [-1.9, 2.3] for each symbol (the same in every process).

    The arrays are made once per (number of names, count) and are read-only.
    """
    return dict(zip(names, _points(len(names), count), strict=True))


@lru_cache(maxsize=64)
def _points(size: int, count: int) -> tuple[Any, ...]:
    rng = np.random.default_rng(20240917)
    arrays = tuple(rng.uniform(-1.9, 2.3, count) for _ in range(size))
    for array in arrays:
        array.flags.writeable = False
    return arrays


def same_value(a: Any, b: Any) -> bool:
    """Whether two values agree: numbers exactly or to 1e-9, expressions at sample points.

    Vectors and matrices compare entrywise; equations compare ``lhs - rhs``. Used to spot
    degenerate variants (a mistake equal to the answer, two equal options), never to grade.

    >>> x = sp.Symbol("x")
    >>> same_value((x + 1)**2, x**2 + 2*x + 1), same_value(x, x + 1)
    (True, False)
    """
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if (
            not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase))
            or a.shape != b.shape
        ):
            return False
        return all(same_value(p, q) for p, q in zip(a.flat(), b.flat(), strict=True))
    if isinstance(a, sp.Equality) and isinstance(b, sp.Equality):
        return same_value(a.lhs - a.rhs, b.lhs - b.rhs) or same_value(a.lhs - a.rhs, b.rhs - b.lhs)
    if not (isinstance(a, sp.Expr) and isinstance(b, sp.Expr)):
        return bool(a == b)
    return _same_expr(a, b)


def _same_expr(a: sp.Expr, b: sp.Expr) -> bool:
    if a == b:
        return True
    if isinstance(a, sp.Rational) and isinstance(b, sp.Rational):
        return False
    names = tuple(sorted(a.free_symbols | b.free_symbols, key=str))
    env = sample_points(names)
    try:
        left, right = np.broadcast_arrays(evaluate(a, env), evaluate(b, env))
        left, right = np.atleast_1d(left), np.atleast_1d(right)
    except NotNumeric:
        return bool(sp.expand(a - b) == 0)
    ok = np.isfinite(left) & np.isfinite(right)
    if not ok.any():
        return bool(sp.expand(a - b) == 0)
    diff = np.abs(left[ok] - right[ok])
    return bool(np.all(diff <= 1e-9 * (1 + np.abs(left[ok]) + np.abs(right[ok]))))


def _number(value: int | float) -> sp.Expr:
    """A Python number as a SymPy number (no text is ever converted here)."""
    return sp.Integer(value) if isinstance(value, int) else sp.Float(value)
