"""Refit BKT parameters from stored scores by EM (Baum-Welch for the two-state HMM).

States are *unknown* and *known*; a learner moves unknown -> known with ``p_transit`` after each
practice and never back within a sequence (forgetting is kept from the defaults: sequences carry
no times). A score ``s`` counts as ``s`` correct and ``1-s`` wrong observations, so the emission
likelihood is ``(1-slip)^s·slip^(1-s)`` when known and ``guess^s·(1-guess)^(1-s)`` when not.

Guess and slip are held at most 0.3 (``MAX_GUESS``, ``MAX_SLIP``): without that bound EM likes the
degenerate "everyone knows it and slips a lot" solution. Several restarts run side by side (one from
the skill's default, the others drawn from a generator seeded by ``seed`` and the skill name), and
the one with the highest likelihood wins, so a fit is reproducible.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from .bkt import BKTParams, params_for

__all__ = ["MAX_GUESS", "MAX_SLIP", "fit_bkt", "fit_skill"]

MAX_GUESS = 0.3
MAX_SLIP = 0.3
_FLOOR = 1e-3
Array = NDArray[np.float64]


def fit_bkt(
    sequences: Mapping[str, Sequence[Sequence[float]]],
    *,
    seed: int = 0,
    restarts: int = 5,
    max_iter: int = 200,
    tol: float = 1e-6,
) -> dict[str, BKTParams]:
    """Per skill, the parameters that best explain its learners' score sequences (time order).

    A skill with no non-empty sequence keeps its default parameters.
    """
    return {
        skill: fit_skill(
            seqs, default=params_for(skill), seed=seed, salt=zlib.crc32(skill.encode()),
            restarts=restarts, max_iter=max_iter, tol=tol,
        )  # fmt: skip
        for skill, seqs in sequences.items()
    }


def fit_skill(
    seqs: Sequence[Sequence[float]],
    *,
    default: BKTParams,
    seed: int = 0,
    salt: int = 0,
    restarts: int = 5,
    max_iter: int = 200,
    tol: float = 1e-6,
) -> BKTParams:
    """EM for one skill; see the module docstring."""
    obs, mask = _pad([s for s in seqs if len(s) > 0])
    if obs.shape[0] == 0:
        return default
    theta = _starts(default, np.random.default_rng([seed, salt]), max(1, restarts))
    previous = np.full(theta.shape[0], -np.inf)
    loglik = previous
    for _ in range(max_iter):
        theta, loglik = _em_step(theta, obs, mask)
        if np.all(np.abs(loglik - previous) <= tol * obs.shape[0]):
            break
        previous = loglik
    best = theta[int(np.argmax(loglik))]
    return replace(
        default, p_init=float(best[0]), p_transit=float(best[1]),
        guess=float(best[2]), slip=float(best[3]),
    )  # fmt: skip


def _pad(seqs: Sequence[Sequence[float]]) -> tuple[Array, Array]:
    length = max((len(s) for s in seqs), default=0)
    obs = np.zeros((len(seqs), length))
    mask = np.zeros((len(seqs), length))
    for i, seq in enumerate(seqs):
        obs[i, : len(seq)] = np.clip(np.asarray(seq, dtype=float), 0.0, 1.0)
        mask[i, : len(seq)] = 1.0
    return obs, mask


def _starts(default: BKTParams, rng: np.random.Generator, restarts: int) -> Array:
    """Rows (p_init, p_transit, guess, slip): the default first, then random draws."""
    first = [
        default.p_init, default.p_transit,
        min(default.guess, MAX_GUESS), min(default.slip, MAX_SLIP),
    ]  # fmt: skip
    drawn = rng.uniform(
        [0.05, 0.05, 0.05, 0.05], [0.6, 0.4, MAX_GUESS, MAX_SLIP], size=(restarts - 1, 4)
    )
    return np.vstack([np.asarray(first)[None, :], drawn])


def _emissions(theta: Array, obs: Array, mask: Array) -> tuple[Array, Array]:
    """b_unknown, b_known with shape (restarts, sequences, time); 1 on padding."""
    guess = theta[:, 2, None, None]
    slip = theta[:, 3, None, None]
    x = obs[None, :, :]
    b_u = guess**x * (1.0 - guess) ** (1.0 - x)
    b_k = (1.0 - slip) ** x * slip ** (1.0 - x)
    pad = mask[None, :, :] == 0.0
    return np.where(pad, 1.0, b_u), np.where(pad, 1.0, b_k)


def _forward(theta: Array, b_u: Array, b_k: Array) -> tuple[Array, Array, Array]:
    """Scaled forward pass: alpha_u, alpha_k (normalised) and the scale factors."""
    learn = theta[:, 1, None]
    a_u, a_k, scale = np.empty_like(b_u), np.empty_like(b_u), np.empty_like(b_u)
    prev_u = np.broadcast_to(1.0 - theta[:, 0, None], b_u.shape[:2])
    prev_k = np.broadcast_to(theta[:, 0, None], b_u.shape[:2])
    for t in range(b_u.shape[2]):
        if t > 0:
            last_u, last_k = a_u[:, :, t - 1], a_k[:, :, t - 1]
            prev_u, prev_k = last_u * (1.0 - learn), last_u * learn + last_k
        u, k = prev_u * b_u[:, :, t], prev_k * b_k[:, :, t]
        c = u + k
        a_u[:, :, t], a_k[:, :, t], scale[:, :, t] = u / c, k / c, c
    return a_u, a_k, scale


def _em_step(theta: Array, obs: Array, mask: Array) -> tuple[Array, Array]:
    """One E step and M step for every restart; returns new parameters and the log-likelihood."""
    b_u, b_k = _emissions(theta, obs, mask)
    a_u, a_k, scale = _forward(theta, b_u, b_k)
    learn = theta[:, 1, None]
    beta_u, beta_k = np.ones_like(b_u), np.ones_like(b_u)
    xi_uk = np.zeros_like(b_u)
    for t in range(b_u.shape[2] - 2, -1, -1):
        nxt_k = b_k[:, :, t + 1] * beta_k[:, :, t + 1] / scale[:, :, t + 1]
        nxt_u = b_u[:, :, t + 1] * beta_u[:, :, t + 1] / scale[:, :, t + 1]
        beta_u[:, :, t] = (1.0 - learn) * nxt_u + learn * nxt_k
        beta_k[:, :, t] = nxt_k
        xi_uk[:, :, t] = a_u[:, :, t] * learn * nxt_k
    g_u, g_k = a_u * beta_u, a_k * beta_k
    m = mask[None, :, :]
    pair = np.concatenate([mask[:, 1:], np.zeros((mask.shape[0], 1))], axis=1)[None, :, :]
    x = obs[None, :, :]
    p_init = g_k[:, :, 0].mean(axis=1)
    p_transit = (xi_uk * pair).sum(axis=(1, 2)) / np.maximum((g_u * pair).sum(axis=(1, 2)), 1e-12)
    guess = (g_u * x * m).sum(axis=(1, 2)) / np.maximum((g_u * m).sum(axis=(1, 2)), 1e-12)
    slip = (g_k * (1.0 - x) * m).sum(axis=(1, 2)) / np.maximum((g_k * m).sum(axis=(1, 2)), 1e-12)
    new = np.stack(
        [
            np.clip(p_init, _FLOOR, 1.0 - _FLOOR),
            np.clip(p_transit, _FLOOR, 1.0 - _FLOOR),
            np.clip(guess, _FLOOR, MAX_GUESS),
            np.clip(slip, _FLOOR, MAX_SLIP),
        ],
        axis=1,
    )
    loglik = np.log(scale).sum(axis=(1, 2))
    return new, loglik
