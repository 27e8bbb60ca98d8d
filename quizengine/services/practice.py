"""Adaptive practice: the core's ``choose_next`` picks a template for this learner; the question
is served in the learner's open practice attempt, with the skill and the reason kept beside it.

A question served and not yet answered is *pending*: asking for the next one returns it again
(same question id), so that reloading a page or a retrying client never piles up unanswered
questions. Only an explicit skip moves on; the skip is recorded on the practice item.

Queries per call stay fixed whatever the learner's history: the attempt, the pending item, the
states, the parameters, the ability, the candidate templates with their ratings, and the recent
template ids are each loaded in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from quizengine.core import mastery as core
from quizengine.db.models import (
    Attempt,
    ItemRating,
    PracticeItem,
    QuestionInstance,
    Submission,
    Template,
)
from quizengine.services import attempts, variants
from quizengine.services.errors import ConflictError
from quizengine.services.mastery import fitted_params, learner_ability, learner_states

RECENT = 10  # templates not repeated within this many practice questions (when others remain)


@dataclass(frozen=True)
class PracticeQuestion:
    """A practice question with the skill it trains and why it was chosen; ``pending`` when it
    is the learner's unanswered question served again."""

    instance: QuestionInstance
    skill: str
    reason: str
    pending: bool = False


def practice_attempt(session: Session, *, user_id: int) -> Attempt:
    """The learner's open practice attempt (locked, so that concurrent requests of one learner
    take turns), created on first use."""
    attempt = session.scalar(select(Attempt).where(
        Attempt.user_id == user_id, Attempt.mode == "practice", Attempt.finished_at.is_(None))
        .order_by(Attempt.id.desc()).limit(1).with_for_update())
    if attempt is None:
        attempt = Attempt(user_id=user_id, mode="practice")
        session.add(attempt)
        session.flush()
    return attempt


def next_question(
    session: Session, *, user_id: int, secret: str, now: datetime, threshold: float,
    skip: bool = False,
) -> PracticeQuestion:
    """The pending question if there is one (unless ``skip``: then it is marked skipped), else a
    new question chosen by ``choose_next``, saying which skill and why."""
    attempt = practice_attempt(session, user_id=user_id)
    pending = _pending(session, attempt)
    if pending is not None and not skip:
        return _as_question(pending, pending=True)
    if pending is not None:
        pending.skipped_at = now
    slot = _next_slot(session, attempt)
    choice = _choose(session, user_id=user_id, secret=secret, now=now, threshold=threshold,
                     served=slot)
    template = session.get(Template, choice.template_id)
    assert template is not None
    instance = attempts.add_question(session, attempt=attempt, slot=slot,
                                     template_id=template.id, version=template.current_version,
                                     secret=secret)
    item = PracticeItem(question_instance_id=instance.id, user_id=user_id, skill=choice.skill,
                        reason=choice.reason[:300], kind=choice.kind,
                        predicted_success=choice.predicted_success, created_at=now)
    item.question_instance = instance
    session.add(item)
    session.flush()
    return _as_question(item)


def _choose(
    session: Session, *, user_id: int, secret: str, now: datetime, threshold: float, served: int
) -> core.Choice:
    states = learner_states(session, user_id)
    items = candidate_items(session)
    recent = recent_templates(session, user_id=user_id)
    rng = np.random.default_rng(variants.derive_seed(secret, user_id, "practice", served))
    params = fitted_params(session)
    ability = learner_ability(session, user_id)
    for avoid in (recent, recent[:1], []):  # when all were seen recently, allow repeats
        choice = core.choose_next(states, items, now=now, rng=rng, recent=avoid, params=params,
                                  threshold=threshold, ability=ability)
        if choice is not None:
            return choice
    raise ConflictError("There are no practice questions yet.")


def candidate_items(session: Session) -> list[core.Item]:
    """Every active template (its current version) with its skills, difficulty and Elo rating."""
    rows = session.execute(
        select(Template.id, Template.skills, Template.difficulty, ItemRating.rating)
        .outerjoin(ItemRating, ItemRating.template_id == Template.id)
        .where(Template.is_active.is_(True)).order_by(Template.id))
    return [core.Item(template_id=tid, skills=tuple(skills), difficulty=difficulty, rating=rating)
            for tid, skills, difficulty, rating in rows]


def recent_templates(session: Session, *, user_id: int, limit: int = RECENT) -> list[str]:
    """The templates of the learner's last ``limit`` practice questions, newest first."""
    return list(session.scalars(
        select(QuestionInstance.template_id).join(PracticeItem)
        .where(PracticeItem.user_id == user_id)
        .order_by(PracticeItem.question_instance_id.desc()).limit(limit)))


def _pending(session: Session, attempt: Attempt) -> PracticeItem | None:
    """The attempt's newest practice item when it is neither answered nor skipped."""
    answered = exists().where(Submission.question_instance_id == PracticeItem.question_instance_id)
    return session.scalar(
        select(PracticeItem).join(QuestionInstance)
        .where(QuestionInstance.attempt_id == attempt.id, PracticeItem.skipped_at.is_(None),
               ~answered,
               QuestionInstance.slot == select(func.max(QuestionInstance.slot))
               .where(QuestionInstance.attempt_id == attempt.id).scalar_subquery()))


def _next_slot(session: Session, attempt: Attempt) -> int:
    last = session.scalar(select(func.max(QuestionInstance.slot))
                          .where(QuestionInstance.attempt_id == attempt.id))
    return 0 if last is None else last + 1


def _as_question(item: PracticeItem, *, pending: bool = False) -> PracticeQuestion:
    return PracticeQuestion(instance=item.question_instance, skill=item.skill, reason=item.reason,
                            pending=pending)


def current_question(session: Session, *, user_id: int) -> PracticeQuestion | None:
    """The newest question of the learner's practice (None before the first)."""
    item = session.scalar(select(PracticeItem).where(PracticeItem.user_id == user_id)
                          .order_by(PracticeItem.question_instance_id.desc()).limit(1))
    if item is None:
        return None
    answered = session.scalar(select(exists().where(
        Submission.question_instance_id == item.question_instance_id)))
    return _as_question(item, pending=not answered and item.skipped_at is None)
