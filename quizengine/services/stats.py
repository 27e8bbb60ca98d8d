"""Item statistics per template: attempts, facility, discrimination, common wrong answers.

Facility index = mean item score (0..1). Discrimination index = Pearson correlation between the
item score and the total score of the attempt it appeared in (finished quiz attempts only; None
when fewer than 3 such attempts or no variance). Each question's score is its latest submission.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizengine.db.models import Attempt, QuestionInstance, Submission, SubmissionPart


@dataclass(frozen=True)
class ItemStats:
    template_id: str
    served: int
    answered: int
    facility: float | None
    discrimination: float | None
    common_wrong: list[tuple[str, str, int]]  # (part_id, answer, count)


def item_stats(session: Session, *, quiz_id: str) -> list[ItemStats]:
    """Statistics of every template served in ``quiz_id``'s attempts."""
    instances = list(session.scalars(
        select(QuestionInstance).join(Attempt).where(Attempt.quiz_id == quiz_id,
                                                     Attempt.mode == "quiz")))
    latest: dict[int, float] = {}
    for sub in session.scalars(select(Submission).join(QuestionInstance).join(Attempt)
                               .where(Attempt.quiz_id == quiz_id).order_by(Submission.id)):
        latest[sub.question_instance_id] = sub.score
    by_template: dict[str, list[QuestionInstance]] = {}
    for instance in instances:
        by_template.setdefault(instance.template_id, []).append(instance)
    return [_stats(session, template_id, group, latest)
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
