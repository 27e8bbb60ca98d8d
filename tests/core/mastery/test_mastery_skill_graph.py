"""The skill graph: complete for the syllabus, acyclic, ordered, every edge explained."""

import re
from pathlib import Path

import pytest

from quizengine.core.mastery import (
    EDGE_NOTES,
    PREREQUISITES,
    SKILL_TITLES,
    SKILLS,
    prerequisites_closure,
    topological_order,
    validate_graph,
)

SYLLABUS = Path("/work/shared/SYLLABUS.md")


def syllabus_skills():
    skills = set()
    for line in SYLLABUS.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`w\d-[a-z0-9-]+`", cells[0]):
            skills.update(s.strip() for s in cells[3].split(","))
    return skills


@pytest.mark.skipif(not SYLLABUS.exists(), reason="shared SYLLABUS.md not present")
def test_graph_has_exactly_the_syllabus_skills():
    assert set(PREREQUISITES) == syllabus_skills() == set(SKILLS)


def test_graph_is_valid_and_syllabus_order_is_topological():
    validate_graph(PREREQUISITES)
    assert topological_order(PREREQUISITES) == SKILLS
    for skill, pres in PREREQUISITES.items():
        assert all(SKILLS.index(p) < SKILLS.index(skill) for p in pres)


def test_every_edge_has_a_note_and_every_skill_a_title():
    edges = {(pre, skill) for skill, pres in PREREQUISITES.items() for pre in pres}
    assert edges == set(EDGE_NOTES)
    assert all(EDGE_NOTES.values())
    assert set(SKILL_TITLES) == set(SKILLS)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("power-rule", "special-derivatives"), ("special-derivatives", "product-rule"),
        ("product-rule", "quotient-rule"), ("chain-rule", "multivariate-chain-rule"),
        ("partial-derivative", "total-derivative"), ("partial-derivative", "jacobian"),
        ("jacobian", "jacobian-matrix"), ("jacobian-matrix", "hessian"),
        ("hessian", "stationary-points"), ("function-graphs", "derivative-graphs"),
        ("taylor-1d", "taylor-error"), ("taylor-1d", "taylor-2d"),
        ("multivariate-chain-rule", "nn-backprop"), ("nn-forward", "nn-backprop"),
        ("power-rule", "taylor-1d"), ("special-derivatives", "taylor-1d"),
        ("jacobian", "taylor-2d"), ("hessian", "taylor-2d"), ("jacobian", "linearisation"),
    ],
)
def test_course_prerequisites_hold(before, after):
    assert before in prerequisites_closure(after, PREREQUISITES)


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        ({"a": ("b",), "b": ("c",), "c": ("a",)}, "cycle"),
        ({"a": ("a",)}, "cycle"),
        ({"a": ("zzz",)}, "unknown"),
    ],
)
def test_validate_graph_rejects_bad_graphs(graph, message):
    with pytest.raises(ValueError, match=message):
        validate_graph(graph)
