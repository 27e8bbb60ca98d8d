"""The write path of mastery: after a graded submission, move the learner's skills (BKT), their
Elo ability and the template's Elo rating, and keep every new estimate in ``mastery_history``.

This runs inside every submit, so it is written for the hot path: plain SQL statements on the
tables (no ORM unit of work), a fixed number of them whatever the number of parts (three reads,
four writes; a first answer adds the inserts of the learner's new rows), all parts applied in
memory in order, as if observed one after the other.

Concurrency: the learner's rows (``skill_mastery``, ``learner_ability``) are locked
(``FOR UPDATE``, in a fixed order, so no deadlock; only that learner's requests wait). The
template's rating is shared by every student answering it, so it is read without a lock and moved
by an atomic delta (``rating = rating + :delta``) as the transaction's last statement: the row lock
that the update takes is then held only until the commit that follows. Two concurrent answers may
compute their deltas from the same rating; both are applied, only their sizes are slightly stale,
which Elo tolerates (each step is small and the next answers correct it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from quizengine.core import mastery as core
from quizengine.db.models import ItemRating, LearnerAbility, MasteryHistory, SkillMastery
from quizengine.db.upsert import insert_ignoring_conflicts
from quizengine.services.mastery import cached_params

_SKILL: Table = SkillMastery.__table__  # type: ignore[assignment]
_ABILITY: Table = LearnerAbility.__table__  # type: ignore[assignment]
_ITEM: Table = ItemRating.__table__  # type: ignore[assignment]
_HISTORY: Table = MasteryHistory.__table__  # type: ignore[assignment]


def observe_answers(
    session: Session, *, user_id: int, template_id: str, skills: Sequence[str], difficulty: int,
    scores: Sequence[float], now: datetime,
) -> None:
    """Update the learner's ``skills``, their ability and the template's rating after the graded
    parts of one submission scored ``scores`` (each 0..1) at ``now``."""
    session.flush()  # ORM objects pending in this session are written before our statements
    skills = tuple(sorted(set(skills)))
    fitted = cached_params(session)
    ids, states = _skill_states(session, user_id, skills, fitted)
    ability, answered = _learner(session, user_id)
    rating, count = _item(session, template_id, difficulty)
    item = core.Item(template_id=template_id, skills=skills, rating=rating)
    history = []
    for raw in scores:
        score = min(max(float(raw), 0.0), 1.0)
        current = core.current_masteries(states, skills, now=now, params=fitted)
        expected = core.predict_item(item, current, params=fitted, ability=ability)
        states = {**states, **core.observe_item(states, item, score, now=now, params=fitted,
                                                 ability=ability)}
        history += [{"user_id": user_id, "skill": s, "p_mastery": states[s].mastery, "at": now}
                    for s in skills]
        moved = core.elo_update(core.EloRating(ability, answered),
                                core.EloRating(item.rating, count), score, expected=expected)
        ability, answered = moved.learner.value, moved.learner.count
        item, count = replace(item, rating=moved.item.value), moved.item.count
    if not scores:
        return
    _write_skills(session, ids, states, now)
    session.execute(_HISTORY.insert(), history)
    session.execute(update(_ABILITY).where(_ABILITY.c.user_id == user_id)
                    .values(ability=ability, answers=answered, updated_at=now))
    session.execute(update(_ITEM).where(_ITEM.c.template_id == template_id).values(
        rating=_ITEM.c.rating + (item.rating - rating), answers=_ITEM.c.answers + len(scores),
        updated_at=now))


def _skill_states(
    session: Session, user_id: int, skills: tuple[str, ...],
    fitted: dict[str, core.BKTParams],
) -> tuple[dict[str, int], dict[str, core.SkillState]]:
    """The learner's rows for ``skills`` (locked, created at ``p_init`` when missing): row ids
    and states by skill."""
    query = (select(_SKILL.c.id, _SKILL.c.skill, _SKILL.c.p_mastery, _SKILL.c.attempts,
                    _SKILL.c.updated_at)
             .where(_SKILL.c.user_id == user_id, _SKILL.c.skill.in_(skills))
             .order_by(_SKILL.c.skill).with_for_update())
    rows = session.execute(query).all()
    missing = set(skills) - {row.skill for row in rows}
    if missing:
        session.execute(insert_ignoring_conflicts(session, _SKILL, ("user_id", "skill")), [
            {"user_id": user_id, "skill": s, "attempts": 0,
             "p_mastery": core.params_for(s, fitted).p_init} for s in sorted(missing)])
        rows = session.execute(query).all()
    ids = {row.skill: row.id for row in rows}
    states = {row.skill: core.SkillState(row.skill, row.p_mastery, row.attempts,
                                         row.updated_at if row.attempts else None)
              for row in rows}
    return ids, states


def _learner(session: Session, user_id: int) -> tuple[float, int]:
    """The learner's Elo ability and answer count (row locked; created at 0)."""
    query = (select(_ABILITY.c.ability, _ABILITY.c.answers)
             .where(_ABILITY.c.user_id == user_id).with_for_update())
    row = session.execute(query).first()
    if row is None:
        session.execute(insert_ignoring_conflicts(session, _ABILITY, ("user_id",)),
                        {"user_id": user_id, "ability": 0.0, "answers": 0})
        row = session.execute(query).one()
    return row.ability, row.answers


def _item(session: Session, template_id: str, difficulty: int) -> tuple[float, int]:
    """The template's Elo rating and answer count, read without a lock (created at the
    author's prior when missing)."""
    query = select(_ITEM.c.rating, _ITEM.c.answers).where(_ITEM.c.template_id == template_id)
    row = session.execute(query).first()
    if row is None:
        session.execute(insert_ignoring_conflicts(session, _ITEM, ("template_id",)), {
            "template_id": template_id, "answers": 0,
            "rating": core.initial_item_rating(difficulty).value})
        row = session.execute(query).one()
    return row.rating, row.answers


def _write_skills(session: Session, ids: dict[str, int], states: dict[str, core.SkillState],
                  now: datetime) -> None:
    statement = (update(_SKILL).where(_SKILL.c.id == bindparam("row_id"))
                 .values(p_mastery=bindparam("new_mastery"), attempts=bindparam("new_attempts"),
                         updated_at=now))
    session.execute(statement, [
        {"row_id": ids[s], "new_mastery": state.mastery, "new_attempts": state.attempts}
        for s, state in states.items()])
