"""Small helpers for answers that must be numbers (numeric kind, significant figures)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import sympy as sp

__all__ = ["exact_fraction", "expected_decimal", "is_number"]


def is_number(value: Any) -> bool:
    """Whether every entry of ``value`` is a constant (no free symbols, no relation).

    >>> x = sp.Symbol("x")
    >>> is_number(sp.pi / 2), is_number(x)
    (True, False)
    >>> is_number(sp.ImmutableMatrix([[1, sp.sqrt(2)]]))
    True
    """
    if isinstance(value, (sp.MatrixBase, sp.FiniteSet)):
        items = value if isinstance(value, sp.MatrixBase) else value.args
        return all(is_number(v) for v in items)
    return isinstance(value, sp.Expr) and not value.free_symbols and not value.has(
        sp.core.function.AppliedUndef)


def exact_fraction(value: sp.Expr) -> Fraction | None:
    """The value as an exact fraction when it is rational (decimals are), else None."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return None


def expected_decimal(value: sp.Expr) -> Decimal | None:
    """A 60-digit decimal of a real constant (None when it is not a real number)."""
    with localcontext() as ctx:
        ctx.prec = 60
        if value.is_Rational:
            return Decimal(int(value.p)) / Decimal(int(value.q))
        approx = sp.N(value, 60)
        if not approx.is_real or not approx.is_Number:
            return None
        return Decimal(str(approx))
