"""Functions and roots of *composite* numbers (numbers holding a function or root, such as
``sqrt(2)`` or ``log(3)``) are built unevaluated.

Why: SymPy's evaluation of such a function rewrites and questions its argument, and that
work grows with every level below: it rewrote ``sin(atan(1000!))`` as ``1000!/sqrt(1000!^2+1)``
and then factored the radicand, and asked whether ``tanh(sqrt(factorial(1+i)))`` is real by
expanding it into real and imaginary parts, for minutes. Unevaluated, these cost microseconds;
the checker compares them numerically anyway, and functions of plain numbers (``sin(pi/6)``,
``log(8, 2)``, ``sqrt(8)``) are still evaluated exactly. Sums, products and powers are built
unevaluated only around numbers four levels deep (``builders``).

Each builder passes ``evaluate=False`` to the constructor itself: SymPy's global
``evaluate(False)`` switch empties SymPy's whole cache each time it is flipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import sympy
from sympy.matrices import MatrixBase

from quizengine.core.parsing.limits import nesting

__all__ = ["is_composite_number", "log_unevaluated", "unevaluated_builder"]


def is_composite_number(values: Sequence[Any], depth: int = 1) -> bool:
    """Whether one of ``values`` is a number holding functions or roots ``depth`` deep.

    >>> is_composite_number([sympy.sqrt(2)]), is_composite_number([sympy.pi / 4])
    (True, False)
    >>> is_composite_number([sympy.sqrt(2)], depth=2)
    False
    """
    return any(isinstance(v, sympy.Expr) and not isinstance(v, MatrixBase)
               and nesting(v) >= depth and v.is_number for v in values)


def _reciprocal(value: Any) -> Any:
    return sympy.Integer(1) / value if value.is_Rational else sympy.Pow(value, -1,
                                                                       evaluate=False)


def log_unevaluated(x: Any, base: Any = None) -> Any:
    """``log(x)``, or ``log(x)/log(base)`` (never a two-argument log: NumPy would read the
    second argument as ``out``).

    >>> log_unevaluated(sympy.sqrt(2), 10)
    log(sqrt(2))/log(10)
    """
    value = sympy.log(x, evaluate=False)
    if base is None:
        return value
    return sympy.Mul(value, sympy.Pow(sympy.log(base, evaluate=False), -1, evaluate=False),
                     evaluate=False)


def _sqrt(x: Any) -> Any:
    return sympy.Pow(x, sympy.S.Half, evaluate=False)


def _root(x: Any, n: Any = 2) -> Any:
    return sympy.Pow(x, _reciprocal(n), evaluate=False)


def _sigmoid(x: Any) -> Any:
    minus_x = sympy.Mul(-1, x, evaluate=False)
    return sympy.Pow(sympy.Add(1, sympy.exp(minus_x, evaluate=False), evaluate=False), -1,
                     evaluate=False)


_CUSTOM: dict[str, Callable[..., Any]] = {
    "sqrt": _sqrt, "root": _root, "sigmoid": _sigmoid, "log": log_unevaluated,
    "lg": lambda x, b=10: log_unevaluated(x, b),
}


def unevaluated_builder(name: str, build: Callable[..., Any]) -> Callable[..., Any] | None:
    """The unevaluated twin of built-in ``name`` (None: it has none, like ``matrix``)."""
    if name in _CUSTOM:
        return _CUSTOM[name]
    if isinstance(build, type) and issubclass(build, sympy.Function):
        return partial(build, evaluate=False)
    return None
