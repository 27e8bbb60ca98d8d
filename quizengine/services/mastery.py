"""Skill mastery per learner: the learner's estimates and their history, and refitting the
per-skill parameters from stored submissions.

Parameters: a ``skill_param`` row (written by :func:`refit_params`, ``quizengine mastery fit``)
wins; a skill without one uses the core's per-skill defaults (``core.mastery.params_for``).

After a graded submission, ``mastery_updates.observe_answers`` moves the learner's skills by BKT
and the Elo ratings of the learner and the template (the write path, kept apart for speed).
Skill parameters are read once per process and kept ``PARAMS_TTL_SECONDS`` (a refit in another
process shows within that time).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizengine.core import mastery as core
from quizengine.db.models import (
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


def _state(row: SkillMastery) -> core.SkillState:
    return core.SkillState(row.skill, row.p_mastery, row.attempts,
                           row.updated_at if row.attempts else None)


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
