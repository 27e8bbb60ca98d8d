"""choose_next: fringe, band, no recent repeats, review of faded skills, reasons, determinism."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from quizengine.core.mastery import (
    PREREQUISITES,
    SKILLS,
    BKTParams,
    Choice,
    Item,
    SkillState,
    choose_next,
    mastery_report,
    observe,
    observe_item,
    predict_item,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PARAMS = {s: BKTParams(p_init=0.2, p_transit=0.15, guess=0.2, slip=0.1, p_forget=0.01)
          for s in SKILLS}
ITEMS = [Item(f"{s}-{d}-{k}", (s,), d) for s in SKILLS for d in (1, 2, 3) for k in (1, 2)]


def mastered(*skills, value=0.97, days_ago=0.0):
    when = NOW - timedelta(days=days_ago)
    return {s: SkillState(s, value, attempts=8, last_practised=when) for s in skills}


def choose(states, items=ITEMS, seed=0, **kw):
    return choose_next(states, items, now=NOW, rng=np.random.default_rng(seed), params=PARAMS, **kw)


def test_new_learner_starts_at_the_first_skill_without_prerequisites():
    choice = choose({})
    assert choice.skill == "function-graphs" and choice.kind == "learn"
    assert choice.template_id.startswith("function-graphs-")


def test_fringe_needs_every_prerequisite_mastered():
    everything_but = [s for s in SKILLS if s not in ("jacobian", "jacobian-matrix", "hessian")]
    assert choose(mastered(*everything_but)).skill == "jacobian"
    states = mastered(*everything_but)
    states["partial-derivative"] = SkillState("partial-derivative", 0.6, 3, NOW)
    assert choose(states).skill == "partial-derivative"  # jacobian waits for its prerequisite


@pytest.mark.parametrize("seed", range(10))
def test_item_is_drawn_inside_the_band(seed):
    states = {"function-graphs": SkillState("function-graphs", 0.8, 5, NOW)}
    items = [Item(f"fg-{r}", ("function-graphs",), 2, rating=r) for r in (-3.0, -0.5, 0.0, 3.0)]
    in_band = {i.template_id for i in items
               if 0.6 <= predict_item(i, {"function-graphs": 0.8}, params=PARAMS) <= 0.85}
    assert in_band == {"fg--0.5", "fg-0.0"}
    choice = choose(states, items, seed=seed)
    assert choice.template_id in in_band and 0.6 <= choice.predicted_success <= 0.85


def test_closest_to_the_band_when_none_is_inside():
    items = [Item(f"fg-{d}", ("function-graphs",), d) for d in (1, 2, 3)]
    choice = choose({}, items)  # p_init 0.2: every item predicts < 0.6, the easiest is closest
    assert choice.template_id == "fg-1" and choice.predicted_success < 0.6


@pytest.mark.parametrize("seed", range(10))
def test_recent_templates_are_never_repeated(seed):
    recent = {"function-graphs-1-1", "function-graphs-1-2", "function-graphs-2-1"}
    assert choose({}, seed=seed, recent=recent).template_id not in recent


def test_all_items_of_a_skill_recent_moves_on_and_all_recent_gives_none():
    recent = {i.template_id for i in ITEMS if i.skills == ("function-graphs",)}
    assert choose({}, recent=recent).skill == "power-rule"
    assert choose({}, recent={i.template_id for i in ITEMS}) is None


def test_faded_mastered_skill_is_reviewed_first_with_a_reason():
    states = mastered(*SKILLS[:8])
    states["product-rule"] = SkillState("product-rule", 0.97, 9, NOW - timedelta(days=12))
    choice = choose(states)
    assert (choice.skill, choice.kind) == ("product-rule", "review")
    faded = 0.2 + 0.77 * 0.99**12  # 0.882...
    assert choice.reason == f"review: product rule has faded to {int(faded * 100)}%"
    assert choice.reason == "review: product rule has faded to 88%"


def test_threshold_is_configurable():
    states = mastered(*SKILLS[:8], value=0.9)
    assert choose(states).skill == "function-graphs"  # 0.9 is not mastered at 0.95
    assert choose(states, threshold=0.85).skill == "partial-derivative"


@pytest.mark.parametrize(
    ("mastery", "expected"),
    [
        (0.42, "chain rule: 42% mastered, practising a level-"),
        (0.949, "chain rule: 94% mastered, practising a level-"),  # never rounded up to mastered
    ],
)
def test_learning_reason(mastery, expected):
    states = mastered(*[s for s in SKILLS if s != "chain-rule"])
    states["chain-rule"] = SkillState("chain-rule", mastery, 4, NOW)
    choice = choose(states)
    assert choice.skill == "chain-rule" and choice.reason.startswith(expected)
    level = next(i.difficulty for i in ITEMS if i.template_id == choice.template_id)
    assert choice.reason.endswith(f"level-{level} question")


def test_everything_mastered_keeps_the_weakest_skill_fresh():
    states = mastered(*SKILLS)
    states["hessian"] = SkillState("hessian", 0.96, 8, NOW)
    choice = choose(states)
    assert (choice.skill, choice.kind) == ("hessian", "maintain")
    assert choice.reason.startswith("keeping Hessian fresh (96% mastered)")


def test_choices_are_deterministic_given_the_generator_seed():
    states = {"function-graphs": SkillState("function-graphs", 0.8, 5, NOW)}
    runs = [[choose(states, seed=s) for s in range(20)] for _ in range(2)]
    assert runs[0] == runs[1]
    assert len({c.template_id for c in runs[0]}) > 1  # the seed does matter
    assert all(isinstance(c, Choice) for c in runs[0])


def test_multi_skill_items_need_every_skill():
    item = Item("mixed", ("product-rule", "chain-rule"), 2, rating=0.0)
    alone = predict_item(Item("p", ("product-rule",), 2, rating=0.0), {"product-rule": 0.9},
                         params=PARAMS)
    both = predict_item(item, {"product-rule": 0.9, "chain-rule": 0.5}, params=PARAMS)
    assert both == pytest.approx(alone * 0.55)


def test_mastery_report_lists_skills_in_syllabus_order():
    states = {"chain-rule": SkillState("chain-rule", 0.97, 7, NOW - timedelta(days=12))}
    rows = mastery_report(states, PREREQUISITES, params=PARAMS)
    assert [r.skill for r in rows] == list(SKILLS)
    chain = rows[SKILLS.index("chain-rule")]
    assert (chain.title, chain.mastery, chain.attempts, chain.mastered) == (
        "chain rule", 0.97, 7, True)
    decayed = mastery_report(states, PREREQUISITES, params=PARAMS, now=NOW)
    assert decayed[SKILLS.index("chain-rule")].mastery == pytest.approx(0.2 + 0.77 * 0.99**12)
    assert rows[0].mastery == 0.2 and rows[0].attempts == 0


def test_observe_item_single_skill_is_plain_observe():
    state = SkillState("chain-rule", 0.5, 3, NOW - timedelta(days=2))
    item = Item("c", ("chain-rule",), 3)
    got = observe_item({"chain-rule": state}, item, 0.0, now=NOW, params=PARAMS, ability=0.2)
    want = observe(state, 0.0, now=NOW, params=PARAMS["chain-rule"], offset=item.offset(0.2))
    assert got == {"chain-rule": want}


def test_observe_item_wrong_answer_blames_the_least_mastered_skill():
    states = {"product-rule": SkillState("product-rule", 0.97, 8, NOW),
              "chain-rule": SkillState("chain-rule", 0.3, 2, NOW)}
    item = Item("mixed", ("product-rule", "chain-rule"), 2, rating=0.0)
    wrong = observe_item(states, item, 0.0, now=NOW, params=PARAMS)
    alone = observe(states["product-rule"], 0.0, now=NOW, params=PARAMS["product-rule"])
    assert wrong["product-rule"].mastery > alone.mastery  # the weak skill is the likely culprit
    assert wrong["product-rule"].mastery > 0.9 > 0.3 > wrong["chain-rule"].mastery
    right = observe_item(states, item, 1.0, now=NOW, params=PARAMS)
    for skill, state in states.items():  # a right answer: every skill came through
        plain = observe(state, 1.0, now=NOW, params=PARAMS[skill])
        assert right[skill].mastery == pytest.approx(plain.mastery)


def test_observe_item_starts_unpractised_skills_at_p_init():
    item = Item("mixed", ("product-rule", "chain-rule"), 2, rating=0.0)
    got = observe_item({}, item, 1.0, now=NOW, params=PARAMS)
    assert set(got) == {"product-rule", "chain-rule"}
    assert all(s.attempts == 1 and s.mastery > 0.2 for s in got.values())


def test_learning_prefers_items_whose_other_skills_are_mastered():
    states = mastered(*[s for s in SKILLS if s not in ("chain-rule", "hessian")])
    states |= {s: SkillState(s, 0.94, 6, NOW) for s in ("chain-rule", "hessian")}
    clean = Item("clean", ("chain-rule", "power-rule"), 3, rating=2.0)  # far below the band
    messy = Item("messy", ("chain-rule", "hessian"), 2, rating=0.0)  # inside the band
    assert 0.6 <= predict_item(messy, {"chain-rule": 0.94, "hessian": 0.94}, params=PARAMS) <= 0.85
    for seed in range(5):
        choice = choose(states, items=[clean, messy], seed=seed)
        assert (choice.skill, choice.template_id) == ("chain-rule", "clean")
    assert choose(states, items=[messy]).template_id == "messy"  # nothing cleaner: still practise
