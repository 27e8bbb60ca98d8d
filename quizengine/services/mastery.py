"""Skill mastery per learner: BKT and Elo updates after each graded part, the learner's estimates
and their history, and refitting the per-skill parameters from stored submissions.

Parameters: a ``skill_param`` row (written by :func:`refit_params`, ``quizengine mastery fit``)
wins; a skill without one uses the core's per-skill defaults (``core.mastery.params_for``).

After a graded part (:func:`observe`): the learner's skills move by BKT, with the item's offset
(template rating - learner ability) as the core prescribes; then the Elo ratings of the template and
the learner move by the surprise against the BKT prediction, so the rating holds only what mastery
does not explain. Every new estimate is also kept in ``mastery_history``.

Concurrency: the learner's rows are locked (``FOR UPDATE``; only that learner's requests wait).
The template's rating is shared by every student answering it, so it is *not* locked: the update
is an atomic delta (``rating = rating + :delta, answers = answers + 1``) computed from the rating
read without a lock. Two concurrent answers may both compute their delta from the same rating;
both deltas are applied, only their sizes are slightly stale, which Elo tolerates (each step is
small and the next answers correct it). Skill parameters are read once per process and kept
``PARAMS_TTL_SECONDS`` (a refit in another process shows within that time).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from quizengine.core import mastery as core
from quizengine.db.base import Base
from quizengine.db.models import (
    ItemRating,
    LearnerAbility,
    MasteryHistory,
    QuestionInstance,
    SkillMastery,
    SkillParam,
    Submission,
    SubmissionPart,
    Template,
)
from quizengine.services import audit

HISTORY_POINTS = 30  # estimates per skill shown in a learner's history plot
Row = TypeVar("Row", bound=Base)


def fitted_params(session: Session) -> dict[str, core.BKTParams]:
    """Parameters stored in ``skill_param``; skills missing use the core's defaults."""
    return {
        row.skill: core.BKTParams(p_init=row.p_init, p_transit=row.p_transit, guess=row.p_guess,
                                  slip=row.p_slip, p_forget=row.p_forget)
        for row in session.scalars(select(SkillParam))
    }


PARAMS_TTL_SECONDS = 30.0
_params_cache: dict[str, tuple[float, dict[str, core.BKTParams]]] = {}


def cached_params(session: Session) -> dict[str, core.BKTParams]:
    """:func:`fitted_params`, read at most once per ``PARAMS_TTL_SECONDS`` per process and
    database (the hot path of every submission; parameters change only on a refit)."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    hit = _params_cache.get(key)
    if hit is not None and now - hit[0] < PARAMS_TTL_SECONDS:
        return hit[1]
    params = fitted_params(session)
    _params_cache[key] = (now, params)
    return params


def clear_params_cache() -> None:
    """Forget cached parameters (after a refit here; tests that empty the tables)."""
    _params_cache.clear()


def learner_ability(session: Session, user_id: int) -> float:
    """The learner's Elo ability (0.0 before any graded answer)."""
    return session.scalar(select(LearnerAbility.ability)
                          .where(LearnerAbility.user_id == user_id)) or 0.0


def observe(
    session: Session, *, user_id: int, skills: tuple[str, ...], score: float, now: datetime,
    template_id: str,
) -> None:
    """Update the learner's ``skills``, their ability and the template's rating after one graded
    part scored ``score`` (0..1) at ``now``.
    """
    score = min(max(score, 0.0), 1.0)
    template = session.get(Template, template_id)
    fitted = cached_params(session)
    rows = _mastery_rows(session, user_id, skills, fitted)
    learner, item_row = _rating_rows(session, user_id, template)
    item = core.Item(template_id="", skills=skills,
                     rating=item_row.rating if item_row is not None else 0.0)
    states = {s: _state(row) for s, row in rows.items()}
    current = core.current_masteries(states, skills, now=now, params=fitted)
    expected = core.predict_item(item, current, params=fitted, ability=learner.ability)
    updated = core.observe_item(states, item, score, now=now, params=fitted,
                                ability=learner.ability)
    for skill, row in rows.items():
        new = updated[skill]
        row.p_mastery, row.attempts, row.updated_at = new.mastery, new.attempts, now
        session.add(MasteryHistory(user_id=user_id, skill=skill, p_mastery=new.mastery, at=now))
    if item_row is not None:
        moved = core.elo_update(core.EloRating(learner.ability, learner.answers),
                                core.EloRating(item_row.rating, item_row.answers), score,
                                expected=expected)
        learner.ability, learner.answers = moved.learner.value, moved.learner.count
        _move_item(session, item_row, moved.item.value - item_row.rating)
    session.flush()


def _move_item(session: Session, row: ItemRating, delta: float) -> None:
    """Add ``delta`` to the template's rating and count the answer, atomically and without a
    row lock held until commit (see the module docstring); ``row`` takes the stored values."""
    rating, answers = session.execute(
        update(ItemRating).where(ItemRating.template_id == row.template_id)
        .values(rating=ItemRating.rating + delta, answers=ItemRating.answers + 1)
        .returning(ItemRating.rating, ItemRating.answers)
        .execution_options(synchronize_session=False)).one()
    set_committed_value(row, "rating", rating)
    set_committed_value(row, "answers", answers)


def _rating_rows(
    session: Session, user_id: int, template: Template | None
) -> tuple[LearnerAbility, ItemRating | None]:
    """The learner's Elo row (locked) and the template's (read without a lock); created at 0
    and at the author prior."""
    learner = _get_or_create(session, LearnerAbility(user_id=user_id, ability=0.0, answers=0),
                             select(LearnerAbility).where(LearnerAbility.user_id == user_id))
    if template is None:
        return learner, None
    prior = core.initial_item_rating(template.difficulty).value
    item = _get_or_create(session, ItemRating(template_id=template.id, rating=prior, answers=0),
                          select(ItemRating).where(ItemRating.template_id == template.id),
                          lock=False)
    return learner, item


def _state(row: SkillMastery) -> core.SkillState:
    return core.SkillState(row.skill, row.p_mastery, row.attempts,
                           row.updated_at if row.attempts else None)


def _mastery_rows(
    session: Session, user_id: int, skills: Sequence[str], fitted: Mapping[str, core.BKTParams]
) -> dict[str, SkillMastery]:
    """The learner's rows for ``skills``, locked (in skill order, so no deadlock) and created."""
    query = (select(SkillMastery)
             .where(SkillMastery.user_id == user_id, SkillMastery.skill.in_(skills))
             .order_by(SkillMastery.skill).with_for_update())
    rows = {row.skill: row for row in session.scalars(query)}
    for skill in sorted(set(skills) - rows.keys()):
        fresh = SkillMastery(user_id=user_id, skill=skill, attempts=0,
                             p_mastery=core.params_for(skill, fitted).p_init)
        rows[skill] = _get_or_create(session, fresh, select(SkillMastery).where(
            SkillMastery.user_id == user_id, SkillMastery.skill == skill))
    return rows


def _get_or_create(session: Session, fresh: Row, query: Select[Row], *, lock: bool = True) -> Row:
    """The row ``query`` finds (locked for update unless ``lock`` is False), else ``fresh``
    inserted in a savepoint; when a concurrent transaction inserted the same key first, ours fails
    on the key and we read theirs."""
    if lock:
        query = query.with_for_update()
    row = session.scalar(query.execution_options(populate_existing=True))
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(fresh)
    except IntegrityError:
        found = session.scalar(query)
        assert found is not None
        return found
    return fresh


@dataclass(frozen=True)
class SkillEstimate:
    skill: str
    mastery: float
    attempts: int
    title: str = ""


def learner_mastery(session: Session, *, user_id: int, now: datetime) -> list[SkillEstimate]:
    """Every syllabus skill in syllabus order with the learner's estimate now (forgetting applied,
    the prior ``p_init`` when never practised)."""
    states = {row.skill: _state(row) for row in session.scalars(
        select(SkillMastery).where(SkillMastery.user_id == user_id))}
    report = core.mastery_report(states, now=now, params=fitted_params(session))
    return [SkillEstimate(r.skill, r.mastery, r.attempts, r.title) for r in report]


def learner_states(session: Session, user_id: int) -> dict[str, core.SkillState]:
    """The learner's stored states, as the core's selection takes them (one query)."""
    return {row.skill: _state(row) for row in session.scalars(
        select(SkillMastery).where(SkillMastery.user_id == user_id))}


def mastery_history(
    session: Session, *, user_id: int, points: int = HISTORY_POINTS
) -> dict[str, list[float]]:
    """Per skill, the learner's last ``points`` estimates in time order (one query)."""
    newest = func.row_number().over(partition_by=MasteryHistory.skill,
                                    order_by=(MasteryHistory.at.desc(), MasteryHistory.id.desc()))
    ranked = (select(MasteryHistory.skill, MasteryHistory.p_mastery, MasteryHistory.at,
                     MasteryHistory.id, newest.label("rank"))
              .where(MasteryHistory.user_id == user_id).subquery())
    rows = session.execute(select(ranked.c.skill, ranked.c.p_mastery)
                           .where(ranked.c.rank <= points)
                           .order_by(ranked.c.skill, ranked.c.at, ranked.c.id))
    history: dict[str, list[float]] = {}
    for skill, value in rows:
        history.setdefault(skill, []).append(value)
    return history


@dataclass(frozen=True)
class Sparkline:
    """A small line plot of values in 0..1: SVG ``points`` within ``width`` × ``height``."""

    points: str
    width: int
    height: int
    latest: float


def sparkline(values: Sequence[float], *, width: int = 80, height: int = 20,
              pad: float = 1.5) -> Sparkline | None:
    """The polyline of ``values`` (0 at the bottom, 1 at the top), or None without values.

    >>> sparkline([0.2, 0.5, 1.0], width=40, height=10, pad=0).points
    '0.0,8.0 20.0,5.0 40.0,0.0'
    >>> sparkline([0.5], width=40, height=10, pad=0).points
    '0.0,5.0 40.0,5.0'
    """
    if not values:
        return None
    shown = list(values) if len(values) > 1 else [values[0], values[0]]
    step = (width - 2 * pad) / (len(shown) - 1)
    span = height - 2 * pad
    points = " ".join(f"{pad + i * step:.1f},{pad + (1.0 - min(max(v, 0.0), 1.0)) * span:.1f}"
                      for i, v in enumerate(shown))
    return Sparkline(points=points, width=width, height=height, latest=values[-1])


@dataclass(frozen=True)
class FitRow:
    """One skill after a refit: its parameters now, the sequences behind them, and whether they
    were fitted (False: too few sequences, the stored or default parameters stay)."""

    skill: str
    params: core.BKTParams
    sequences: int
    fitted: bool


def score_sequences(session: Session) -> dict[str, list[list[float]]]:
    """Per skill, one sequence per learner: the scores of their graded parts in time order."""
    rows = session.execute(
        select(Submission.user_id, Template.skills, SubmissionPart.score)
        .join(SubmissionPart, SubmissionPart.submission_id == Submission.id)
        .join(QuestionInstance, QuestionInstance.id == Submission.question_instance_id)
        .join(Template, Template.id == QuestionInstance.template_id)
        .where(SubmissionPart.verdict != "invalid")
        .order_by(Submission.user_id, Submission.created_at, Submission.id, SubmissionPart.id))
    by_skill: dict[str, dict[int, list[float]]] = {}
    for user_id, skills, score in rows:
        for skill in skills:
            by_skill.setdefault(skill, {}).setdefault(user_id, []).append(float(score))
    return {skill: list(seqs.values()) for skill, seqs in by_skill.items()}


def refit_params(
    session: Session, *, seed: int = 0, min_sequences: int = 1, actor_id: int | None = None
) -> list[FitRow]:
    """Refit every skill with at least ``min_sequences`` learners by EM (``fit_bkt``, seeded, so
    reproducible), store the results in ``skill_param`` and record an audit event.

    Returns every syllabus skill (then any other skill the data names), in syllabus order.
    """
    sequences = score_sequences(session)
    usable = {skill: seqs for skill, seqs in sequences.items() if len(seqs) >= min_sequences}
    fitted = core.fit_bkt(usable, seed=seed)
    for skill, params in fitted.items():
        row = session.get(SkillParam, skill) or SkillParam(skill=skill)
        row.p_init, row.p_transit, row.p_guess, row.p_slip, row.p_forget = (
            params.p_init, params.p_transit, params.guess, params.slip, params.p_forget)
        session.add(row)
    clear_params_cache()
    stored = {**fitted_params(session), **fitted}
    skills = [*core.SKILLS, *sorted(set(sequences) - set(core.SKILLS))]
    rows = [FitRow(skill, core.params_for(skill, stored), len(sequences.get(skill, ())),
                   skill in fitted) for skill in skills]
    audit.record(session, user_id=actor_id, action="mastery.fit", target_type="skill_param",
                 target_id="*", detail={"seed": seed, "min_sequences": min_sequences, "fitted": {
                     r.skill: {**r.params.to_dict(), "sequences": r.sequences}
                     for r in rows if r.fitted}})
    session.flush()
    return rows
