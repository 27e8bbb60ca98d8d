"""Skill mastery per learner: BKT updates after each graded part, and the learner's estimates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizengine.core.mastery import bkt
from quizengine.db.models import SkillMastery, SkillParam


def fitted_params(session: Session) -> dict[str, bkt.BKTParams]:
    """Parameters stored in ``skill_param`` (fitted offline); skills missing use core defaults."""
    return {
        row.skill: bkt.BKTParams(p_init=row.p_init, p_transit=row.p_transit, guess=row.p_guess,
                                 slip=row.p_slip, p_forget=row.p_forget)
        for row in session.scalars(select(SkillParam))
    }


def observe(
    session: Session, *, user_id: int, skills: tuple[str, ...], score: float, now: datetime
) -> None:
    """Update every skill of a graded part with its score (0..1)."""
    fitted = fitted_params(session)
    for skill in skills:
        params = bkt.params_for(skill, fitted)
        row = _row_for_update(session, user_id, skill, params)
        state = bkt.SkillState(skill=skill, mastery=row.p_mastery, attempts=row.attempts,
                               last_practised=row.updated_at if row.attempts else None)
        new = bkt.observe(state, min(max(score, 0.0), 1.0), now=now, params=params)
        row.p_mastery, row.attempts, row.updated_at = new.mastery, new.attempts, now
    session.flush()


def _row_for_update(
    session: Session, user_id: int, skill: str, params: bkt.BKTParams
) -> SkillMastery:
    query = select(SkillMastery).where(SkillMastery.user_id == user_id,
                                       SkillMastery.skill == skill).with_for_update()
    row = session.scalar(query)
    if row is not None:
        return row
    row = SkillMastery(user_id=user_id, skill=skill, p_mastery=params.p_init, attempts=0)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # created meanwhile by a concurrent submission of the same learner
        found = session.scalar(query)
        assert found is not None
        return found
    return row


@dataclass(frozen=True)
class SkillEstimate:
    skill: str
    mastery: float
    attempts: int


def learner_mastery(session: Session, *, user_id: int, now: datetime) -> list[SkillEstimate]:
    """Every syllabus skill with the learner's estimate now (forgetting applied, prior if new)."""
    from quizengine.core.mastery.skill_graph import SKILLS

    fitted = fitted_params(session)
    rows = {r.skill: r for r in session.scalars(
        select(SkillMastery).where(SkillMastery.user_id == user_id))}
    estimates = []
    for skill in SKILLS:
        params = bkt.params_for(skill, fitted)
        row = rows.get(skill)
        if row is None:
            estimates.append(SkillEstimate(skill, params.p_init, 0))
            continue
        state = bkt.SkillState(skill, row.p_mastery, row.attempts, row.updated_at)
        estimates.append(SkillEstimate(skill, bkt.current_mastery(state, now, params),
                                       row.attempts))
    return estimates
