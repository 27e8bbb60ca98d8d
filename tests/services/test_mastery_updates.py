"""Mastery after graded parts: BKT per skill with stored or default parameters, Elo ratings of the
template and the learner, the history rows and the sparkline drawn from them."""

import doctest
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizengine.core import mastery as core
from quizengine.db.base import utcnow
from quizengine.db.models import (
    ItemRating,
    LearnerAbility,
    MasteryHistory,
    SkillMastery,
    SkillParam,
)
from quizengine.services import attempts, mastery, mastery_updates, stats, submissions, users

SECRET = "test-secret-key-not-for-production"
TEMPLATE = "w1-chain-rule/power-of-polynomial"  # skills: chain-rule only; difficulty 1


@pytest.fixture
def db(app):
    return app.extensions["quizengine.db"].session


@pytest.fixture
def student(db, chain_quiz):
    with db() as s, s.begin():
        return users.create_user(s, username="sam", password="long enough").id


def _question(db, user_id, template_id=TEMPLATE):
    """A question of ``template_id`` in a fresh quiz attempt of ``user_id``."""
    with db() as s, s.begin():
        attempt = attempts.start_attempt(s, user_id=user_id, quiz_id="w1-chain-rule",
                                         secret=SECRET)
        instance = attempts.add_question(s, attempt=attempt, slot=99, template_id=template_id,
                                         version=1, secret=SECRET)
        return instance.id


def _submit(db, user_id, question_id, answers):
    with db() as s, s.begin():
        return submissions.submit_answers(s, question_id=question_id, user_id=user_id,
                                          answers=answers, idempotency_key="k")


def test_a_right_answer_raises_mastery_and_ability_and_makes_the_item_easier(
        db, student, answers_for):
    qid = _question(db, student)
    _submit(db, student, qid, answers_for(qid))
    prior = core.initial_item_rating(1).value
    with db() as s:
        row = s.scalar(select(SkillMastery).where(SkillMastery.user_id == student,
                                                  SkillMastery.skill == "chain-rule"))
        rating = s.get(ItemRating, TEMPLATE)
        ability = s.get(LearnerAbility, student)
        history = s.scalars(select(MasteryHistory).where(MasteryHistory.user_id == student)).all()
    assert row.p_mastery > core.SKILL_DEFAULTS["chain-rule"].p_init and row.attempts == 1
    assert rating.answers == 1 and rating.rating < prior
    assert ability.answers == 1 and ability.ability > 0.0
    assert [(h.skill, h.p_mastery) for h in history] == [("chain-rule", row.p_mastery)]


def test_a_wrong_answer_makes_the_item_harder_and_lowers_mastery(db, student, answers_for):
    qid = _question(db, student)
    _submit(db, student, qid, answers_for(qid, wrong=True))
    with db() as s:
        rating = s.get(ItemRating, TEMPLATE)
        ability = s.get(LearnerAbility, student)
        row = s.scalar(select(SkillMastery).where(SkillMastery.user_id == student))
    assert rating.rating > core.initial_item_rating(1).value and ability.ability < 0.0
    # a wrong answer still allows learning (p_transit), but stays below a right one
    right = core.bkt_update(core.SKILL_DEFAULTS["chain-rule"].p_init, 1.0,
                            core.SKILL_DEFAULTS["chain-rule"])
    assert row.p_mastery < right


def test_the_update_follows_the_core_with_the_items_offset(db, student):
    now = utcnow()
    with db() as s, s.begin():
        s.add(ItemRating(template_id=TEMPLATE, rating=1.0, answers=30))
        mastery_updates.observe_answers(s, user_id=student, template_id=TEMPLATE,
                                        skills=("chain-rule",), difficulty=1, scores=[1.0],
                                        now=now)
    params = core.SKILL_DEFAULTS["chain-rule"]
    expected = core.observe(core.new_state("chain-rule", params), 1.0, now=now, params=params,
                            offset=1.0)
    predicted = core.predict_correct(params.p_init, params, 1.0)
    elo = core.elo_update(core.EloRating(), core.EloRating(1.0, 30), 1.0, expected=predicted)
    with db() as s:
        row = s.scalar(select(SkillMastery).where(SkillMastery.user_id == student))
        assert row.p_mastery == pytest.approx(expected.mastery)
        assert s.get(ItemRating, TEMPLATE).rating == pytest.approx(elo.item.value)
        assert s.get(ItemRating, TEMPLATE).answers == 31
        assert s.get(LearnerAbility, student).ability == pytest.approx(elo.learner.value)


def test_parameters_come_from_skill_param_else_from_the_core_defaults(db, student):
    with db() as s:
        before = {e.skill: e.mastery for e in mastery.learner_mastery(s, user_id=student,
                                                                      now=utcnow())}
    assert before["chain-rule"] == core.SKILL_DEFAULTS["chain-rule"].p_init
    assert before["first-principles"] == core.DEFAULT_PARAMS.p_init
    with db() as s, s.begin():
        s.add(SkillParam(skill="chain-rule", p_init=0.42, p_transit=0.1, p_guess=0.1,
                         p_slip=0.1, p_forget=0.0))
    with db() as s:
        after = mastery.learner_mastery(s, user_id=student, now=utcnow())
        assert mastery.fitted_params(s)["chain-rule"].p_init == 0.42
    assert [e.skill for e in after] == list(core.SKILLS)
    assert {e.skill: e.mastery for e in after}["chain-rule"] == 0.42
    assert next(e for e in after if e.skill == "chain-rule").title == "chain rule"


def test_multi_part_submission_updates_each_skill_once_per_part(db, student, answers_for):
    template = "w1-chain-rule/which-graph-is-derivative"  # chain-rule and derivative-graphs
    qid = _question(db, student, template)
    answers = answers_for(qid)
    _submit(db, student, qid, answers)
    with db() as s:
        counts = dict(s.execute(select(MasteryHistory.skill, func.count())
                                .group_by(MasteryHistory.skill)).all())
        assert s.get(ItemRating, template).answers == len(answers)
    assert counts == {"chain-rule": len(answers), "derivative-graphs": len(answers)}


def test_history_keeps_the_last_points_per_skill_in_time_order(db, student):
    start = utcnow()
    with db() as s, s.begin():
        for k in range(12):  # inserted newest first: order comes from `at`, not from ids
            s.add(MasteryHistory(user_id=student, skill="hessian", p_mastery=(11 - k) / 20,
                                 at=start + timedelta(minutes=11 - k)))
        s.add(MasteryHistory(user_id=student, skill="chain-rule", p_mastery=0.3, at=start))
    with db() as s:
        history = mastery.mastery_history(s, user_id=student, points=5)
    assert history == {"hessian": [0.35, 0.4, 0.45, 0.5, 0.55], "chain-rule": [0.3]}


def test_sparkline_scales_values_into_the_box():
    line = mastery.sparkline([0.0, 1.0, 0.5, 2.0], width=32, height=12, pad=1.0)
    points = [tuple(map(float, p.split(","))) for p in line.points.split()]
    assert [x for x, _ in points] == [1.0, 11.0, 21.0, 31.0]
    assert [y for _, y in points] == [11.0, 1.0, 6.0, 1.0]  # clipped to 1
    assert line.latest == 2.0 and mastery.sparkline([]) is None


@pytest.mark.parametrize("module", [mastery, stats])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
