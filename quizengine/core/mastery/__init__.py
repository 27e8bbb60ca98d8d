"""Learner model per skill and next-question selection (pure: standard library and NumPy).

- ``skill_graph``: the syllabus skills, their prerequisites as data, validation, topological order.
- ``bkt``: Bayesian Knowledge Tracing with partial credit, forgetting and item difficulty.
- ``em``: ``fit_bkt`` refits per-skill parameters from stored score sequences (Baum-Welch).
- ``elo``: item difficulty (and learner ability) ratings in logits.
- ``selection``: ``choose_next`` picks the next template and says why; ``report``: per-skill rows.

Everything takes and returns plain values (frozen dataclasses, floats, datetimes); no I/O.
A service keeps one ``SkillState`` per learner and skill, calls ``observe_item`` (or ``observe``
per skill with ``others``) after each graded part,
``elo_update`` for the template's rating, and ``choose_next`` for practice.
"""

from .bkt import (
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
from .elo import (
    DIFFICULTY_STEP,
    EloRating,
    EloRatings,
    elo_update,
    expected_score,
    initial_item_rating,
    k_factor,
)
from .em import MAX_GUESS, MAX_SLIP, fit_bkt
from .report import ReportRow, mastery_report
from .selection import (
    DEFAULT_BAND,
    DEFAULT_THRESHOLD,
    Choice,
    Item,
    choose_next,
    current_masteries,
    observe_item,
    predict_item,
    skill_title,
)
from .skill_graph import (
    EDGE_NOTES,
    PREREQUISITES,
    SKILL_TITLES,
    SKILLS,
    prerequisites_closure,
    topological_order,
    validate_graph,
)

__all__ = [
    "BKTParams",
    "Choice",
    "DEFAULT_BAND",
    "DEFAULT_PARAMS",
    "DEFAULT_THRESHOLD",
    "DIFFICULTY_STEP",
    "EDGE_NOTES",
    "EloRating",
    "EloRatings",
    "Item",
    "MAX_GUESS",
    "MAX_SLIP",
    "PREREQUISITES",
    "ReportRow",
    "SKILLS",
    "SKILL_DEFAULTS",
    "SKILL_TITLES",
    "SkillState",
    "bkt_update",
    "choose_next",
    "current_masteries",
    "current_mastery",
    "days_between",
    "elo_update",
    "expected_score",
    "fit_bkt",
    "forget",
    "initial_item_rating",
    "k_factor",
    "mastery_report",
    "new_state",
    "observe",
    "observe_item",
    "params_for",
    "posterior",
    "predict_correct",
    "predict_item",
    "prerequisites_closure",
    "skill_title",
    "topological_order",
    "validate_graph",
]
