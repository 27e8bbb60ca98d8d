"""Quiz attempts: start one with fresh variants, show its questions, finish it, list history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizengine.db.base import utcnow
from quizengine.db.models import Attempt, QuestionInstance, Quiz, Submission
from quizengine.services import catalog, variants
from quizengine.services.errors import ConflictError, NotFoundError
from quizengine.services.submissions import (
    SubmissionView,
    latest_submission,
    latest_submissions,
    view_submission,
)


def start_attempt(
    session: Session, *, user_id: int, quiz_id: str, secret: str, now: datetime | None = None
) -> Attempt:
    """Open a new attempt with ``questions_per_attempt`` fresh variants of the quiz's templates."""
    now = now or utcnow()
    quiz = catalog.get_quiz(session, quiz_id)
    _check_may_start(session, quiz, user_id=user_id, now=now)
    templates = catalog.active_templates(session, quiz_id)
    if not templates:
        raise ConflictError("This quiz has no questions yet.")
    attempt = Attempt(user_id=user_id, quiz_id=quiz_id, mode="quiz", started_at=now)
    session.add(attempt)
    session.flush()
    order = list(templates)
    # Deterministic order from an HMAC-derived seed (not a secret itself): S311 does not apply.
    random.Random(variants.derive_seed(secret, attempt.id, "order")).shuffle(order)  # noqa: S311
    for slot in range(quiz.questions_per_attempt):
        template = order[slot % len(order)]
        add_question(session, attempt=attempt, slot=slot, template_id=template.id,
                     version=template.current_version, secret=secret)
    attempt.max_score = float(quiz.questions_per_attempt)
    return attempt


def add_question(
    session: Session, *, attempt: Attempt, slot: int, template_id: str, version: int, secret: str
) -> QuestionInstance:
    """Serve one variant in ``attempt`` at ``slot``, its seed derived from the server secret."""
    seed = variants.derive_seed(secret, attempt.id, slot)
    instance = QuestionInstance(attempt_id=attempt.id, slot=slot, template_id=template_id,
                                version=version, seed=seed)
    # With plots: the page shows this variant next, served from the cache (generated once).
    variant = variants.variant_of(session, instance)
    instance.option_order = variants.option_order(variant)
    instance.grading = variants.grading_record(variant)
    session.add(instance)
    session.flush()
    return instance


def _check_may_start(session: Session, quiz: Quiz, *, user_id: int, now: datetime) -> None:
    if quiz.opens_at and now < quiz.opens_at:
        raise ConflictError(f"This quiz opens on {quiz.opens_at:%Y-%m-%d %H:%M} UTC.")
    if quiz.closes_at and now >= quiz.closes_at:
        raise ConflictError("This quiz is closed.")
    if quiz.attempts_allowed is not None:
        used = session.scalar(select(func.count()).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz.id, Attempt.mode == "quiz"))
        if (used or 0) >= quiz.attempts_allowed:
            raise ConflictError(f"You have used all {quiz.attempts_allowed} attempts.")


def get_attempt(session: Session, *, attempt_id: int, user_id: int) -> Attempt:
    """The attempt if it belongs to ``user_id`` (others' attempts look missing, never forbidden)."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFoundError(f"no attempt {attempt_id}")
    return attempt


@dataclass(frozen=True)
class QuestionView:
    """A question as its student may see it now: the public variant, plus the last submission,
    the solution and the expected answers only when the quiz settings allow."""

    question_id: int
    slot: int
    public: dict[str, Any]
    last: SubmissionView | None
    feedback_visible: bool
    solution_html: str | None
    expected_latex: dict[str, str] | None
    is_open: bool


def view_question(session: Session, instance: QuestionInstance) -> QuestionView:
    """``instance`` as its student may see it now."""
    return _view(session, instance, latest_submission(session, instance.id))


def _view(session: Session, instance: QuestionInstance, last: Submission | None) -> QuestionView:
    variant = variants.variant_of(session, instance)
    shown = variants.visibility(instance.attempt, submitted=last is not None)
    return QuestionView(
        question_id=instance.id,
        slot=instance.slot,
        public=variant.public_dict(),
        last=view_submission(last) if last else None,
        feedback_visible=shown.feedback,
        solution_html=variant.solution_html if shown.solution else None,
        expected_latex={p.part_id: p.expected_latex for p in variant.parts}
        if shown.solution else None,
        is_open=instance.attempt.finished_at is None,
    )


def view_attempt(session: Session, attempt: Attempt) -> list[QuestionView]:
    latest = latest_submissions(session, [q.id for q in attempt.questions])
    return [_view(session, q, latest.get(q.id)) for q in attempt.questions]


def finish_attempt(
    session: Session, *, attempt_id: int, user_id: int, now: datetime | None = None
) -> Attempt:
    """Close the attempt and score it: each question counts its latest submission (0..1).

    Finishing twice returns the first result. The attempt row is locked (``FOR UPDATE``) and
    re-read first: a submission in flight holds that lock from its open-check to its commit, so it
    is either counted here or refused (see ``submissions``).
    """
    attempt = get_attempt(session, attempt_id=attempt_id, user_id=user_id)
    session.scalar(select(Attempt).where(Attempt.id == attempt.id).with_for_update()
                   .execution_options(populate_existing=True))
    if attempt.finished_at is not None:
        return attempt
    total, questions = _latest_scores(session, attempt.id)
    attempt.score = round(total, 6)
    attempt.max_score = float(questions)
    attempt.finished_at = now or utcnow()
    return attempt


def _latest_scores(session: Session, attempt_id: int) -> tuple[float, int]:
    """(sum over the attempt's questions of their latest submission's score, question count),
    in one query whatever the number of questions."""
    latest = (select(func.max(Submission.id).label("id"))
              .join(QuestionInstance, QuestionInstance.id == Submission.question_instance_id)
              .where(QuestionInstance.attempt_id == attempt_id)
              .group_by(Submission.question_instance_id))
    questions = (select(func.count()).select_from(QuestionInstance)
                 .where(QuestionInstance.attempt_id == attempt_id).scalar_subquery())
    total, count = session.execute(select(
        select(func.coalesce(func.sum(Submission.score), 0.0))
        .where(Submission.id.in_(latest)).scalar_subquery(), questions)).one()
    return float(total), int(count)


def history(session: Session, *, user_id: int, quiz_id: str | None = None) -> list[Attempt]:
    """The user's quiz attempts, newest first."""
    query = select(Attempt).where(Attempt.user_id == user_id, Attempt.mode == "quiz")
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    return list(session.scalars(query.order_by(Attempt.id.desc())))


def recent_activity(session: Session, *, user_id: int, limit: int = 10) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.user_id == user_id)
                                .order_by(Submission.id.desc()).limit(limit)))
