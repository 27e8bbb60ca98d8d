"""Comparing answers by shape: the registry from answer shape to its comparison.

Expressions go to :func:`.equivalence.compare`; equations and inequalities live in
:mod:`.kinds_algebraic`, vectors, matrices, lists and sets in :mod:`.kinds_structured` (each
module's docstring states its rule). Lists, sets and matrices hold entries of any shape, so
their entries come back through :func:`compare_values`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quizengine.core.checking.equivalence import Setting, compare
from quizengine.core.checking.kinds_algebraic import disjunctions, equations, inequalities
from quizengine.core.checking.kinds_structured import lists, matrices, sets
from quizengine.core.checking.outcome import Outcome, is_disjunction, plain, shape_of

__all__ = ["COMPARERS", "Outcome", "compare_values", "shape_of"]

Comparer = Callable[[Any, Any, Setting, "str | None"], Outcome]


def _equation(t: Any, s: Any, setting: Setting, _orientation: str | None) -> Outcome:
    if is_disjunction(t) or is_disjunction(s):
        return disjunctions(t, s, setting)
    return plain(equations(t, s, setting))


COMPARERS: dict[str, Comparer] = {
    "expression": lambda t, s, setting, _o: plain(compare(t, s, setting)),
    "equation": _equation,
    "inequality": lambda t, s, setting, _o: plain(inequalities(t, s, setting)),
    "list": lambda t, s, setting, _o: lists(t, s, setting),
    "set": lambda t, s, setting, _o: sets(t, s, setting),
    "vector": matrices,
    "matrix": matrices,
}


def compare_values(t: Any, s: Any, setting: Setting, *, orientation: str | None = None) -> Outcome:
    """Compare expected ``t`` with answer ``s`` (shapes already known to match).

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> compare_values(sp.Eq(2 * x, 4), sp.Eq(x, 2), Setting()).state
    'equal'
    >>> compare_values(sp.FiniteSet(1, 2, 3), sp.FiniteSet(1, 2, 4), Setting()).score
    0.6666666666666666
    """
    return COMPARERS[shape_of(t)](t, s, setting, orientation)
