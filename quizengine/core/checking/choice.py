"""Multiple choice: the expected option id(s) against the ids the student picked."""

from __future__ import annotations

import re
from typing import Any

from quizengine.core.checking.spec import AnswerSpec, Verdict

__all__ = ["check_choice", "option_ids"]


def option_ids(value: Any) -> frozenset[str]:
    """Option ids from "a, c", "a c" or a collection of ids.

    >>> sorted(option_ids("b, a")), sorted(option_ids(("a",)))
    (['a', 'b'], ['a'])
    """
    if isinstance(value, str):
        return frozenset(p for p in re.split(r"[\s,;]+", value.strip()) if p)
    return frozenset(str(v).strip() for v in value)


def check_choice(expected: Any, answer: str, spec: AnswerSpec) -> Verdict:
    """Correct when the same options are picked; partial credit for multi-select answers.

    >>> check_choice("a,c", "c, a", AnswerSpec(kind="choice", choices=("a", "b", "c"))).verdict
    'correct'
    """
    wanted, picked = option_ids(expected), option_ids(answer)
    if not wanted:
        return Verdict("invalid", 0.0, "this question is misconfigured: no correct option",
                       "", "spec")
    if not picked:
        return Verdict("invalid", 0.0, "choose an option", "", "empty")
    unknown = sorted(picked - set(spec.choices)) if spec.choices else []
    if unknown:
        return Verdict("invalid", 0.0, f"unknown option {', '.join(unknown)}", "", "unknown_option")
    shown = ", ".join(sorted(picked))
    if picked == wanted:
        return Verdict("correct", 1.0, "correct", shown, "correct", shown)
    score = 0.0
    if len(wanted) > 1:
        score = max(0.0, (len(picked & wanted) - len(picked - wanted)) / len(wanted))
    return Verdict("incorrect", score, "not correct", shown, "incorrect", shown)
