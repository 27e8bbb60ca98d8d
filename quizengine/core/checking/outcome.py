"""What a comparison of two answers yields before it becomes a Verdict, and answer shapes.

Kept apart from :mod:`.kinds` so that the per-kind modules (:mod:`.kinds_algebraic`,
:mod:`.kinds_structured`) share these without importing the dispatcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from quizengine.core.checking.equivalence import EQUAL

__all__ = ["RELATIONS", "Outcome", "is_disjunction", "plain", "shape_of"]

RELATIONS = (sp.StrictGreaterThan, sp.StrictLessThan, sp.GreaterThan, sp.LessThan)


@dataclass(frozen=True)
class Outcome:
    """A comparison's result before it becomes a Verdict; ``state`` is EQUAL/DIFFERENT/UNKNOWN."""

    state: str
    score: float
    feedback: str = ""
    code: str = ""


def shape_of(value: Any) -> str:
    """The answer shape of a SymPy value (same names as ``Parsed.shape``).

    >>> x = sp.Symbol("x")
    >>> shape_of(sp.Eq(x, 1)), shape_of(sp.Tuple(1, x > 2)), shape_of(sp.FiniteSet(1, 2))
    ('equation', 'list', 'set')
    """
    if isinstance(value, sp.Equality) or is_disjunction(value):
        return "equation"
    if isinstance(value, sp.Tuple):
        return "list"
    if isinstance(value, (*RELATIONS, sp.And, sp.Or)):
        return "inequality"
    if isinstance(value, sp.MatrixBase):
        return "vector" if 1 in value.shape else "matrix"
    if isinstance(value, sp.FiniteSet) or value is sp.S.EmptySet:
        return "set"
    return "expression"


def is_disjunction(value: Any) -> bool:
    """``x = 1 or x = 2``: an Or of equations (an equation-shaped answer)."""
    return isinstance(value, sp.Or) and all(isinstance(a, sp.Equality) for a in value.args)


def plain(state: str) -> Outcome:
    """All-or-nothing credit for a state."""
    return Outcome(state, 1.0 if state == EQUAL else 0.0)
