"""Practice: the pending question comes back until answered or skipped, skips are recorded, recent
templates are avoided, ``choose_next`` gets stored states, ratings, ability and the threshold, and
the number of queries does not grow with the learner's history."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from quizengine.core import mastery as core
from quizengine.db.base import utcnow
from quizengine.db.models import ItemRating, LearnerAbility, PracticeItem, SkillMastery
from quizengine.services import practice, submissions, users

SECRET = "test-secret-key-not-for-production"


@pytest.fixture
def db(app):
    return app.extensions["quizengine.db"].session


@pytest.fixture
def student(db, imported_bank):
    with db() as s, s.begin():
        return users.create_user(s, username="sam", password="long enough").id


def _next(db, user_id, *, skip=False, threshold=0.95):
    with db() as s, s.begin():
        chosen = practice.next_question(s, user_id=user_id, secret=SECRET, now=utcnow(),
                                        threshold=threshold, skip=skip)
        return (chosen.instance.id, chosen.instance.template_id, chosen.skill, chosen.reason,
                chosen.pending)


def test_the_unanswered_question_comes_back_until_it_is_answered(db, student, answers_for):
    qid, template, skill, reason, pending = _next(db, student)
    assert skill and reason and not pending
    assert _next(db, student) == (qid, template, skill, reason, True)
    with db() as s, s.begin():
        submissions.submit_answers(s, question_id=qid, user_id=student,
                                   answers=answers_for(qid), idempotency_key="k")
    after = _next(db, student)
    assert after[0] != qid and not after[4]


def test_an_invalid_answer_leaves_the_question_pending(db, student):
    qid, *_ = _next(db, student)
    with db() as s, s.begin():
        result = submissions.submit_answers(s, question_id=qid, user_id=student,
                                            answers={}, idempotency_key="k")
    assert not result.stored and _next(db, student)[0] == qid


def test_skipping_is_recorded_and_serves_another_template(db, student):
    qid, template, *_ = _next(db, student)
    new_qid, new_template, *_ = _next(db, student, skip=True)
    assert new_qid != qid and new_template != template
    with db() as s:
        items = {i.question_instance_id: i for i in s.scalars(select(PracticeItem))}
    assert items[qid].skipped_at is not None and items[new_qid].skipped_at is None
    assert _next(db, student, skip=True)[0] != new_qid  # skipping twice moves on again


def test_recent_templates_are_not_repeated_while_others_remain(db, student, imported_bank):
    served = [_next(db, student, skip=True)[1] for _ in range(len(imported_bank))]
    assert sorted(served) == sorted(imported_bank)  # every template once before any repeat
    with db() as s:
        assert practice.recent_templates(s, user_id=student, limit=3) == served[::-1][:3]
    more = [_next(db, student, skip=True)[1] for _ in range(4)]
    assert all(a != b for a, b in zip([served[-1], *more], more, strict=False))


@contextmanager
def spy_choose_next(monkeypatch):
    calls = []
    real = core.choose_next

    def spy(states, items, **kwargs):
        calls.append({"states": states, "items": items, **kwargs})
        return real(states, items, **kwargs)

    monkeypatch.setattr(practice.core, "choose_next", spy)
    yield calls


def test_choose_next_gets_stored_states_ratings_ability_and_threshold(db, student, monkeypatch):
    with db() as s, s.begin():
        s.add(SkillMastery(user_id=student, skill="chain-rule", p_mastery=0.7, attempts=3))
        s.add(ItemRating(template_id="w1-chain-rule/sigmoid-slope", rating=1.3, answers=40))
        s.add(LearnerAbility(user_id=student, ability=-0.4, answers=12))
    with spy_choose_next(monkeypatch) as calls:
        _next(db, student, threshold=0.8)
    call = calls[0]
    assert call["states"]["chain-rule"].mastery == 0.7
    assert call["states"]["chain-rule"].attempts == 3
    assert call["threshold"] == 0.8 and call["ability"] == -0.4
    ratings = {i.template_id: i.rating for i in call["items"]}
    assert ratings["w1-chain-rule/sigmoid-slope"] == 1.3
    assert ratings["w1-chain-rule/nested-composite"] is None  # unrated: author difficulty
    sigmoid = next(i for i in call["items"] if i.template_id == "w1-chain-rule/sigmoid-slope")
    assert sigmoid.skills == ("chain-rule",) and sigmoid.difficulty == 2


def test_the_choice_is_kept_beside_the_question(db, student, monkeypatch):
    with spy_choose_next(monkeypatch) as calls:
        qid, template, skill, reason, _ = _next(db, student)
    assert len(calls) == 1 and template in {i.template_id for i in calls[0]["items"]}
    with db() as s:
        item = s.get(PracticeItem, qid)
    assert (item.skill, item.reason, item.user_id) == (skill, reason, student)
    assert item.kind in {"learn", "review", "maintain"} and 0.0 < item.predicted_success < 1.0


def _queries(engine, action):
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_queries_do_not_grow_with_history(app, db, student):
    engine = app.extensions["quizengine.db"].engine
    _next(db, student)
    early = _queries(engine, lambda: _next(db, student, skip=True))
    for _ in range(8):
        _next(db, student, skip=True)
    late = _queries(engine, lambda: _next(db, student, skip=True))
    assert late == early <= 20
    assert _queries(engine, lambda: _next(db, student)) <= 6  # pending: no selection at all
