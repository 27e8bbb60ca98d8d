"""Validate and submit answers. A submission is stored exactly once per idempotency key.

Order of work in :func:`submit_answers`, written for the hot path (a fixed, small number of plain
SQL statements, no ORM unit of work):

1. one read of the question, its attempt, quiz and template, the two Elo ratings, and a
   submission already stored under this idempotency key (a retry returns the stored result
   without grading again);
2. grade with ``check``, holding no lock;
3. insert the submission from a ``SELECT`` of its attempt that is still open, locking the
   attempt row (``FOR UPDATE``), with ``ON CONFLICT DO NOTHING`` on (question, key), in one
   statement: a finish (which takes the same lock) either committed first, so no row is
   inserted and we refuse, or waits for our commit and counts our submission; a concurrent twin
   with the same key waited for our lock, so its insert finds our committed row and it replays
   it;
4. the parts and the mastery updates (``mastery_updates``), in the same transaction, sent
   together (``db.pipeline``: one round trip to PostgreSQL).

The caller commits before replying. Invalid input (unreadable, wrong names, timeout) is returned
but never stored: it costs the student nothing. Grading reads what the question instance stored
when it was served (``variants.grading_parts``), so the variant is not regenerated here; the
parts are remembered per process (:func:`served_parts`), so a repeated preview reads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, and_, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from quizengine.core import parsing
from quizengine.core.checking import check
from quizengine.core.errors import InputError
from quizengine.db.base import utcnow
from quizengine.db.memo import memo
from quizengine.db.models import (
    Attempt,
    ItemRating,
    LearnerAbility,
    QuestionInstance,
    Quiz,
    Submission,
    SubmissionPart,
    Template,
)
from quizengine.db.pipeline import Write, execute_writes
from quizengine.db.upsert import insert_ignoring_conflicts
from quizengine.services import mastery_updates, variants
from quizengine.services.errors import ConflictError, NotFoundError, ValidationFailed
from quizengine.services.variants import GradingPart, Visibility

MAX_ANSWER_LENGTH = 2000
MAX_KEY_LENGTH = 64

_INSTANCE: Table = QuestionInstance.__table__  # type: ignore[assignment]
_ATTEMPT: Table = Attempt.__table__  # type: ignore[assignment]
_QUIZ: Table = Quiz.__table__  # type: ignore[assignment]
_TEMPLATE: Table = Template.__table__  # type: ignore[assignment]
_SUBMISSION: Table = Submission.__table__  # type: ignore[assignment]
_PART: Table = SubmissionPart.__table__  # type: ignore[assignment]
_ABILITY: Table = LearnerAbility.__table__  # type: ignore[assignment]
_ITEM: Table = ItemRating.__table__  # type: ignore[assignment]


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
    feedback_visible: bool = True  # the quiz shows verdicts once submitted


@dataclass(frozen=True)
class Validation:
    valid: bool
    latex: str
    message: str


@dataclass(frozen=True)
class QuestionContext:
    """What validating and grading one served question need, read in one query."""

    id: int
    attempt_id: int
    template_id: str
    version: int
    seed: int
    grading: dict[str, Any] | None
    mode: str
    finished: bool
    closes_at: datetime | None
    feedback_when: str | None
    solutions_when: str | None
    skills: tuple[str, ...]
    difficulty: int
    stored_id: int | None  # the submission already stored under the request's key
    elo: mastery_updates.EloStart  # the learner's ability and the template's rating now

    def visibility(self, *, submitted: bool) -> Visibility:
        return variants.visibility_rules(
            mode=self.mode, feedback_when=self.feedback_when, solutions_when=self.solutions_when,
            finished=self.finished, submitted=submitted)


def _context_statement() -> Select[Any]:
    i, a, q, t, s = _INSTANCE.c, _ATTEMPT.c, _QUIZ.c, _TEMPLATE.c, _SUBMISSION.c
    ability, item = _ABILITY.c, _ITEM.c
    return (select(i.id, i.attempt_id, i.template_id, i.version, i.seed, i.grading, a.mode,
                   a.finished_at, q.closes_at, q.feedback_when, q.solutions_when, t.skills,
                   t.difficulty, s.id.label("stored_id"), ability.ability,
                   ability.answers.label("ability_answers"), item.rating,
                   item.answers.label("rating_answers"))
            .join(_ATTEMPT, a.id == i.attempt_id)
            .join(_TEMPLATE, t.id == i.template_id)
            .outerjoin(_QUIZ, q.id == a.quiz_id)
            .outerjoin(_SUBMISSION, and_(s.question_instance_id == i.id,
                                         s.idempotency_key == bindparam("key")))
            .outerjoin(_ABILITY, ability.user_id == a.user_id)
            .outerjoin(_ITEM, item.template_id == i.template_id)
            .where(i.id == bindparam("question_id"), a.user_id == bindparam("user_id")))


# Built once: the hot path's statements are only bound and executed (half the cost of building
# them per request).
_CONTEXT = _context_statement()
_NEW_SUBMISSION_COLUMNS = ("question_instance_id", "user_id", "idempotency_key", "score",
                           "created_at")
# The new submission's values, selected from its attempt row when that is still open (locked).
_WHILE_OPEN = (select(*(bindparam(name, type_=_SUBMISSION.c[name].type)
                        for name in _NEW_SUBMISSION_COLUMNS))
               .select_from(_ATTEMPT)
               .where(_ATTEMPT.c.id == bindparam("attempt_id"), _ATTEMPT.c.finished_at.is_(None))
               .with_for_update())
_STORED_ID = select(_SUBMISSION.c.id).where(
    _SUBMISSION.c.question_instance_id == bindparam("question_id"),
    _SUBMISSION.c.idempotency_key == bindparam("key"))
_INSERT_PARTS = _PART.insert().inline()
_SERVED = (select(_INSTANCE.c.template_id, _INSTANCE.c.version, _INSTANCE.c.seed,
                  _INSTANCE.c.grading)
           .join(_ATTEMPT, _ATTEMPT.c.id == _INSTANCE.c.attempt_id)
           .where(_INSTANCE.c.id == bindparam("question_id"),
                  _ATTEMPT.c.user_id == bindparam("user_id")))


def question_context(session: Session, *, question_id: int, user_id: int,
                     idempotency_key: str = "") -> QuestionContext:
    """The question ``question_id`` of ``user_id`` (NotFoundError for anyone else's), its
    attempt, quiz settings and template, the two Elo ratings, and the id of a submission stored
    under the key."""
    row = session.execute(_CONTEXT, {"question_id": question_id, "user_id": user_id,
                                     "key": idempotency_key}).first()
    if row is None:
        raise NotFoundError(f"no question {question_id}")
    return QuestionContext(
        id=row.id, attempt_id=row.attempt_id, template_id=row.template_id, version=row.version,
        seed=row.seed, grading=row.grading, mode=row.mode, finished=row.finished_at is not None,
        closes_at=row.closes_at, feedback_when=row.feedback_when,
        solutions_when=row.solutions_when, skills=tuple(row.skills or ()),
        difficulty=row.difficulty, stored_id=row.stored_id,
        elo=mastery_updates.EloStart(row.ability, row.ability_answers, row.rating,
                                     row.rating_answers))


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
    part = _part(served_parts(session, question_id, user_id), part_id)
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


PARTS_REMEMBERED = 20_000


def served_parts(session: Session, question_id: int, user_id: int,
                 context: QuestionContext | None = None) -> tuple[GradingPart, ...]:
    """The parts of the served question ``question_id`` of ``user_id``, as graded (NotFoundError
    for anyone else's); ``context``: that question, already read. What a question was served
    with, and whose it is, never change, so this process remembers the parts: a live preview
    asks again at every pause in typing, and then needs no database at all."""
    remembered = memo(session, "served parts", PARTS_REMEMBERED)
    parts: tuple[GradingPart, ...] | None = remembered.get((question_id, user_id))
    if parts is None:
        served = context if context is not None else session.execute(
            _SERVED, {"question_id": question_id, "user_id": user_id}).first()
        if served is None:
            raise NotFoundError(f"no question {question_id}")
        parts = variants.grading_parts(session, served)
        remembered.put((question_id, user_id), parts)
    return parts


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
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        raise ValidationFailed("An idempotency key of 1-64 characters is required.")
    now = now or utcnow()
    context = question_context(session, question_id=question_id, user_id=user_id,
                               idempotency_key=idempotency_key)
    shown = context.visibility(submitted=True).feedback
    if context.stored_id is not None:
        return _replay(session, context.stored_id, shown)
    _check_open(context.finished, context, now)
    parts = served_parts(session, question_id, user_id, context)
    results = [_grade(part, answers.get(part.part_id, "")) for part in parts]
    if any(r.verdict == "invalid" for r in results):
        invalid = tuple(r for r in results if r.verdict == "invalid")
        return SubmissionView(submission_id=None, score=None, parts=invalid, stored=False,
                              feedback_visible=shown)
    weights = {p.part_id: p.weight for p in parts}
    score = sum(r.score * weights[r.part_id] for r in results) / (sum(weights.values()) or 1.0)
    submission_id = session.execute(_insert_while_open(session), {
        "attempt_id": context.attempt_id, "question_instance_id": context.id, "user_id": user_id,
        "idempotency_key": idempotency_key, "score": score, "created_at": now,
    }).scalar_one_or_none()
    if submission_id is None:  # a twin with the same key committed first, or a finish did
        stored = session.execute(_STORED_ID, {"question_id": context.id,
                                              "key": idempotency_key}).scalar_one_or_none()
        if stored is None:
            raise ConflictError(_FINISHED)
        return _replay(session, stored, shown)
    writes: list[Write] = [(_INSERT_PARTS, [
        {"submission_id": submission_id, "part_id": r.part_id, "raw_text": r.answer,
         "reading_latex": r.latex, "verdict": r.verdict, "code": r.code[:80], "score": r.score,
         "feedback": r.feedback} for r in results])]
    writes += mastery_updates.plan_answers(
        session, user_id=user_id, template_id=context.template_id, skills=context.skills,
        difficulty=context.difficulty, scores=[r.score for r in results], now=now,
        elo=context.elo)
    execute_writes(session, writes)
    return SubmissionView(submission_id=submission_id, score=score, parts=tuple(results),
                          stored=True, created_at=now, feedback_visible=shown)


_FINISHED = "This attempt is finished; start a new one to answer again."


def _check_open(finished: bool, context: QuestionContext, now: datetime) -> None:
    """Refuse when the attempt is finished or the quiz closed."""
    if finished:
        raise ConflictError(_FINISHED)
    if context.closes_at is not None and now >= context.closes_at:
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


def _insert_while_open(session: Session) -> Insert:
    """The submission insert: only while its attempt is open (locking it), skipping a
    (question, key) already stored; returns the new id (built once per dialect)."""
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        _INSERTS[dialect] = (insert_ignoring_conflicts(
            session, _SUBMISSION, ("question_instance_id", "idempotency_key"))
            .from_select(_NEW_SUBMISSION_COLUMNS, _WHILE_OPEN)
            .returning(_SUBMISSION.c.id))
    return _INSERTS[dialect]


_INSERTS: dict[str, Insert] = {}


def _replay(session: Session, submission_id: int, feedback_visible: bool) -> SubmissionView:
    submission = session.get(Submission, submission_id)
    assert submission is not None
    return view_submission(submission, replayed=True, feedback_visible=feedback_visible)


def latest_submission(session: Session, question_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.question_instance_id == question_id)
                          .order_by(Submission.id.desc()).limit(1))


def latest_submissions(session: Session, question_ids: list[int]) -> dict[int, Submission]:
    """The latest submission of each of ``question_ids`` that has one, in one query."""
    if not question_ids:
        return {}
    latest = (select(func.max(Submission.id))
              .where(Submission.question_instance_id.in_(question_ids))
              .group_by(Submission.question_instance_id))
    rows = session.scalars(select(Submission).where(Submission.id.in_(latest)))
    return {row.question_instance_id: row for row in rows}


def view_submission(submission: Submission, *, replayed: bool = False,
                    feedback_visible: bool = True) -> SubmissionView:
    parts = tuple(PartResult(p.part_id, p.verdict, p.score, p.feedback, p.reading_latex,
                             p.raw_text, p.code) for p in submission.parts)
    return SubmissionView(submission_id=submission.id, score=submission.score, parts=parts,
                          stored=True, replayed=replayed, created_at=submission.created_at,
                          feedback_visible=feedback_visible)
