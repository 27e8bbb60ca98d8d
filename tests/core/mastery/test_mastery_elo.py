"""Elo ratings: update direction and size, K decay, convergence to a known item difficulty."""

import numpy as np
import pytest

from quizengine.core.mastery import (
    EloRating,
    elo_update,
    expected_score,
    initial_item_rating,
    k_factor,
)


@pytest.mark.parametrize(
    ("learner", "item", "score", "expected", "new_learner", "new_item"),
    [
        (EloRating(), EloRating(), 1.0, None, 0.2, -0.2),  # K 0.4, surprise +0.5
        (EloRating(), EloRating(), 0.0, None, -0.2, 0.2),
        (EloRating(), EloRating(), 0.5, None, 0.0, 0.0),
        (EloRating(), EloRating(), 1.0, 0.8, 0.08, -0.08),  # the model's own prediction
        (EloRating(0.0, 20), EloRating(0.0, 20), 0.0, 0.5, -0.1, 0.1),  # K halved: 0.2
    ],
)
def test_elo_update(learner, item, score, expected, new_learner, new_item):
    r = elo_update(learner, item, score, expected=expected)
    assert r.learner.value == pytest.approx(new_learner)
    assert r.item.value == pytest.approx(new_item)
    assert (r.learner.count, r.item.count) == (learner.count + 1, item.count + 1)


def test_k_factor_decays_to_a_floor():
    ks = [k_factor(n) for n in (0, 10, 100, 10_000)]
    assert ks == sorted(ks, reverse=True)
    assert ks[-1] == 0.02


def test_item_only_update_leaves_the_learner_alone():
    r = elo_update(EloRating(0.3, 5), EloRating(), 1.0, update_learner=False)
    assert r.learner == EloRating(0.3, 5)


def test_priors_and_validation():
    assert [initial_item_rating(d).value for d in (1, 2, 3)] == pytest.approx([-0.6, 0.0, 0.6])
    assert expected_score(1.0, 1.0) == 0.5
    with pytest.raises(ValueError):
        elo_update(EloRating(), EloRating(), -0.1)


def test_rating_converges_to_a_known_difficulty():
    rng = np.random.default_rng(0)
    item = EloRating()
    for _ in range(3000):
        ability = rng.normal()
        score = float(rng.random() < expected_score(ability, 1.0))
        item = elo_update(EloRating(ability), item, score, update_learner=False).item
    assert item.value == pytest.approx(1.0, abs=0.2)
