"""Bounds on polynomial work in the author language: refuse before SymPy expands or factors.

``expand((x + 1)^100000)`` would run for minutes and fill the memory, so ``expand``, ``coeff``
and ``factor`` first estimate the size of the result from the tree (largest power, number of
terms, total degree) and raise ``LimitError`` past the limits below.
"""

from __future__ import annotations

from math import comb, prod
from typing import Any

import sympy as sp

from quizengine.core.errors import LimitError

__all__ = ["MAX_DEGREE", "MAX_EXPONENT", "MAX_TERMS", "expandable", "factorable"]

MAX_EXPONENT = 200  # expand/factor/coeff: largest integer power in the argument
MAX_TERMS = 10**4  # expand/coeff: estimated number of terms once expanded
MAX_DEGREE = 200  # factor: estimated total degree of the polynomial


def _power_of(name: str, expr: Any) -> int | None:
    """The whole part of a rational exponent (``None`` when symbolic), refused past 200."""
    if not (expr.is_Pow and expr.exp.is_Rational):
        return None
    power = abs(int(expr.exp))
    if power > MAX_EXPONENT:
        raise LimitError(f"{name}: powers are limited to {MAX_EXPONENT}, got {expr.exp}")
    return power


def _terms(name: str, expr: Any) -> int:
    """Estimated term count of ``expand(expr)`` (multinomial bound), refused past 10^4.

    Checked before SymPy expands anything: ``expand((x+1)^100000)`` would run for minutes.
    """
    power = _power_of(name, expr)
    if expr.is_Add:
        count = sum(_terms(name, arg) for arg in expr.args)
    elif expr.is_Mul:
        count = prod(_terms(name, arg) for arg in expr.args)
    elif power is not None:
        count = comb(_terms(name, expr.base) + power - 1, power)
    else:
        for arg in expr.args:  # expand is deep: function arguments are expanded too
            _terms(name, arg)
        count = 1
    if count > MAX_TERMS:
        raise LimitError(f"{name}: the expansion would have about {count} terms "
                         f"(at most {MAX_TERMS})")
    return count


def _degree(name: str, expr: Any) -> int:
    """Estimated total degree (functions count as variables), refused past 200 for factor."""
    power = _power_of(name, expr)
    if expr.is_Add:
        degree = max(_degree(name, arg) for arg in expr.args)
    elif expr.is_Mul:
        degree = sum(_degree(name, arg) for arg in expr.args)
    elif power is not None:
        degree = power * _degree(name, expr.base)
    else:
        degree = 0 if expr.is_number else 1
    if degree > MAX_DEGREE:
        raise LimitError(f"{name}: polynomials of degree at most {MAX_DEGREE}")
    return degree


def expandable(name: str, expr: Any) -> Any:
    """``expr`` unchanged when expanding it is bounded work, else a ``LimitError``."""
    for entry in expr if isinstance(expr, sp.MatrixBase) else [expr]:
        if isinstance(entry, sp.Basic):
            _terms(name, entry)
    return expr


def factorable(name: str, expr: Any) -> Any:
    """Like :func:`_expandable`, plus a degree bound: factoring costs more than expanding."""
    for entry in expr if isinstance(expr, sp.MatrixBase) else [expr]:
        if isinstance(entry, sp.Basic):
            _terms(name, entry)
            _degree(name, entry)
    return expr
