"""Small templates for the question tests (the real bank is tested in test_bank.py)."""

from __future__ import annotations

MINIMAL = '''
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
'''


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
