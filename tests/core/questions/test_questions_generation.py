"""Variants are deterministic, constrained, shuffled per seed, and hide answers from students."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from quizengine.core.errors import NotFoundError, TemplateError
from quizengine.core.questions import generate, grade_part, load_template_text

from .helpers import BANK, MINE, MINIMAL, bank_template, example_ids, replace


@pytest.fixture(scope="module")
def minimal():
    return load_template_text(MINIMAL)


def test_same_seed_gives_identical_variant(minimal) -> None:
    assert generate(minimal, 5).to_dict() == generate(minimal, 5).to_dict()


def test_different_seeds_give_different_variants(minimal) -> None:
    prompts = {generate(minimal, seed).prompt_html for seed in range(10)}
    assert len(prompts) >= 8


def test_version_changes_the_variant(minimal) -> None:
    bumped = load_template_text(replace(MINIMAL, "version = 1", "version = 2"))
    assert [generate(minimal, s).prompt_html for s in range(6)] != [
        generate(bumped, s).prompt_html for s in range(6)
    ]


_SCRIPT = """
import json, sys
from pathlib import Path
from quizengine.core.questions import generate, load_template_text
out = {}
for path in sys.argv[1:]:
    template = load_template_text(Path(path).read_text())
    out[template.id] = generate(template, 7, plots=True).to_dict()
print(json.dumps(out, sort_keys=True))
"""


def test_same_variant_in_another_process() -> None:
    ids = [
        "w1-chain-rule/which-graph-is-derivative",
        "w2-calculating-hessians/classify-stationary-point",
    ]
    paths = [str(BANK / MINE[tid.split("/")[0]] / f"{tid}.toml") for tid in ids]
    here = json.dumps(
        {tid: generate(bank_template(tid), 7, plots=True).to_dict() for tid in ids}, sort_keys=True
    )
    for hash_seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", _SCRIPT, *paths],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        assert result.stdout.strip() == here


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_public_dict_hides_answers_solution_and_seed() -> None:
    for template in map(bank_template, example_ids()):
        variant = generate(template, 3, plots=False)
        public = variant.public_dict()
        assert not _keys(public) & {
            "expected",
            "expected_latex",
            "solution_html",
            "seed",
            "mistakes",
            "values",
        }
        text = json.dumps(public)
        assert variant.solution_html not in text
        for part in variant.parts:
            if part.kind != "choice" and len(part.expected_latex) > 6:  # short numbers occur anyway
                assert part.expected_latex not in text, (template.id, part.part_id)
        full = variant.to_dict()
        assert (
            full["seed"] == 3
            and full["solution_html"]
            and all("expected" in p for p in full["parts"])
        )


CONSTRAINED = replace(MINIMAL, "[derived]", '[derived]\nc = "a - b"\n').replace(
    "[[parts]]", '[constraints]\nbig-gap = "abs(a - b) >= 6 and b < 0"\n\n[[parts]]', 1
)


def test_constraints_reject_variants() -> None:
    template = load_template_text(CONSTRAINED)
    for seed in range(15):
        values = dict(generate(template, seed, plots=False).values)
        a, b = int(values["a"]), int(values["b"])
        assert abs(a - b) >= 6 and b < 0


def test_unsatisfiable_constraint_raises_naming_it() -> None:
    template = load_template_text(CONSTRAINED.replace("abs(a - b) >= 6 and b < 0", "a > 100"))
    with pytest.raises(
        TemplateError, match=r"seed 0: no acceptable variant in 50 draws.*constraint 'big-gap'"
    ):
        generate(template, 0)


def test_mistake_equal_to_answer_is_degenerate() -> None:
    template = load_template_text(
        replace(MINIMAL, 'answer = "cos(a*x + b)"', 'answer = "a*cos(a*x + b)"')
    )
    with pytest.raises(TemplateError, match="mistake 'forgot-inner' of part a equals the answer"):
        generate(template, 0)


def test_coinciding_mistakes_are_degenerate_and_redrawn() -> None:
    # when a == 3 the two mistakes (not the answer) coincide: that draw is rejected, redrawn
    second = """
[[parts.mistakes]]
answer = "2*cos(a*x + b)"
feedback = 'Not two.'
code = "two"
"""
    text = replace(MINIMAL, 'code = "forgot-inner"\n', 'code = "forgot-inner"\n' + second)
    text = replace(text, 'answer = "cos(a*x + b)"', 'answer = "(a - 1)*cos(a*x + b)"')
    template = load_template_text(text)
    values = [dict(generate(template, s, plots=False).values)["a"] for s in range(40)]
    assert 3 not in values and len(set(values)) >= 5
    always = replace(text, 'answer = "(a - 1)*cos(a*x + b)"', 'answer = "2*cos(b + a*x)"')
    with pytest.raises(TemplateError, match="mistakes 'forgot-inner' and 'two' of part a coincide"):
        generate(load_template_text(always), 0)


def test_zero_answer_is_degenerate_unless_allowed() -> None:
    zero = replace(MINIMAL, 'answer = "fp"', 'answer = "fp - diff(f, x)"')
    with pytest.raises(TemplateError, match="parts.a.answer is 0"):
        generate(load_template_text(zero), 0)
    allowed = replace(zero, 'variables = ["x"]', 'variables = ["x"]\nallow_zero = true')
    assert generate(load_template_text(allowed), 0).parts[0].expected == 0


def test_degenerate_draws_are_redrawn_deterministically() -> None:
    # whenever a == 2 the mistake equals the answer, so that draw is rejected and redrawn
    text = replace(MINIMAL, 'answer = "cos(a*x + b)"', 'answer = "2*cos(a*x + b)"')
    template = load_template_text(text)
    values = [dict(generate(template, s, plots=False).values)["a"] for s in range(30)]
    assert 2 not in values and len(values) == 30
    assert values == [dict(generate(template, s, plots=False).values)["a"] for s in range(30)]


def test_wrong_kind_of_answer_is_a_template_error() -> None:
    text = replace(MINIMAL, 'kind = "expression"', 'kind = "matrix"')
    with pytest.raises(
        TemplateError, match="parts.a.answer: a 'matrix' part needs a matrix answer"
    ):
        generate(load_template_text(text), 0)


def test_choice_options_are_shuffled_per_seed() -> None:
    template = bank_template("w2-calculating-hessians/classify-stationary-point")
    graph = bank_template("w1-chain-rule/which-graph-is-derivative")
    assert {
        generate(template, s, plots=False).parts[2].choices[0].label_html for s in range(5)
    } == {"a local minimum"}
    answers = [generate(graph, s, plots=False).part("a").expected for s in range(24)]
    assert len(set(answers)) >= 3  # the correct graph moves around
    variant = generate(graph, 4, plots=False)
    assert [c.id for c in variant.part("a").choices] == ["A", "B", "C", "D"]
    assert variant.part("a").spec.choices == ("A", "B", "C", "D")


def test_classification_option_follows_the_hessian() -> None:
    template = bank_template("w2-calculating-hessians/classify-stationary-point")
    for seed in range(10):
        variant = generate(template, seed, plots=False)
        values = dict(variant.values)
        d, fxx = int(values["D"]), int(values["H_xx"])
        expected = "C" if d < 0 else ("A" if fxx > 0 else "B")
        assert variant.part("c").expected == expected


def test_grade_part(minimal) -> None:
    variant = generate(minimal, 1)
    part = variant.part("a")
    assert grade_part(variant, "a", part.expected_text).verdict == "correct"
    a = dict(variant.values)["a"]
    mistake = grade_part(variant, "a", f"cos({a}x + {dict(variant.values)['b']})")
    assert (mistake.verdict, mistake.code) == ("incorrect", "mistake:forgot-inner")
    assert grade_part(variant, "a", "cos(").verdict == "invalid"
    with pytest.raises(NotFoundError):
        grade_part(variant, "zz", "1")
