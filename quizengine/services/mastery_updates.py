"""The write path of mastery: after a graded submission, move the learner's skills (BKT), their
Elo ability and the template's Elo rating, and keep every new estimate in ``mastery_history``.

This runs inside every submit, so it is written for the hot path: plain SQL statements on the
tables (no ORM unit of work), a fixed number of them whatever the number of parts (one read, four
writes when the caller already read the two Elo ratings, as the submit does in its first query; a
first answer adds the inserts of the learner's new rows), all parts applied in memory in order,
as if observed one after the other. :func:`plan_answers` returns the four writes, so that the
submit sends them with its own in one round trip (``db.pipeline``); :func:`observe_answers`
executes them at once.

Concurrency: the learner's skill rows are locked (``FOR UPDATE``, in skill order, so no deadlock;
only that learner's requests wait): a BKT step is not additive. The two Elo ratings (the
learner's ability, the template's rating, which every student answering it shares) are read
without a lock and moved by atomic deltas (``rating = rating + :delta``), the template's as the
transaction's last statement, so the row lock that the update takes is held only until the commit
that follows. Two concurrent answers may compute their deltas from the same rating; both are
applied, only their sizes are slightly stale, which Elo tolerates (each step is small and the next
answers correct it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from quizengine.core import mastery as core
from quizengine.db.models import ItemRating, LearnerAbility, MasteryHistory, SkillMastery
from quizengine.db.pipeline import Write, execute_writes
from quizengine.db.upsert import insert_ignoring_conflicts
from quizengine.services.mastery import cached_params

_SKILL: Table = SkillMastery.__table__  # type: ignore[assignment]
_ABILITY: Table = LearnerAbility.__table__  # type: ignore[assignment]
_ITEM: Table = ItemRating.__table__  # type: ignore[assignment]
_HISTORY: Table = MasteryHistory.__table__  # type: ignore[assignment]

# Built once, bound per call (the hot path of every submission).
_SKILL_ROWS = (select(_SKILL.c.id, _SKILL.c.skill, _SKILL.c.p_mastery, _SKILL.c.attempts,
                      _SKILL.c.updated_at)
               .where(_SKILL.c.user_id == bindparam("user_id"),
                      _SKILL.c.skill.in_(bindparam("skills", expanding=True)))
               .order_by(_SKILL.c.skill).with_for_update())
_WRITE_SKILL = (update(_SKILL).where(_SKILL.c.id == bindparam("row_id"))
                .values(p_mastery=bindparam("new_mastery"), attempts=bindparam("new_attempts"),
                        updated_at=bindparam("moved_at")))
_INSERT_HISTORY = _HISTORY.insert().inline()
_MOVE_ABILITY = (update(_ABILITY).where(_ABILITY.c.user_id == bindparam("learner"))
                 .values(ability=_ABILITY.c.ability + bindparam("delta"),
                         answers=_ABILITY.c.answers + bindparam("count"),
                         updated_at=bindparam("moved_at")))
_MOVE_ITEM = (update(_ITEM).where(_ITEM.c.template_id == bindparam("template"))
              .values(rating=_ITEM.c.rating + bindparam("delta"),
                      answers=_ITEM.c.answers + bindparam("count"),
                      updated_at=bindparam("moved_at")))


@dataclass(frozen=True)
class EloStart:
    """The two Elo ratings before an answer, as stored (None: no row yet)."""

    ability: float | None
    ability_answers: int | None
    rating: float | None
    rating_answers: int | None


def elo_start(session: Session, *, user_id: int, template_id: str) -> EloStart:
    """Read the learner's ability and the template's rating (no lock; see the docstring)."""
    ability = session.execute(select(_ABILITY.c.ability, _ABILITY.c.answers)
                              .where(_ABILITY.c.user_id == user_id)).first()
    item = session.execute(select(_ITEM.c.rating, _ITEM.c.answers)
                           .where(_ITEM.c.template_id == template_id)).first()
    return EloStart(*(ability or (None, None)), *(item or (None, None)))


def observe_answers(
    session: Session, *, user_id: int, template_id: str, skills: Sequence[str], difficulty: int,
    scores: Sequence[float], now: datetime, elo: EloStart | None = None,
) -> None:
    """Update the learner's ``skills``, their ability and the template's rating after the graded
    parts of one submission scored ``scores`` (each 0..1) at ``now``; ``elo`` is what the caller
    read of the two ratings (read here when None)."""
    execute_writes(session, plan_answers(
        session, user_id=user_id, template_id=template_id, skills=skills, difficulty=difficulty,
        scores=scores, now=now, elo=elo))


def plan_answers(
    session: Session, *, user_id: int, template_id: str, skills: Sequence[str], difficulty: int,
    scores: Sequence[float], now: datetime, elo: EloStart | None = None,
) -> list[Write]:
    """What :func:`observe_answers` writes, not yet executed: the learner's skill rows are read
    and locked (and created when missing) now; the caller executes the writes before it commits."""
    if not scores:
        return []
    session.flush()  # ORM objects pending in this session are written before our statements
    skills = tuple(sorted(set(skills)))
    fitted = cached_params(session)
    ids, states = _skill_states(session, user_id, skills, fitted)
    elo = elo or elo_start(session, user_id=user_id, template_id=template_id)
    ability, answered = _ensure_ability(session, user_id, elo)
    rating, count = _ensure_item(session, template_id, difficulty, elo)
    start_ability, start_rating = ability, rating
    history = []
    for raw in scores:
        score = min(max(float(raw), 0.0), 1.0)
        item = core.Item(template_id=template_id, skills=skills, rating=rating)
        current = core.current_masteries(states, skills, now=now, params=fitted)
        expected = core.predict_item(item, current, params=fitted, ability=ability)
        states = {**states, **core.observe_item(states, item, score, now=now, params=fitted,
                                                 ability=ability)}
        history += [{"user_id": user_id, "skill": s, "p_mastery": states[s].mastery, "at": now}
                    for s in skills]
        moved = core.elo_update(core.EloRating(ability, answered),
                                core.EloRating(rating, count), score, expected=expected)
        ability, answered = moved.learner.value, moved.learner.count
        rating, count = moved.item.value, moved.item.count
    writes: list[Write] = []
    if states:  # a template without skills moves only the ratings
        writes.append((_WRITE_SKILL, [
            {"row_id": ids[s], "new_mastery": state.mastery, "new_attempts": state.attempts,
             "moved_at": now} for s, state in states.items()]))
        writes.append((_INSERT_HISTORY, history))
    writes.append((_MOVE_ABILITY, {"learner": user_id, "delta": ability - start_ability,
                                   "count": len(scores), "moved_at": now}))
    writes.append((_MOVE_ITEM, {"template": template_id, "delta": rating - start_rating,
                                "count": len(scores), "moved_at": now}))
    return writes


def _skill_states(
    session: Session, user_id: int, skills: tuple[str, ...],
    fitted: dict[str, core.BKTParams],
) -> tuple[dict[str, int], dict[str, core.SkillState]]:
    """The learner's rows for ``skills`` (locked, created at ``p_init`` when missing): row ids
    and states by skill."""
    bound = {"user_id": user_id, "skills": list(skills)}
    rows = session.execute(_SKILL_ROWS, bound).all()
    missing = set(skills) - {row.skill for row in rows}
    if missing:
        session.execute(insert_ignoring_conflicts(session, _SKILL, ("user_id", "skill")), [
            {"user_id": user_id, "skill": s, "attempts": 0,
             "p_mastery": core.params_for(s, fitted).p_init} for s in sorted(missing)])
        rows = session.execute(_SKILL_ROWS, bound).all()
    ids = {row.skill: row.id for row in rows}
    states = {row.skill: core.SkillState(row.skill, row.p_mastery, row.attempts,
                                         row.updated_at if row.attempts else None)
              for row in rows}
    return ids, states


def _ensure_ability(session: Session, user_id: int, elo: EloStart) -> tuple[float, int]:
    """The learner's ability and answer count; the row is created at 0 when missing."""
    if elo.ability is None or elo.ability_answers is None:
        session.execute(insert_ignoring_conflicts(session, _ABILITY, ("user_id",)),
                        {"user_id": user_id, "ability": 0.0, "answers": 0})
        return 0.0, 0
    return elo.ability, elo.ability_answers


def _ensure_item(session: Session, template_id: str, difficulty: int,
                 elo: EloStart) -> tuple[float, int]:
    """The template's rating and answer count; the row is created at the author's prior."""
    if elo.rating is None or elo.rating_answers is None:
        prior = core.initial_item_rating(difficulty).value
        session.execute(insert_ignoring_conflicts(session, _ITEM, ("template_id",)),
                        {"template_id": template_id, "answers": 0, "rating": prior})
        return prior, 0
    return elo.rating, elo.rating_answers
