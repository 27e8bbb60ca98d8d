"""Form requirements a question may set on an answer that is already equivalent.

``expanded``: no product or positive integer power of a sum is left; ``factored``: a product
of powers of factors irreducible over the rationals (constants aside); ``single_fraction``:
one numerator over one denominator with no fraction inside either; ``degree<=N``: a polynomial
of total degree at most N. Checks are structural on the student's reading (never simplified),
and bounded: a power above ``_MAX_FACTOR_DEGREE`` is not factored here.
"""

from __future__ import annotations

import re

import sympy as sp

__all__ = ["FORM_NAMES", "form_problem", "is_known_form"]

FORM_NAMES = ("expanded", "factored", "single_fraction", "row", "column")
_DEGREE = re.compile(r"^degree<=(\d+)$")
_MAX_FACTOR_DEGREE = 40


def is_known_form(form: str) -> bool:
    """Whether ``form`` is a form this module understands."""
    return form in FORM_NAMES or bool(_DEGREE.match(form))


def form_problem(value: sp.Basic, form: str) -> bool:
    """True when ``value`` is NOT in ``form`` (vector orientation is checked elsewhere).

    >>> x = sp.Symbol("x")
    >>> form_problem(sp.Mul(2, x + 1, evaluate=False), "expanded")
    True
    >>> form_problem(x**2 + 2*x, "expanded")
    False
    >>> form_problem((x - 1)*(x + 1), "factored"), form_problem(x**2 - 1, "factored")
    (False, True)
    """
    if form in ("row", "column") or not isinstance(value, sp.Expr):
        return False
    if form == "expanded":
        return not _is_expanded(value)
    if form == "factored":
        return not _is_factored(value)
    if form == "single_fraction":
        return not _is_single_fraction(value)
    match = _DEGREE.match(form)
    if match:
        symbols = sorted(value.free_symbols, key=lambda s: s.name)
        if not symbols:
            return False
        if not value.is_polynomial(*symbols):
            return True
        return bool(sp.Poly(value, *symbols).total_degree() > int(match.group(1)))
    return False


def _is_expanded(e: sp.Basic) -> bool:
    for node in sp.preorder_traversal(e):
        if node.is_Pow and node.base.is_Add and node.exp.is_Integer and node.exp > 1:
            return False
        if node.is_Mul and any(arg.is_Add for arg in node.args):
            return False
    return True


def _is_factored(e: sp.Expr) -> bool:
    for factor in sp.Mul.make_args(e):
        base = factor.base if factor.is_Pow and factor.exp.is_Integer else factor
        symbols = sorted(base.free_symbols, key=lambda s: s.name)
        if not symbols or not base.is_polynomial(*symbols):
            continue
        poly = sp.Poly(base, *symbols)
        if poly.total_degree() > _MAX_FACTOR_DEGREE:
            return False
        _, parts = poly.factor_list()
        if len(parts) > 1 or (parts and parts[0][1] > 1):
            return False
    return True


def _is_single_fraction(e: sp.Expr) -> bool:
    numer, denom = sp.fraction(e)
    for part in (numer, denom):
        for node in sp.preorder_traversal(part):
            if node.is_Pow and node.exp.is_negative:
                return False
            if node.is_Add and any(arg.is_Rational and not arg.is_Integer or
                                   (arg.is_Mul and any(f.is_Rational and not f.is_Integer
                                                       for f in arg.args))
                                   for arg in node.args):
                return False
    return True
