"""Bayesian Knowledge Tracing: a per-skill estimate P(known), updated after every graded part.

The model is the classic two-state BKT (Corbett & Anderson) with three additions:

- **Partial credit.** A score ``s`` in [0, 1] is soft evidence that the answer was correct with
  probability ``s`` (Jeffrey's rule): ``posterior = s·P(L|correct) + (1-s)·P(L|wrong)``. With
  ``s`` 0 or 1 this is plain BKT; half credit lands between the two posteriors instead of being
  rounded either way. (The EM fit counts ``s`` as ``s`` correct and ``1-s`` wrong observations;
  on 0/1 scores the two agree.)
- **Forgetting.** Before an update, the estimate decays towards ``p_init`` by ``p_forget`` per day
  of inactivity: ``p_init + (p - p_init)·(1 - p_forget)^days``. This is exact for a learner whose
  knowledge is, with probability ``p_forget`` per day, replaced by a fresh draw at ``p_init``.
  Forgetting never raises an estimate that is already below ``p_init``.
- **Item difficulty.** An item's offset ``δ`` (its Elo rating relative to the learner's ability,
  in logits) shifts both emission probabilities: ``1-slip_δ = σ(logit(1-slip) - δ)`` and
  ``guess_δ = σ(logit(guess) - δ)``. A harder item (δ > 0) is less often right whether the skill is
  known or not, so a right answer to it is stronger evidence; δ = 0 is plain BKT.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

__all__ = [
    "BKTParams",
    "DEFAULT_PARAMS",
    "SKILL_DEFAULTS",
    "SkillState",
    "bkt_update",
    "current_mastery",
    "days_between",
    "forget",
    "new_state",
    "observe",
    "params_for",
    "posterior",
    "predict_correct",
]

_EPS = 1e-6


def _logit(p: float) -> float:
    p = min(max(p, _EPS), 1.0 - _EPS)
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class BKTParams:
    """One skill's parameters; probabilities, ``p_forget`` per day of inactivity."""

    p_init: float = 0.2
    p_transit: float = 0.15
    guess: float = 0.2
    slip: float = 0.1
    p_forget: float = 0.003

    def __post_init__(self) -> None:
        for name in ("p_init", "p_transit", "guess", "slip", "p_forget"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0 or math.isnan(value):
                raise ValueError(f"{name} must lie in [0, 1], got {value}")
        if self.guess + self.slip >= 1.0:
            raise ValueError("guess + slip must stay below 1 (knowing must help)")

    def shifted(self, offset: float) -> BKTParams:
        """The emission probabilities for an item ``offset`` logits harder than average."""
        if offset == 0.0:
            return self
        return replace(
            self,
            guess=_sigmoid(_logit(self.guess) - offset),
            slip=1.0 - _sigmoid(_logit(1.0 - self.slip) - offset),
        )

    def to_dict(self) -> dict[str, float]:
        """Plain values for storage (the database keeps one row per skill)."""
        return {
            "p_init": self.p_init, "p_transit": self.p_transit, "guess": self.guess,
            "slip": self.slip, "p_forget": self.p_forget,
        }  # fmt: skip


DEFAULT_PARAMS = BKTParams()
"""Used for a skill with no defaults of its own and no fitted parameters."""

_CHOICE = BKTParams(p_init=0.25, p_transit=0.2, guess=0.25, slip=0.08)  # pick-a-graph questions
_BASIC = BKTParams(p_init=0.3, p_transit=0.2, guess=0.1, slip=0.08)  # routine differentiation
_HARD = BKTParams(p_init=0.1, p_transit=0.12, guess=0.08, slip=0.12)  # long multi-step answers
SKILL_DEFAULTS: dict[str, BKTParams] = {
    "function-graphs": _CHOICE, "derivative-graphs": _CHOICE, "taylor-graphs": _CHOICE,
    "power-rule": _BASIC, "special-derivatives": _BASIC, "product-rule": _BASIC,
    "chain-rule": _BASIC, "partial-derivative": _BASIC,
    "jacobian-matrix": _HARD, "hessian": _HARD, "stationary-points": _HARD,
    "multivariate-chain-rule": _HARD, "nn-backprop": _HARD, "taylor-2d": _HARD,
}  # fmt: skip
"""Per-skill starting points before any data: multiple-choice graph matching is easier to guess,
multi-step answers are slipped more and learnt more slowly. Other skills use ``DEFAULT_PARAMS``."""


def params_for(skill: str, fitted: Mapping[str, BKTParams] | None = None) -> BKTParams:
    """Fitted parameters when present, else the skill's default, else ``DEFAULT_PARAMS``."""
    if fitted and skill in fitted:
        return fitted[skill]
    return SKILL_DEFAULTS.get(skill, DEFAULT_PARAMS)


@dataclass(frozen=True)
class SkillState:
    """A learner's estimate for one skill as of ``last_practised`` (before any forgetting)."""

    skill: str
    mastery: float
    attempts: int = 0
    last_practised: datetime | None = None


def predict_correct(p_known: float, params: BKTParams, offset: float = 0.0) -> float:
    """P(correct) = p·(1-slip) + (1-p)·guess, with the item's difficulty offset applied.

    >>> round(predict_correct(0.5, BKTParams(guess=0.2, slip=0.1)), 4)
    0.55
    """
    emit = params.shifted(offset)
    return p_known * (1.0 - emit.slip) + (1.0 - p_known) * emit.guess


def posterior(
    p_known: float, score: float, params: BKTParams, offset: float = 0.0, *, others: float = 1.0
) -> float:
    """P(known | answer) for a score in [0, 1] (Jeffrey's rule between right and wrong);
    ``others`` is the P(correct) of the item's other skills (conjunctive item, module docstring).

    >>> P = BKTParams(guess=0.2, slip=0.1)
    >>> round(posterior(0.5, 0.0, P), 4), round(posterior(0.5, 0.0, P, others=0.3), 4)
    (0.1111, 0.4371)
    """
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must lie in [0, 1], got {score}")
    if not 0.0 <= others <= 1.0:
        raise ValueError(f"others must lie in [0, 1], got {others}")
    emit = params.shifted(offset)
    hit_known, hit_unknown = (1.0 - emit.slip) * others, emit.guess * others
    right = p_known * hit_known
    wrong = p_known * (1.0 - hit_known)
    p_right = right / (right + (1.0 - p_known) * hit_unknown) if right > 0 else 0.0
    p_wrong = wrong / (wrong + (1.0 - p_known) * (1.0 - hit_unknown)) if wrong > 0 else 0.0
    return score * p_right + (1.0 - score) * p_wrong


def bkt_update(
    p_known: float, score: float, params: BKTParams, offset: float = 0.0, *, others: float = 1.0
) -> float:
    """The estimate after one graded part: condition on the score, then allow learning.

    >>> round(bkt_update(0.2, 1.0, BKTParams(p_transit=0.1, guess=0.2, slip=0.1)), 4)
    0.5765
    """
    p = posterior(p_known, score, params, offset, others=others)
    return p + (1.0 - p) * params.p_transit


def forget(p_known: float, days: float, params: BKTParams) -> float:
    """Decay towards ``p_init`` after ``days`` of inactivity (never upwards)."""
    if days <= 0.0 or p_known <= params.p_init:
        return p_known
    keep = math.pow(1.0 - params.p_forget, days)
    return params.p_init + (p_known - params.p_init) * keep


def days_between(earlier: datetime | None, later: datetime) -> float:
    """Days from ``earlier`` to ``later`` (0 when never practised or the clock went back)."""
    if earlier is None:
        return 0.0
    return max(0.0, (later - earlier).total_seconds() / 86400.0)


def current_mastery(state: SkillState, now: datetime, params: BKTParams) -> float:
    """The estimate now, with forgetting since the last practice applied."""
    return forget(state.mastery, days_between(state.last_practised, now), params)


def new_state(skill: str, params: BKTParams) -> SkillState:
    """A learner who has never practised ``skill``: the prior ``p_init``."""
    return SkillState(skill=skill, mastery=params.p_init)


def observe(
    state: SkillState, score: float, *, now: datetime, params: BKTParams, offset: float = 0.0,
    others: float = 1.0,
) -> SkillState:
    """The new state after a graded part scored ``score`` on an item ``offset`` logits hard;
    ``others``: P(correct) of the item's other skills (``selection.observe_item`` computes it)."""
    prior = current_mastery(state, now, params)
    return SkillState(
        skill=state.skill,
        mastery=bkt_update(prior, score, params, offset, others=others),
        attempts=state.attempts + 1,
        last_practised=now,
    )
