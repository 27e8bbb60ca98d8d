"""Elo ratings for item difficulty (and, optionally, learner ability), in logits.

An item's rating is how many logits harder it is than an average item of its skill; the mastery
model uses ``item rating - learner ability`` as the offset of ``BKTParams.shifted``. After each
answer both ratings move towards what the answer says, by a K-factor that shrinks as an item (or
learner) collects answers: early answers move a new item quickly, later ones fine-tune it.

``expected`` is the predicted P(correct). Pass the mastery model's own prediction (BKT mastery
combined with the offset) so that the rating captures only what mastery does not explain; without
it, the plain Elo/Rasch curve ``σ(ability - difficulty)`` is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "DIFFICULTY_STEP",
    "EloRating",
    "EloRatings",
    "elo_update",
    "expected_score",
    "initial_item_rating",
    "k_factor",
]

DIFFICULTY_STEP = 0.6
"""Logits between neighbouring author difficulty levels (1, 2, 3), the prior of a new item."""


@dataclass(frozen=True)
class EloRating:
    """A rating in logits and the number of answers it rests on."""

    value: float = 0.0
    count: int = 0


@dataclass(frozen=True)
class EloRatings:
    """The learner's and the item's ratings after one answer."""

    learner: EloRating
    item: EloRating


def initial_item_rating(difficulty: int) -> EloRating:
    """The prior of a template no one has answered yet, from its author difficulty 1..3.

    >>> initial_item_rating(3)
    EloRating(value=0.6, count=0)
    """
    return EloRating(value=(min(max(difficulty, 1), 3) - 2) * DIFFICULTY_STEP)


def k_factor(count: int, *, k_max: float = 0.4, k_min: float = 0.02, half: float = 20.0) -> float:
    """The step size after ``count`` answers: ``k_max`` at first, halved after ``half`` answers.

    >>> k_factor(0), k_factor(20)
    (0.4, 0.2)
    """
    return max(k_min, k_max / (1.0 + count / half))


def expected_score(ability: float, difficulty: float) -> float:
    """The Rasch / Elo curve σ(ability - difficulty)."""
    return 1.0 / (1.0 + math.exp(difficulty - ability))


def elo_update(
    learner: EloRating,
    item: EloRating,
    score: float,
    *,
    expected: float | None = None,
    update_learner: bool = True,
) -> EloRatings:
    """Both ratings after ``learner`` scored ``score`` (0..1) on ``item``.

    A better score than expected makes the item easier and the learner abler.

    >>> r = elo_update(EloRating(), EloRating(), 1.0)
    >>> r.item.value, r.learner.value, r.item.count
    (-0.2, 0.2, 1)
    """
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must lie in [0, 1], got {score}")
    e = expected_score(learner.value, item.value) if expected is None else expected
    surprise = score - e
    new_item = EloRating(item.value - k_factor(item.count) * surprise, item.count + 1)
    if not update_learner:
        return EloRatings(learner=learner, item=new_item)
    new_learner = EloRating(learner.value + k_factor(learner.count) * surprise, learner.count + 1)
    return EloRatings(learner=new_learner, item=new_item)
