"""EM (Baum-Welch) recovers known BKT parameters from simulated learners, reproducibly."""

import numpy as np
import pytest

from quizengine.core.mastery import MAX_GUESS, MAX_SLIP, BKTParams, fit_bkt, params_for

TRUTH = {
    "chain-rule": BKTParams(p_init=0.2, p_transit=0.15, guess=0.2, slip=0.1),
    "jacobian": BKTParams(p_init=0.4, p_transit=0.25, guess=0.1, slip=0.05),
    "hessian": BKTParams(p_init=0.1, p_transit=0.1, guess=0.25, slip=0.15),
}


def simulate(params, learners, length, rng):
    out = []
    for _ in range(learners):
        known = rng.random() < params.p_init
        seq = []
        for _ in range(length):
            seq.append(float(rng.random() < (1 - params.slip if known else params.guess)))
            known = known or rng.random() < params.p_transit
        out.append(seq)
    return out


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    return {skill: simulate(p, 400, 12, rng) for skill, p in TRUTH.items()}


def test_em_recovers_known_parameters(data):
    fitted = fit_bkt(data, seed=0)
    for skill, truth in TRUTH.items():
        got = fitted[skill]
        assert got.p_init == pytest.approx(truth.p_init, abs=0.06), skill
        assert got.p_transit == pytest.approx(truth.p_transit, abs=0.06), skill
        assert got.guess == pytest.approx(truth.guess, abs=0.05), skill
        assert got.slip == pytest.approx(truth.slip, abs=0.05), skill
        assert got.p_forget == params_for(skill).p_forget  # not fitted: sequences have no times


def test_em_is_deterministic_given_a_seed(data):
    assert fit_bkt(data, seed=3) == fit_bkt(data, seed=3)


def test_bounds_hold_on_data_that_invites_degenerate_fits():
    rng = np.random.default_rng(1)
    coin_flips = [list((rng.random(10) < 0.5).astype(float)) for _ in range(200)]
    got = fit_bkt({"chain-rule": coin_flips}, seed=0)["chain-rule"]
    assert got.guess <= MAX_GUESS and got.slip <= MAX_SLIP


def test_partial_credit_and_empty_input():
    seqs = [[0.0, 0.5, 0.5, 1.0, 1.0], [0.25, 0.75, 1.0], []]
    got = fit_bkt({"taylor-1d": seqs, "taylor-2d": [[], []]}, seed=0)
    assert 0.0 < got["taylor-1d"].p_transit < 1.0
    assert got["taylor-2d"] == params_for("taylor-2d")
