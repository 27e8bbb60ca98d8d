"""BKT update, partial credit, forgetting and item offsets against hand-computed values."""

import math
from datetime import UTC, datetime, timedelta

import pytest

from quizengine.core.mastery import (
    DEFAULT_PARAMS,
    SKILL_DEFAULTS,
    BKTParams,
    SkillState,
    bkt_update,
    current_mastery,
    days_between,
    forget,
    new_state,
    observe,
    params_for,
    posterior,
    predict_correct,
)

P = BKTParams(p_init=0.2, p_transit=0.1, guess=0.2, slip=0.1, p_forget=0.01)
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("prior", "score", "expected"),
    [
        (0.2, 1.0, 0.18 / 0.34),  # 0.2*0.9 / (0.2*0.9 + 0.8*0.2)
        (0.2, 0.0, 0.02 / 0.66),  # 0.2*0.1 / (0.2*0.1 + 0.8*0.8)
        (0.5, 1.0, 0.45 / 0.55),
        (0.5, 0.0, 0.05 / 0.45),
        (0.5, 0.5, 0.5 * 0.45 / 0.55 + 0.5 * 0.05 / 0.45),  # Jeffrey's rule: the average
        (0.5, 0.25, 0.25 * 0.45 / 0.55 + 0.75 * 0.05 / 0.45),
        (0.0, 1.0, 0.0),
        (1.0, 0.0, 1.0),
    ],
)
def test_posterior(prior, score, expected):
    assert posterior(prior, score, P) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("prior", "score", "expected"),
    [
        (0.2, 1.0, 0.576471),  # 0.529412 + 0.470588 * 0.1
        (0.2, 0.0, 0.127273),  # 0.030303 + 0.969697 * 0.1
        (0.5, 0.5, 0.518182),  # 0.464646 + 0.535354 * 0.1
        (0.9, 1.0, 0.978313),  # 0.810/0.830 = 0.975904, + 0.024096 * 0.1
    ],
)
def test_bkt_update(prior, score, expected):
    assert bkt_update(prior, score, P) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("p_known", "offset", "expected"),
    [
        (0.5, 0.0, 0.55),
        (0.0, 0.0, 0.2),
        (1.0, 0.0, 0.9),
        # offset ln 4: guess σ(-ln4 - ln4) = 1/17, 1 - slip = σ(ln9 - ln4) = 9/13
        (1.0, math.log(4), 9 / 13),
        (0.0, math.log(4), 1 / 17),
        (0.5, math.log(4), 0.5 * 9 / 13 + 0.5 / 17),
    ],
)
def test_predict_correct_with_item_offset(p_known, offset, expected):
    assert predict_correct(p_known, P, offset) == pytest.approx(expected, abs=1e-9)


def test_a_right_answer_to_a_harder_item_is_stronger_evidence():
    easy = posterior(0.5, 1.0, P, offset=-1.0)
    hard = posterior(0.5, 1.0, P, offset=math.log(4))
    assert hard == pytest.approx((9 / 13) / (9 / 13 + 1 / 17))
    assert easy < posterior(0.5, 1.0, P) < hard


@pytest.mark.parametrize("score", [0.0, 0.1, 0.3, 0.5, 0.8, 1.0])
def test_partial_credit_is_linear_between_wrong_and_right(score):
    wrong, right = posterior(0.4, 0.0, P), posterior(0.4, 1.0, P)
    assert posterior(0.4, score, P) == pytest.approx(wrong + score * (right - wrong))


def test_partial_credit_is_monotone_in_the_score():
    values = [bkt_update(0.3, s / 10, P) for s in range(11)]
    assert values == sorted(values)
    assert values[0] < 0.3 < values[-1]


@pytest.mark.parametrize(
    ("p_known", "days", "params", "expected"),
    [
        (0.9, 10.0, P, 0.2 + 0.7 * 0.99**10),  # 0.833068
        (0.9, 0.0, P, 0.9),
        (0.9, -3.0, P, 0.9),  # a clock going back forgets nothing
        (0.1, 30.0, P, 0.1),  # never raised towards p_init
        (0.9, 1.0, BKTParams(p_init=0.2, p_forget=0.5), 0.55),
        (0.9, 1000.0, BKTParams(p_init=0.2, p_forget=0.5), pytest.approx(0.2)),
        (0.9, 50.0, BKTParams(p_forget=0.0), 0.9),
    ],
)
def test_forget(p_known, days, params, expected):
    assert forget(p_known, days, params) == pytest.approx(expected, abs=1e-9)


def test_observe_applies_forgetting_before_the_update():
    state = SkillState("chain-rule", 0.9, attempts=4, last_practised=T0)
    now = T0 + timedelta(days=10)
    after = observe(state, 1.0, now=now, params=P)
    assert after.mastery == pytest.approx(bkt_update(0.2 + 0.7 * 0.99**10, 1.0, P))
    assert (after.attempts, after.last_practised, after.skill) == (5, now, "chain-rule")
    assert state.mastery == 0.9  # frozen input untouched


def test_current_mastery_and_days_between():
    state = SkillState("jacobian", 0.9, last_practised=T0)
    assert days_between(None, T0) == 0.0
    assert days_between(T0, T0 + timedelta(hours=36)) == pytest.approx(1.5)
    assert current_mastery(state, T0 + timedelta(days=10), P) == pytest.approx(0.833068, abs=1e-6)
    assert new_state("jacobian", P) == SkillState("jacobian", 0.2, 0, None)


def test_parameter_validation():
    with pytest.raises(ValueError, match="knowing must help"):
        BKTParams(guess=0.6, slip=0.5)
    with pytest.raises(ValueError, match="p_init"):
        BKTParams(p_init=1.5)
    with pytest.raises(ValueError, match="score"):
        posterior(0.5, 1.5, P)


def test_defaults_cover_known_skills_and_fall_back():
    assert params_for("function-graphs").guess > params_for("power-rule").guess
    assert params_for("no-such-skill") is DEFAULT_PARAMS
    fitted = {"hessian": P}
    assert params_for("hessian", fitted) is P
    assert params_for("hessian") is SKILL_DEFAULTS["hessian"]
    assert P.to_dict() == {"p_init": 0.2, "p_transit": 0.1, "guess": 0.2, "slip": 0.1,
                           "p_forget": 0.01}


def test_conjunctive_update_right_answer_ignores_the_other_skills():
    for others in (1.0, 0.7, 0.2):
        plain = posterior(0.4, 1.0, P, 0.3)
        assert posterior(0.4, 1.0, P, 0.3, others=others) == pytest.approx(plain)
    assert bkt_update(0.4, 0.0, P, others=1.0) == bkt_update(0.4, 0.0, P)


def test_conjunctive_update_wrong_answer_blames_by_the_other_skills():
    # emissions scaled by r: P(right|known) 0.9r, P(right|unknown) 0.2r
    r = 0.3
    expected = 0.5 * (1 - 0.9 * r) / (0.5 * (1 - 0.9 * r) + 0.5 * (1 - 0.2 * r))
    assert posterior(0.5, 0.0, P, others=r) == pytest.approx(expected)
    drops = [0.5 - posterior(0.5, 0.0, P, others=r) for r in (1.0, 0.6, 0.2, 0.0)]
    assert drops == sorted(drops, reverse=True) and drops[-1] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="others"):
        posterior(0.5, 0.0, P, others=1.5)


def test_observe_passes_others_through():
    state = SkillState("chain-rule", 0.6, attempts=1, last_practised=T0)
    after = observe(state, 0.0, now=T0, params=P, offset=0.2, others=0.5)
    assert after.mastery == pytest.approx(bkt_update(0.6, 0.0, P, 0.2, others=0.5))
