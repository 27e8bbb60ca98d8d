"""``quizengine grade`` through click's CliRunner (no Flask app needed)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.usefixtures("needs_parser")


def run(lines: list[str]) -> list[dict[str, object]]:
    from quizengine.commands.grade import grade  # after needs_parser: commands import the bank

    result = CliRunner().invoke(grade, input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_rows_in_order_with_bad_rows_answered() -> None:
    rows = [
        json.dumps({"id": "a", "teacher": "2x", "student": "x + x"}),
        "{not json",
        json.dumps({"id": "b", "teacher": "x"}),
        json.dumps({"id": "c", "kind": "numeric", "teacher": "pi", "student": "3.14",
                    "tolerance": {"rel": 0.001}}),
        json.dumps({"id": "d", "teacher": "sqrt(x^2)", "student": "x", "domain": {"x": [0, 5]}}),
        json.dumps({"id": "e", "teacher": "x", "student": "x", "tolerance": {"sigfigs": None}}),
        json.dumps([1, 2]),
        json.dumps({"id": "f", "kind": "shape", "teacher": "x", "student": "x"}),
        json.dumps({"id": "g", "teacher": "x^2", "student": "x^3", "variables": ["x"]}),
    ]
    out = run(rows)
    assert [o["verdict"] for o in out] == ["correct", "invalid", "invalid", "correct", "correct",
                                          "invalid", "invalid", "invalid", "incorrect"]
    assert [o["id"] for o in out] == ["a", None, "b", "c", "d", "e", None, "f", "g"]
    for o in out:
        assert set(o) == {"id", "verdict", "score", "feedback", "interpreted", "seconds"}
        assert isinstance(o["seconds"], float)
    assert out[0]["interpreted"]
