"""The slow, symbolic half of checking; runs only inside a killable worker process.

Each task returns ``True``/``False`` when SymPy can decide and ``None`` when it cannot; the
numeric engine has already failed to decide by the time a task is called. SymPy's
``a.equals(b)`` counts only when it ``is True``/``is False``.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

__all__ = ["TASKS", "ineq_same", "numerators", "prove_equal"]


def prove_equal(a: sp.Expr, b: sp.Expr) -> bool | None:
    """Whether ``a - b`` simplifies to zero (None: could not tell).

    >>> x = sp.Symbol("x")
    >>> prove_equal(sp.sin(2*x), 2*sp.sin(x)*sp.cos(x)), prove_equal(x, x + 1)
    (True, False)
    """
    diff = sp.simplify(a - b)
    if diff == 0:
        return True
    if diff.is_number and diff.is_zero is False:
        return False
    if not diff.free_symbols and diff.is_zero is None:
        value = diff.evalf(50)
        if value.is_number and abs(value) > sp.Float(10) ** -40:
            return False
    outcome = diff.equals(0)
    return outcome if isinstance(outcome, bool) else None


def ineq_same(first: sp.Basic, second: sp.Basic, var: sp.Symbol) -> bool | None:
    """Whether two univariate inequalities (or chains) have the same real solution set."""
    try:
        one = _solution_set(first, var)
        two = _solution_set(second, var)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if one == two:
        return True
    gaps = (sp.Complement(one, two), sp.Complement(two, one))
    if all(g == sp.S.EmptySet for g in gaps):
        return True
    if any(isinstance(g, (sp.Interval, sp.FiniteSet, sp.Union)) and g.is_empty is False
           for g in gaps):
        return False
    return None


def _solution_set(rel: sp.Basic, var: sp.Symbol) -> sp.Set:
    if isinstance(rel, sp.And):
        return sp.Intersection(*(_solution_set(r, var) for r in rel.args))
    if isinstance(rel, sp.Or):
        return sp.Union(*(_solution_set(r, var) for r in rel.args))
    return sp.solveset(rel, var, sp.S.Reals)


def numerators(first: sp.Expr, second: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Numerators of both expressions brought to single fractions."""
    return sp.fraction(sp.together(first))[0], sp.fraction(sp.together(second))[0]


def ping() -> str:
    """Liveness probe used to warm the pool."""
    return "pong"


TASKS: dict[str, Any] = {
    "prove_equal": prove_equal,
    "ineq_same": ineq_same,
    "numerators": numerators,
    "ping": ping,
}
