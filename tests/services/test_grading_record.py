"""The grading record stored with a question instance grades exactly like the generated variant."""

from __future__ import annotations

import json

import pytest

from quizengine.core.checking import check
from quizengine.services import variants

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def generated(bank) -> list:
    from quizengine.core.questions import generate

    return [generate(template, seed, plots=False) for template in bank.values() for seed in SEEDS]


def _rebuilt(variant) -> tuple:
    record = json.loads(json.dumps(variants.grading_record(variant)))  # as the database keeps it
    return tuple(variants._rebuilt(json.dumps(r, sort_keys=True)) for r in record["parts"])


def test_every_fixture_template_round_trips_its_expected_answers(generated) -> None:
    from tests.conftest import answer_text

    stored = 0
    for variant in generated:
        for part, rebuilt in zip(variant.parts, _rebuilt(variant), strict=True):
            if rebuilt is None:  # not exact as text: graded from the regenerated variant
                continue
            stored += 1
            assert rebuilt == variants.grading_part_of(part), (variant.template_id, part.part_id)
            text = part.expected_text if part.kind != "choice" else part.expected
            assert check(rebuilt.expected, text, rebuilt.spec).verdict == "correct", text
            typed = answer_text(part)
            assert (check(rebuilt.expected, typed, rebuilt.spec).to_dict()
                    == check(part.expected, typed, part.spec).to_dict())
    assert stored >= len(generated)  # at least one part per variant does not need regenerating


def test_wrong_answers_get_the_same_verdict_and_feedback(generated) -> None:
    from tests.conftest import wrong_text

    for variant in generated[::2]:
        for part, rebuilt in zip(variant.parts, _rebuilt(variant), strict=True):
            if rebuilt is not None:
                answer = wrong_text(part)
                assert (check(rebuilt.expected, answer, rebuilt.spec).to_dict()
                        == check(part.expected, answer, part.spec).to_dict())


def test_a_part_that_does_not_read_back_exactly_is_marked_for_regeneration(generated) -> None:
    import sympy as sp

    part = next(p for v in generated for p in v.parts if p.kind == "expression")
    floaty = variants.grading_part_of(part).__class__(
        part.part_id, part.kind, 1.0, sp.Float(0.1) * sp.Symbol("x"), part.spec)
    record = variants._part_record(floaty)
    assert record.get("regenerate") is True


def test_instances_without_a_record_and_regenerated_parts_fall_back_to_the_variant(
        app, chain_quiz, make_user) -> None:
    from quizengine.services import attempts

    user_id = make_user("grader")
    with app.extensions["quizengine.db"].session() as s, s.begin():
        attempt = attempts.start_attempt(s, user_id=user_id, quiz_id=chain_quiz, secret="g")
        instance = attempt.questions[0]
        assert instance.grading is not None
        from_record = variants.grading_parts(s, instance)
        fresh = tuple(variants.grading_part_of(p)
                      for p in variants.variant_of(s, instance, plots=False).parts)
        assert from_record == fresh
        regenerate_all = {**instance.grading, "parts": [
            {**r, "regenerate": True} for r in instance.grading["parts"]]}
        for grading in (None, regenerate_all):
            instance.grading = grading
            assert variants.grading_parts(s, instance) == fresh
