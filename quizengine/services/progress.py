"""Progress summaries: a student's dashboard, and every student's progress for instructors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizengine.db.models import Attempt, Quiz, User
from quizengine.services import catalog
from quizengine.services.syllabus import WEEK_TITLES


@dataclass(frozen=True)
class QuizStatus:
    quiz: Quiz
    status: str  # "not started" | "in progress" | "done"
    best: float | None  # percent of the best finished attempt
    attempts: int
    open_attempt_id: int | None


@dataclass(frozen=True)
class Week:
    number: int
    title: str
    quizzes: list[QuizStatus]


def quiz_statuses(session: Session, *, user_id: int) -> dict[str, QuizStatus]:
    rows = session.scalars(select(Attempt).where(Attempt.user_id == user_id,
                                                 Attempt.mode == "quiz").order_by(Attempt.id))
    by_quiz: dict[str, list[Attempt]] = {}
    for attempt in rows:
        by_quiz.setdefault(attempt.quiz_id or "", []).append(attempt)
    result = {}
    for quiz in catalog.list_quizzes(session):
        result[quiz.id] = _status(quiz, by_quiz.get(quiz.id, []))
    return result


def _status(quiz: Quiz, attempts: list[Attempt]) -> QuizStatus:
    finished = [a for a in attempts if a.finished_at is not None and a.max_score]
    open_ones = [a for a in attempts if a.finished_at is None]
    best = max((100.0 * (a.score or 0.0) / (a.max_score or 1.0) for a in finished), default=None)
    status = "in progress" if open_ones else "done" if finished else "not started"
    return QuizStatus(quiz=quiz, status=status, best=round(best, 1) if best is not None else None,
                      attempts=len(attempts),
                      open_attempt_id=open_ones[-1].id if open_ones else None)


def weeks(session: Session, *, user_id: int) -> list[Week]:
    """The syllabus by week with this learner's status on each quiz."""
    statuses = quiz_statuses(session, user_id=user_id)
    grouped: dict[int, list[QuizStatus]] = {}
    for status in statuses.values():
        grouped.setdefault(status.quiz.week, []).append(status)
    return [Week(number, WEEK_TITLES.get(number, ""), grouped[number])
            for number in sorted(grouped)]


@dataclass(frozen=True)
class StudentProgress:
    user: User
    best: dict[str, float | None]  # quiz id -> best percent
    last_activity: datetime | None


def all_students(session: Session) -> list[StudentProgress]:
    """Each student's best score per quiz (for the instructors' progress table)."""
    result = []
    for user in session.scalars(select(User).where(User.role == "student")
                                .order_by(User.username)):
        statuses = quiz_statuses(session, user_id=user.id)
        last = session.scalar(select(Attempt.started_at).where(Attempt.user_id == user.id)
                              .order_by(Attempt.started_at.desc()).limit(1))
        result.append(StudentProgress(user=user, best={q: s.best for q, s in statuses.items()},
                                      last_activity=last))
    return result
