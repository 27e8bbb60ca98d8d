"""Adaptive practice: the core's ``choose_next`` picks a template for this learner's weakest
ready skill; the question is served in the learner's open practice attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizengine.core import mastery as core_mastery
from quizengine.db.models import Attempt, QuestionInstance, SkillMastery, Template
from quizengine.services import attempts, variants
from quizengine.services.errors import ConflictError
from quizengine.services.mastery import fitted_params

RECENT = 3  # templates not repeated within this many practice questions


@dataclass(frozen=True)
class PracticeQuestion:
    instance: QuestionInstance
    skill: str
    reason: str


def practice_attempt(session: Session, *, user_id: int) -> Attempt:
    """The learner's open practice attempt, created on first use."""
    attempt = session.scalar(select(Attempt).where(
        Attempt.user_id == user_id, Attempt.mode == "practice", Attempt.finished_at.is_(None))
        .order_by(Attempt.id.desc()).limit(1))
    if attempt is None:
        attempt = Attempt(user_id=user_id, mode="practice")
        session.add(attempt)
        session.flush()
    return attempt


def next_question(
    session: Session, *, user_id: int, secret: str, now: datetime, threshold: float
) -> PracticeQuestion:
    """Choose and serve the next practice question, saying which skill and why."""
    attempt = practice_attempt(session, user_id=user_id)
    served = session.scalar(select(func.count()).where(
        QuestionInstance.attempt_id == attempt.id)) or 0
    recent = [i.template_id for i in attempt.questions[-RECENT:]]
    states = {row.skill: core_mastery.SkillState(row.skill, row.p_mastery, row.attempts,
                                                 row.updated_at)
              for row in session.scalars(select(SkillMastery)
                                         .where(SkillMastery.user_id == user_id))}
    templates = {t.id: t for t in session.scalars(select(Template).where(
        Template.is_active.is_(True)))}
    items = [core_mastery.Item(template_id=t.id, skills=tuple(t.skills), difficulty=t.difficulty)
             for t in templates.values()]
    rng = np.random.default_rng(variants.derive_seed(secret, user_id, "practice", served))
    params = fitted_params(session)

    def pick(avoid: list[str]) -> core_mastery.Choice | None:
        return core_mastery.choose_next(states, items, now=now, rng=rng, recent=avoid,
                                        params=params, threshold=threshold)

    choice = pick(recent) or pick([])  # everything seen recently: allow repeats
    if choice is None:
        raise ConflictError("There are no practice questions yet.")
    template = templates[choice.template_id]
    instance = attempts.add_question(session, attempt=attempt, slot=served,
                                     template_id=template.id, version=template.current_version,
                                     secret=secret)
    return PracticeQuestion(instance=instance, skill=choice.skill, reason=choice.reason)


def current_question(session: Session, *, user_id: int) -> QuestionInstance | None:
    """The newest question of the learner's practice attempt (None before the first)."""
    attempt = session.scalar(select(Attempt).where(
        Attempt.user_id == user_id, Attempt.mode == "practice").order_by(Attempt.id.desc()))
    return attempt.questions[-1] if attempt is not None and attempt.questions else None
