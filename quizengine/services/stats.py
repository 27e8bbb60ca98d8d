"""Item statistics per template: attempts, facility, discrimination, common wrong answers.

Facility index = mean item score (0..1). Discrimination index = Pearson correlation between the
item score and the total score of the attempt it appeared in (finished quiz attempts only; None
when fewer than 3 such attempts or no variance). Each question's score is its latest submission.

Difficulty from the data: the template's Elo rating (logits harder than an average item of its
skills; updated after every graded part, quiz or practice), its level 1..3 on the author's scale
(levels are ``DIFFICULTY_STEP`` logits apart, so the boundaries lie half a step from 0), and the
predicted success of an *average learner*: ability 0 and P(known) = 0.5 on each of its skills.
Templates nobody has answered show the prior from the author difficulty.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizengine.core import mastery as core
from quizengine.db.models import (
    Attempt,
    ItemRating,
    QuestionInstance,
    Submission,
    SubmissionPart,
    Template,
)
from quizengine.services.mastery import fitted_params

LEVELS = {1: "easier", 2: "medium", 3: "harder"}


@dataclass(frozen=True)
class ItemStats:
    template_id: str
    served: int
    answered: int
    facility: float | None
    discrimination: float | None
    common_wrong: list[tuple[str, str, int]]  # (part_id, answer, count)
    difficulty: Difficulty | None = None


@dataclass(frozen=True)
class Difficulty:
    """A template's difficulty as the answers show it (see the module docstring)."""

    rating: float
    answers: int  # graded parts behind the rating; 0: the author's prior
    level: int  # 1..3
    author_level: int
    predicted_success: float

    @property
    def label(self) -> str:
        return LEVELS[self.level]


def level_of(rating: float) -> int:
    """The author-scale level 1..3 nearest to ``rating``.

    >>> [level_of(r) for r in (-0.6, -0.29, 0.0, 0.31, 2.0)]
    [1, 2, 2, 3, 3]
    """
    half = core.DIFFICULTY_STEP / 2
    return 1 if rating < -half else 3 if rating > half else 2


def difficulties(session: Session, templates: list[Template]) -> dict[str, Difficulty]:
    """Per template, its rating (one query for all) and what it predicts."""
    stored = {row.template_id: row for row in session.scalars(
        select(ItemRating).where(ItemRating.template_id.in_([t.id for t in templates])))}
    params = fitted_params(session)
    out = {}
    for template in templates:
        row = stored.get(template.id)
        rating = row.rating if row else core.initial_item_rating(template.difficulty).value
        item = core.Item(template.id, tuple(template.skills), template.difficulty, rating)
        average = core.predict_item(item, dict.fromkeys(item.skills, 0.5), params=params)
        out[template.id] = Difficulty(rating=rating, answers=row.answers if row else 0,
                                      level=level_of(rating), author_level=template.difficulty,
                                      predicted_success=average)
    return out


def item_stats(session: Session, *, quiz_id: str) -> list[ItemStats]:
    """Statistics of every template of ``quiz_id`` or served in its attempts, with difficulty."""
    instances = list(session.scalars(
        select(QuestionInstance).join(Attempt).where(Attempt.quiz_id == quiz_id,
                                                     Attempt.mode == "quiz")))
    latest: dict[int, float] = {}
    for sub in session.scalars(select(Submission).join(QuestionInstance).join(Attempt)
                               .where(Attempt.quiz_id == quiz_id).order_by(Submission.id)):
        latest[sub.question_instance_id] = sub.score
    templates = list(session.scalars(select(Template).where(Template.quiz_id == quiz_id)))
    by_template: dict[str, list[QuestionInstance]] = {t.id: [] for t in templates}
    for instance in instances:
        by_template.setdefault(instance.template_id, []).append(instance)
    known = {t.id for t in templates}
    templates += [t for t in session.scalars(select(Template).where(
        Template.id.in_(set(by_template) - known)))]
    rated = difficulties(session, templates)
    return [replace(_stats(session, template_id, group, latest), difficulty=rated.get(template_id))
            for template_id, group in sorted(by_template.items())]


def _stats(session: Session, template_id: str, group: list[QuestionInstance],
           latest: dict[int, float]) -> ItemStats:
    answered = [i for i in group if i.id in latest]
    scores = [latest[i.id] for i in answered]
    pairs = [(latest[i.id], i.attempt.score or 0.0) for i in answered
             if i.attempt.finished_at is not None]
    return ItemStats(
        template_id=template_id, served=len(group), answered=len(answered),
        facility=round(statistics.fmean(scores), 3) if scores else None,
        discrimination=_correlation(pairs),
        common_wrong=_common_wrong(session, [i.id for i in group]),
    )


def _correlation(pairs: list[tuple[float, float]]) -> float | None:
    if len(pairs) < 3:
        return None
    items, totals = zip(*pairs, strict=True)
    if len(set(items)) < 2 or len(set(totals)) < 2:
        return None
    return round(statistics.correlation(items, totals), 3)


def _common_wrong(session: Session, instance_ids: list[int], top: int = 5
                  ) -> list[tuple[str, str, int]]:
    if not instance_ids:
        return []
    answers = session.execute(
        select(SubmissionPart.part_id, SubmissionPart.raw_text).join(Submission)
        .where(Submission.question_instance_id.in_(instance_ids),
               SubmissionPart.verdict == "incorrect"))
    counts = Counter((part, " ".join(text.split())) for part, text in answers)
    return [(part, text, n) for (part, text), n in counts.most_common(top)]
