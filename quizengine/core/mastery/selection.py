"""Choosing a learner's next question, with the reason shown to them.

Order of preference:

1. **Review** a skill once declared mastered (stored estimate ≥ threshold) whose estimate has
   faded below the threshold since, most faded first: prerequisites must stay solid.
2. **Learn** the first skill, in syllabus order, on the outer fringe: every prerequisite at or
   above the threshold now, the skill itself below it.
3. Otherwise (everything mastered, or nothing on the fringe has an unseen item) **maintain** the
   skill with the lowest estimate that has an item.

Within a skill, items seen recently are never offered. Items whose other skills are all mastered
are preferred (a wrong answer to them points at the skill being learnt, and a right one needs no
skill the learner lacks); only when none is fresh do items needing other unmastered skills compete.
Among them the item is drawn (with the caller's
``numpy.random.Generator``) among those whose predicted success lies in the target band; when none
does, the item closest to the band wins. Predicted success is the BKT prediction with the item's
Elo offset (item rating - learner ability), multiplied over the item's skills (an answer needs all
of them).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .bkt import BKTParams, SkillState, current_mastery, observe, params_for, predict_correct
from .elo import initial_item_rating
from .skill_graph import PREREQUISITES, SKILL_TITLES

__all__ = [
    "DEFAULT_BAND",
    "DEFAULT_THRESHOLD",
    "Choice",
    "Item",
    "choose_next",
    "current_masteries",
    "observe_item",
    "predict_item",
    "skill_title",
]

DEFAULT_THRESHOLD = 0.95
DEFAULT_BAND = (0.6, 0.85)


@dataclass(frozen=True)
class Item:
    """A candidate template: its skills, author difficulty 1..3 and Elo rating (logits)."""

    template_id: str
    skills: tuple[str, ...]
    difficulty: int = 2
    rating: float | None = None

    def offset(self, ability: float = 0.0) -> float:
        """Logits harder than average for a learner of ``ability``; unrated items use difficulty."""
        rating = initial_item_rating(self.difficulty).value if self.rating is None else self.rating
        return rating - ability


@dataclass(frozen=True)
class Choice:
    """The next question: which template, for which skill, why, and the predicted success."""

    template_id: str
    skill: str
    reason: str
    predicted_success: float
    kind: str = "learn"  # "learn" | "review" | "maintain"


def skill_title(skill: str) -> str:
    """The learner-facing name of a skill.

    >>> skill_title("chain-rule")
    'chain rule'
    """
    return SKILL_TITLES.get(skill, skill.replace("-", " "))


def _percent(p: float) -> int:
    return math.floor(p * 100.0 + 1e-9)


def current_masteries(
    states: Mapping[str, SkillState],
    skills: Collection[str],
    *,
    now: datetime,
    params: Mapping[str, BKTParams] | None = None,
) -> dict[str, float]:
    """Every skill's estimate now (forgetting applied); never practised means ``p_init``."""
    out: dict[str, float] = {}
    for skill in skills:
        p = params_for(skill, params)
        state = states.get(skill)
        out[skill] = p.p_init if state is None else current_mastery(state, now, p)
    return out


def predict_item(
    item: Item,
    masteries: Mapping[str, float],
    *,
    params: Mapping[str, BKTParams] | None = None,
    ability: float = 0.0,
) -> float:
    """P(correct) on ``item`` given current masteries (a skill with none starts at ``p_init``)."""
    offset = item.offset(ability)
    success = 1.0
    for skill in item.skills:
        p = params_for(skill, params)
        success *= predict_correct(masteries.get(skill, p.p_init), p, offset)
    return success


def observe_item(
    states: Mapping[str, SkillState],
    item: Item,
    score: float,
    *,
    now: datetime,
    params: Mapping[str, BKTParams] | None = None,
    ability: float = 0.0,
) -> dict[str, SkillState]:
    """The new state of each of ``item``'s skills after a graded part scored ``score``.

    A right answer needs every skill (``predict_item``), so each skill is updated with the other
    skills' P(correct) as ``others`` (``bkt.posterior``): a wrong answer mostly blames the
    least-mastered skill. A single-skill item is the plain ``observe``. Skills never practised
    start from ``p_init``.
    """
    offset = item.offset(ability)
    masteries = current_masteries(states, item.skills, now=now, params=params)
    hits = {s: predict_correct(masteries[s], params_for(s, params), offset) for s in item.skills}
    out: dict[str, SkillState] = {}
    for skill in item.skills:
        p = params_for(skill, params)
        others = math.prod(hit for name, hit in hits.items() if name != skill)
        state = states.get(skill) or SkillState(skill, p.p_init)
        out[skill] = observe(state, score, now=now, params=p, offset=offset, others=others)
    return out


def choose_next(
    states: Mapping[str, SkillState],
    items: Sequence[Item],
    *,
    now: datetime,
    rng: np.random.Generator,
    recent: Collection[str] = (),
    params: Mapping[str, BKTParams] | None = None,
    graph: Mapping[str, Sequence[str]] = PREREQUISITES,
    threshold: float = DEFAULT_THRESHOLD,
    band: tuple[float, float] = DEFAULT_BAND,
    ability: float = 0.0,
) -> Choice | None:
    """The next question for a learner, or None when every item was seen recently."""
    current = current_masteries(states, graph.keys(), now=now, params=params)
    fresh = [item for item in items if item.template_id not in recent]
    by_skill: dict[str, list[Item]] = {skill: [] for skill in graph}
    for item in fresh:
        for name in item.skills:
            by_skill.setdefault(name, []).append(item)
    skill, kind = _pick_skill(states, current, by_skill, graph, threshold)
    if skill is None:
        return None
    candidates = _prefer_mastered_others(by_skill[skill], skill, current, threshold)
    item, success = _pick_item(candidates, current, params, ability, band, rng)
    return Choice(
        template_id=item.template_id,
        skill=skill,
        reason=_reason(kind, skill, current[skill], item.difficulty),
        predicted_success=success,
        kind=kind,
    )


def _pick_skill(
    states: Mapping[str, SkillState],
    current: Mapping[str, float],
    by_skill: Mapping[str, list[Item]],
    graph: Mapping[str, Sequence[str]],
    threshold: float,
) -> tuple[str | None, str]:
    """(skill, kind) by the order of preference in the module docstring."""
    available = [s for s in graph if by_skill.get(s)]
    faded = [
        s for s in available
        if s in states and states[s].mastery >= threshold and current[s] < threshold
    ]  # fmt: skip
    if faded:
        return min(faded, key=lambda s: current[s]), "review"
    for skill in available:
        ready = all(current.get(pre, 0.0) >= threshold for pre in graph[skill])
        if ready and current[skill] < threshold:
            return skill, "learn"
    if available:
        return min(available, key=lambda s: current[s]), "maintain"
    return None, "learn"


def _prefer_mastered_others(
    candidates: Sequence[Item], skill: str, current: Mapping[str, float], threshold: float
) -> Sequence[Item]:
    """The candidates whose skills other than ``skill`` are all mastered, else all of them."""
    clean = [i for i in candidates
             if all(current.get(s, 0.0) >= threshold for s in i.skills if s != skill)]
    return clean or candidates


def _pick_item(
    candidates: Sequence[Item],
    current: Mapping[str, float],
    params: Mapping[str, BKTParams] | None,
    ability: float,
    band: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[Item, float]:
    """A random item inside the band, else (ties drawn at random) the one closest to it."""
    low, high = band
    success = [predict_item(i, current, params=params, ability=ability) for i in candidates]
    distance = [max(low - p, 0.0, p - high) for p in success]
    best = min(distance)
    pool = [k for k, d in enumerate(distance) if d <= best + 1e-12]
    k = pool[int(rng.integers(len(pool)))]
    return candidates[k], success[k]


def _reason(kind: str, skill: str, mastery: float, difficulty: int) -> str:
    name = skill_title(skill)
    if kind == "review":
        return f"review: {name} has faded to {_percent(mastery)}%"
    if kind == "maintain":
        pct = _percent(mastery)
        return f"keeping {name} fresh ({pct}% mastered), a level-{difficulty} question"
    return f"{name}: {_percent(mastery)}% mastered, practising a level-{difficulty} question"
