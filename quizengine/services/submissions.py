"""Validate and submit answers. A submission is stored exactly once per idempotency key.

Order of work in :func:`submit_answers`: look the key up (a retry returns the stored result), grade
with ``check`` outside any write, then lock the attempt row (``SELECT ... FOR UPDATE``), check it is
still open and insert, all in the caller's transaction: a finish (which takes the same lock) either
commits first, and we refuse, or waits for our commit and counts our submission. A concurrent twin
with the same key waits for the same lock, then finds our row by its key and replays it (the unique
(question_instance_id, idempotency_key) constraint stays as the last guard). The caller commits
before replying. Invalid input (unreadable, wrong names, timeout) is returned but never stored: it
costs the student nothing.

Grading reads what the question instance stored when it was served (``variants.grading_parts``),
so the variant is not regenerated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizengine.core import parsing
from quizengine.core.checking import check
from quizengine.core.errors import InputError
from quizengine.db.base import utcnow
from quizengine.db.models import Attempt, QuestionInstance, Submission, SubmissionPart, Template
from quizengine.services import mastery, variants
from quizengine.services.errors import ConflictError, NotFoundError, ValidationFailed
from quizengine.services.variants import GradingPart

MAX_ANSWER_LENGTH = 2000


@dataclass(frozen=True)
class PartResult:
    part_id: str
    verdict: str
    score: float
    feedback: str
    latex: str
    answer: str
    code: str = ""


@dataclass(frozen=True)
class SubmissionView:
    submission_id: int | None  # None: not stored (an answer was invalid)
    score: float | None
    parts: tuple[PartResult, ...]
    stored: bool
    replayed: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class Validation:
    valid: bool
    latex: str
    message: str


def own_question(session: Session, *, question_id: int, user_id: int) -> QuestionInstance:
    instance = session.get(QuestionInstance, question_id)
    if instance is None or instance.attempt.user_id != user_id:
        raise NotFoundError(f"no question {question_id}")
    return instance


def _part(parts: tuple[GradingPart, ...], part_id: str) -> GradingPart:
    for part in parts:
        if part.part_id == part_id:
            return part
    raise ValidationFailed(f"This question has no part {part_id!r}.", code="unknown_part")


def validate_answer(
    session: Session, *, question_id: int, user_id: int, part_id: str, answer: str
) -> Validation:
    """How ``answer`` reads for this part ("we read your answer as …"), without grading it."""
    instance = own_question(session, question_id=question_id, user_id=user_id)
    part = _part(variants.grading_parts(session, instance), part_id)
    if not answer.strip():
        return Validation(False, "", "Type an answer.")
    if len(answer) > MAX_ANSWER_LENGTH:
        return Validation(False, "", f"Answers are at most {MAX_ANSWER_LENGTH} characters.")
    if part.kind == "choice":
        ok = answer.strip() in set(part.choices)
        return Validation(ok, "", "" if ok else "Pick one of the options.")
    try:
        parsed = parsing.parse(answer, _parse_options(part))
    except InputError as error:
        caret = error.caret(answer)
        return Validation(False, "", f"{error.message}\n{caret}" if caret else error.message)
    return Validation(True, parsed.latex, " ".join(parsed.notes))


def _parse_options(part: GradingPart) -> parsing.ParseOptions:
    spec = part.spec
    names = spec.variables
    if names is None:
        free = getattr(part.expected, "free_symbols", None)
        names = tuple(str(s) for s in free) if free is not None else None
    return parsing.ParseOptions(
        variables=frozenset(names) if names is not None else None,
        allow_complex=spec.allow_complex,
        forbidden_functions=spec.forbidden_functions,
    )


def submit_answers(
    session: Session, *, question_id: int, user_id: int, answers: dict[str, str],
    idempotency_key: str, now: datetime | None = None,
) -> SubmissionView:
    """Grade and store one submission of every part of a question (see the module docstring)."""
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationFailed("An idempotency key of 1-64 characters is required.")
    instance = own_question(session, question_id=question_id, user_id=user_id)
    stored = _by_key(session, instance.id, idempotency_key)
    if stored is not None:
        return view_submission(stored, replayed=True)
    _check_open(instance, now or utcnow())
    parts = variants.grading_parts(session, instance)
    results = [_grade(part, answers.get(part.part_id, "")) for part in parts]
    if any(r.verdict == "invalid" for r in results):
        invalid = tuple(r for r in results if r.verdict == "invalid")
        return SubmissionView(submission_id=None, score=None, parts=invalid, stored=False)
    weights = {p.part_id: p.weight for p in parts}
    total = sum(weights.values()) or 1.0
    score = sum(r.score * weights[r.part_id] for r in results) / total
    _check_open(instance, now or utcnow(), session=session)
    # A twin request with the same key waited for our attempt lock and sees our row here (and
    # vice versa), so the insert needs no savepoint against the unique constraint.
    replay = _by_key(session, instance.id, idempotency_key)
    if replay is not None:
        return view_submission(replay, replayed=True)
    submission = _insert(session, instance=instance, user_id=user_id, key=idempotency_key,
                         score=score, results=results, now=now or utcnow())
    template = session.get(Template, instance.template_id)  # held: observe() gets it by key again
    skills = tuple(template.skills) if template else ()
    for result in results:
        mastery.observe(session, user_id=user_id, skills=skills, score=result.score,
                        now=submission.created_at, template_id=instance.template_id)
    return view_submission(submission)


def _check_open(instance: QuestionInstance, now: datetime, *,
                session: Session | None = None) -> None:
    """Refuse when the attempt is finished or the quiz closed. With ``session``, first lock the
    attempt row and re-read it (at insert time), so a concurrent finish cannot slip in between."""
    attempt = instance.attempt
    finished_at = attempt.finished_at
    if session is not None:
        finished_at = session.scalar(select(Attempt.finished_at).where(Attempt.id == attempt.id)
                                     .with_for_update())
    if finished_at is not None:
        raise ConflictError("This attempt is finished; start a new one to answer again.")
    if attempt.quiz is not None and attempt.quiz.closes_at and now >= attempt.quiz.closes_at:
        raise ConflictError("This quiz is closed.")


def _grade(part: GradingPart, answer: str) -> PartResult:
    if not answer.strip():
        return PartResult(part.part_id, "invalid", 0.0, "Please enter an answer.", "", answer)
    if len(answer) > MAX_ANSWER_LENGTH:
        return PartResult(part.part_id, "invalid", 0.0,
                          f"Answers are at most {MAX_ANSWER_LENGTH} characters.", "", answer)
    verdict = check(part.expected, answer, part.spec)
    return PartResult(part.part_id, verdict.verdict, float(verdict.score), verdict.feedback,
                      verdict.interpreted, answer, verdict.code)


def _insert(
    session: Session, *, instance: QuestionInstance, user_id: int, key: str, score: float,
    results: list[PartResult], now: datetime,
) -> Submission:
    submission = Submission(question_instance_id=instance.id, user_id=user_id,
                            idempotency_key=key, score=score, created_at=now)
    submission.parts = [
        SubmissionPart(part_id=r.part_id, raw_text=r.answer, reading_latex=r.latex,
                       verdict=r.verdict, code=r.code[:80], score=r.score, feedback=r.feedback)
        for r in results
    ]
    session.add(submission)
    session.flush()
    return submission


def _by_key(session: Session, question_id: int, key: str) -> Submission | None:
    return session.scalar(select(Submission).where(
        Submission.question_instance_id == question_id, Submission.idempotency_key == key))


def latest_submission(session: Session, question_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.question_instance_id == question_id)
                          .order_by(Submission.id.desc()).limit(1))


def view_submission(submission: Submission, *, replayed: bool = False) -> SubmissionView:
    parts = tuple(PartResult(p.part_id, p.verdict, p.score, p.feedback, p.reading_latex,
                             p.raw_text, p.code) for p in submission.parts)
    return SubmissionView(submission_id=submission.id, score=submission.score, parts=parts,
                          stored=True, replayed=replayed, created_at=submission.created_at)


def variant_skills(session: Session, instance: QuestionInstance) -> tuple[str, ...]:
    template = session.get(Template, instance.template_id)
    return tuple(template.skills) if template else ()
