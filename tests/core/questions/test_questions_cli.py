"""``quizengine bank``: list, validate (exit code, summary line) and generate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizengine.commands.bank import bank

from .helpers import BANK, MINE, MINIMAL


@pytest.fixture
def examples(tmp_path: Path) -> dict[str, str]:
    """A bank folder holding only the example templates (the shared bank grows while we test)."""
    for quiz, week in MINE.items():
        shutil.copytree(BANK / week / quiz, tmp_path / week / quiz)
    return {"QUIZENGINE_BANK_PATH": str(tmp_path)}


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(bank, list(args), env=env, catch_exceptions=False)


def test_list_json(examples) -> None:
    result = run("list", "--json", env=examples)
    assert result.exit_code == 0
    rows = json.loads(result.output)
    row = next(r for r in rows if r["id"] == "w1-chain-rule/power-of-polynomial")
    assert row == {
        "id": "w1-chain-rule/power-of-polynomial",
        "version": 1,
        "quiz": "w1-chain-rule",
        "skills": ["chain-rule"],
        "difficulty": 1,
        "title": "Chain rule: a power of a polynomial",
    }


def test_generate_json(examples) -> None:
    result = run(
        "generate",
        "w2-calculating-hessians/hessian-at-point",
        "--seed",
        "4",
        "--json",
        env=examples,
    )
    assert result.exit_code == 0
    variant = json.loads(result.output)
    assert variant["seed"] == 4 and variant["parts"][0]["kind"] == "matrix"
    assert variant["parts"][0]["expected"] and variant["solution_html"]
    assert run("generate", "nope/nope", "--seed", "1", env=examples).exit_code == 2


def test_generate_reports_a_template_error_without_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "week1" / "w1-chain-rule"
    folder.mkdir(parents=True)
    env = {"QUIZENGINE_BANK_PATH": str(tmp_path)}
    (folder / "minimal.toml").write_text(
        MINIMAL.replace('kind = "expression"', 'kind = "expresion"')
    )
    result = CliRunner().invoke(bank, ["generate", "w1-chain-rule/minimal"], env=env)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # not a crash
    assert result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.startswith(
        "error: week1/w1-chain-rule/minimal.toml: w1-chain-rule/minimal"
    )
    assert "unknown kind 'expresion'" in result.stderr
    # one that loads but has no acceptable variant: the same clean error
    never = MINIMAL.replace("[[parts]]", '[constraints]\nnever = "a > 100"\n\n[[parts]]')
    (folder / "minimal.toml").write_text(never)
    result = CliRunner().invoke(bank, ["generate", "w1-chain-rule/minimal"], env=env)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: w1-chain-rule/minimal: seed 0: no acceptable variant")


def test_validate_one_template(examples) -> None:
    result = run(
        "validate", "--seeds", "3", "--template", "w1-chain-rule/power-of-polynomial", env=examples
    )
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        .splitlines()[-1]
        .startswith("bank validate: ok: 1 templates x 3 seeds")
    )


def test_validate_fails_and_names_template_and_seed(tmp_path: Path) -> None:
    folder = tmp_path / "week1" / "w1-chain-rule"
    folder.mkdir(parents=True)
    shutil.copy(BANK / "week1" / "w1-chain-rule" / "power-of-polynomial.toml", folder)
    broken = MINIMAL + '\n[[parts.tests]]\nanswer = "expected + 1"\nexpect = "correct"\n'
    (folder / "minimal.toml").write_text(broken)
    (folder / "bad.toml").write_text("id = 3\n")
    result = run("validate", "--seeds", "2", env={"QUIZENGINE_BANK_PATH": str(tmp_path)})
    assert result.exit_code == 1
    assert "FAIL w1-chain-rule/minimal" in result.output
    assert "w1-chain-rule/minimal seed 1 part a: tests[1]" in result.output
    assert "load: " in result.output and "bad.toml" in result.output
    assert (
        result.output.strip()
        .splitlines()[-1]
        .startswith("bank validate: FAILED: 2 templates x 2 seeds, 2 templates failing")
    )
