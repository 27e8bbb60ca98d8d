"""A learner's mastery per skill in syllabus order, as plain rows for `GET /me/mastery`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .bkt import BKTParams, SkillState, current_mastery, params_for
from .selection import DEFAULT_THRESHOLD, skill_title
from .skill_graph import PREREQUISITES

__all__ = ["ReportRow", "mastery_report"]


@dataclass(frozen=True)
class ReportRow:
    """One skill: its estimate (forgetting applied when ``now`` was given) and attempts."""

    skill: str
    title: str
    mastery: float
    attempts: int
    mastered: bool


def mastery_report(
    states: Mapping[str, SkillState],
    graph: Mapping[str, Sequence[str]] = PREREQUISITES,
    *,
    now: datetime | None = None,
    params: Mapping[str, BKTParams] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[ReportRow, ...]:
    """Every skill of ``graph`` in its (syllabus) order; unpractised skills show ``p_init``.

    >>> rows = mastery_report({"power-rule": SkillState("power-rule", 0.97, attempts=6)})
    >>> [(r.skill, r.mastery, r.attempts, r.mastered) for r in rows[2:4]]
    [('power-rule', 0.97, 6, True), ('special-derivatives', 0.3, 0, False)]
    """
    rows = []
    for skill in graph:
        p = params_for(skill, params)
        state = states.get(skill)
        if state is None:
            mastery, attempts = p.p_init, 0
        else:
            mastery = state.mastery if now is None else current_mastery(state, now, p)
            attempts = state.attempts
        rows.append(
            ReportRow(skill, skill_title(skill), mastery, attempts, mastery >= threshold)
        )
    return tuple(rows)
