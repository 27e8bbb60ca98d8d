"""Small templates for the question tests (the real bank is tested in test_bank.py)."""

from __future__ import annotations

from pathlib import Path

from quizengine.core.questions import Template, load_template_text

BANK = Path(__file__).resolve().parents[3] / "question_bank"
MINE = {
    "w1-chain-rule": "week1",
    "w2-calculating-hessians": "week2",
}


def bank_template(template_id: str) -> Template:
    """One of this package's example templates, loaded from its file (not the whole bank)."""
    quiz, slug = template_id.split("/")
    return load_template_text((BANK / MINE[quiz] / quiz / f"{slug}.toml").read_text())


def example_ids() -> list[str]:
    """Ids of the example templates that FORMAT.md points to."""
    return sorted(
        f"{quiz}/{f.stem}"
        for quiz, week in MINE.items()
        for f in (BANK / week / quiz).glob("*.toml")
    )


MINIMAL = """
id = "w1-chain-rule/minimal"
version = 1
title = "Minimal"
quiz = "w1-chain-rule"
skills = ["chain-rule"]
difficulty = 1
prompt = \'\'\'Differentiate \\(f(x) = {{ f }}\\).\'\'\'
hints = ['Use the chain rule.']
solution = \'\'\'\\[ f'(x) = {{ fp }} \\]\'\'\'

[params]
a = { int = [2, 9] }
b = { int = [-5, 5], exclude = [0] }

[derived]
f = "sin(a*x + b)"
fp = "diff(f, x)"

[[parts]]
id = "a"
kind = "expression"
answer = "fp"
variables = ["x"]

[[parts.mistakes]]
answer = "cos(a*x + b)"
feedback = 'Multiply by \\({{ a }}\\).'
code = "forgot-inner"

[[parts.tests]]
answer = "expected"
expect = "correct"
"""


def template_text(**replacements: str) -> str:
    """MINIMAL with exact substring replacements (``old=new`` pairs given as a dict)."""
    text = MINIMAL
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)
