"""Comparing vectors, matrices, lists and sets, entry by entry with partial credit.

Vectors and matrices: shape first, then entry by entry with partial credit. Lists (``[1, x > 2]``,
a ``sympy.Tuple``): length, then entry by entry, each by its own shape (an inequality entry as
an inequality). Sets: elements are matched by equivalence (duplicates count once); partial
credit is the share matched. Entries may have any shape, so each entry goes back through
:func:`.kinds.compare_values` (imported where it is called: the dispatcher imports this module).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from quizengine.core.checking.equivalence import DIFFERENT, EQUAL, UNKNOWN, Setting
from quizengine.core.checking.outcome import Outcome, shape_of

__all__ = ["distinct_items", "lists", "match_items", "matrices", "sets"]


def _compare(t: Any, s: Any, setting: Setting) -> Outcome:
    from quizengine.core.checking.kinds import compare_values  # recursive dispatch

    return compare_values(t, s, setting)


def sets(t: sp.Set, s: sp.Set, setting: Setting) -> Outcome:
    """Elements matched by equivalence, duplicates counting once."""
    return match_items(list(t.args), distinct_items(list(s.args), setting), setting, noun="element")


def match_items(wanted: list[Any], given: list[Any], setting: Setting, *, noun: str) -> Outcome:
    """Match ``given`` items to ``wanted`` ones by equivalence; credit is the share matched."""
    unknown = False
    matched = 0
    free = list(given)
    for item in wanted:
        for j, cand in enumerate(free):
            state = _element(item, cand, setting)
            unknown |= state == UNKNOWN
            if state == EQUAL:
                matched += 1
                del free[j]
                break
    size = max(len(wanted), len(given), 1)
    if matched == len(wanted) == len(given):
        return Outcome(EQUAL, 1.0)
    if unknown:
        return Outcome(UNKNOWN, 0.0)
    missing, extra = len(wanted) - matched, len(given) - matched
    parts = []
    if missing:
        parts.append(f"{missing} {noun}{'s are' if missing > 1 else ' is'} missing")
    if extra:
        parts.append(f"{extra} of your {noun}s {'are' if extra > 1 else 'is'} not right")
    return Outcome(DIFFERENT, matched / size, "; ".join(parts), "set")


def lists(t: sp.Tuple, s: sp.Tuple, setting: Setting) -> Outcome:
    """Entry by entry, each compared by its own shape; credit is the share that match."""
    if len(t) != len(s):
        return Outcome(DIFFERENT, 0.0, f"expected a list with {len(t)} entries, you gave "
                       f"{len(s)}", "shape")
    states = [_element(a, b, setting) for a, b in zip(t.args, s.args, strict=True)]
    right = states.count(EQUAL)
    if right == len(states):
        return Outcome(EQUAL, 1.0)
    wrong = [str(i + 1) for i, state in enumerate(states) if state == DIFFERENT]
    if not wrong:
        return Outcome(UNKNOWN, 0.0)
    noun, verb = ("entries", "are") if len(wrong) > 1 else ("entry", "is")
    return Outcome(DIFFERENT, right / len(states), f"{noun} {', '.join(wrong)} {verb} not right",
                   "entries")


def distinct_items(items: list[Any], setting: Setting) -> list[Any]:
    """``items`` without repeats (by equivalence), first occurrence kept."""
    kept: list[Any] = []
    for item in items:
        if not any(_element(k, item, setting) == EQUAL for k in kept):
            kept.append(item)
    return kept


def _element(t: Any, s: Any, setting: Setting) -> str:
    if shape_of(t) != shape_of(s):
        return DIFFERENT
    if shape_of(t) in ("vector", "matrix") and t.shape != s.shape:
        return DIFFERENT
    if shape_of(t) == "list" and len(t) != len(s):
        return DIFFERENT
    return _compare(t, s, setting).state


def matrices(t: Any, s: Any, setting: Setting, orientation: str | None) -> Outcome:
    """Shape (and a vector's orientation when asked), then entry by entry."""
    vector = shape_of(t) == "vector"
    if vector:
        if orientation == "row" and s.rows != 1 or orientation == "column" and s.cols != 1:
            return Outcome(DIFFERENT, 0.0, f"write the vector as a {orientation}", "shape")
        t_items, s_items = list(t), list(s)
        if len(t_items) != len(s_items):
            return Outcome(DIFFERENT, 0.0, f"expected a vector with {len(t_items)} entries, "
                           f"you gave {len(s_items)}", "shape")
        labels = [str(i + 1) for i in range(len(t_items))]
    else:
        if t.shape != s.shape:
            return Outcome(DIFFERENT, 0.0, f"expected a {t.rows}×{t.cols} matrix, "
                           f"you gave {s.rows}×{s.cols}", "shape")
        t_items, s_items = list(t), list(s)
        labels = [f"({i // t.cols + 1},{i % t.cols + 1})" for i in range(len(t_items))]
    states = [_compare(a, b, setting).state for a, b in zip(t_items, s_items, strict=True)]
    wrong = [lab for lab, st in zip(labels, states, strict=True) if st == DIFFERENT]
    right = states.count(EQUAL)
    if right == len(states):
        return Outcome(EQUAL, 1.0)
    if not wrong:
        return Outcome(UNKNOWN, 0.0)
    names = " and ".join([", ".join(wrong[:-1]), wrong[-1]]) if len(wrong) > 1 else wrong[0]
    noun = "entries" if len(wrong) > 1 else "entry"
    verb = "are" if len(wrong) > 1 else "is"
    return Outcome(DIFFERENT, right / len(states), f"{noun} {names} {verb} not right", "entries")
