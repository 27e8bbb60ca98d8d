"""Per-template forms: numeric params as placeholders, substituted per variant (scope.py)."""

from __future__ import annotations

import pytest
import sympy as sp

from quizengine.core.errors import TemplateError
from quizengine.core.questions.author import Placeholder
from quizengine.core.questions.expressions import evaluate_expression
from quizengine.core.questions.loader import load_template_text
from quizengine.core.questions.scope import Scope, substitute

x = sp.Symbol("x")

SOURCE = """
id = "w1-x/scope"
version = 1
title = "t"
quiz = "w1-x"
skills = ["chain-rule"]
difficulty = 1
prompt = "p"

[params]
a = {{ int = [-3, 3] }}
n = {{ int = [1, 4] }}
g = {{ choice = ["sin(x)", "e^x"] }}
h = {{ choice = ["1/2", "2"] }}
W = {{ matrix = [2, 2], entries = [-2, 2] }}

[derived]
{derived}

[[parts]]
id = "a"
kind = "expression"
answer = "a*x"
"""

DERIVED = """
f = "(a*x + h)^n * g"
fp = "diff(f, x)"
f2 = "diff(f, x, n)"
big = "expand(f)"
gone = "big - (big + big)/2"
J = "matmul(W, [[a], [1]])"
"""


def scope_for(values: dict[str, int | str]) -> Scope:
    spec = load_template_text(SOURCE.format(derived=DERIVED)).spec
    drawn = {
        name: evaluate_expression(str(v), {}, owner="t", where=name) for name, v in values.items()
    }
    drawn["W"] = sp.ImmutableMatrix([[1, -2], [0, 2]])
    scope = Scope(spec, drawn)
    for name, text in spec.derived:
        scope.define(name, text, where=name)
    return scope


def by_numbers(scope: Scope, text: str) -> object:
    return evaluate_expression(text, scope.values, owner="t", where="check")


@pytest.mark.parametrize(
    ("a", "n", "g", "h"), [(2, 3, "sin(x)", "1/2"), (-1, 1, "e^x", "2"), (0, 2, "e^x", "1/2")]
)
def test_forms_give_the_values_computed_with_the_numbers(a: int, n: int, g: str, h: str) -> None:
    scope = scope_for({"a": a, "n": n, "g": g, "h": h})
    for name, text in load_template_text(SOURCE.format(derived=DERIVED)).spec.derived:
        difference = scope.values[name] - by_numbers(scope, text)
        assert (
            sp.expand(difference) == sp.zeros(*difference.shape)
            if isinstance(difference, sp.MatrixBase)
            else sp.expand(difference) == 0
        ), name


def test_which_texts_have_forms() -> None:
    scope = scope_for({"a": 2, "n": 3, "g": "sin(x)", "h": "2"})
    assert scope.forms["fp"].atoms(Placeholder)  # derivative taken once, with a, n, h as symbols
    assert "f2" in scope.forms  # diff(f, x, n) needs n as a number: one form per value of n
    assert "big" not in scope.forms  # expand depends on the numbers
    assert "gone" not in scope.forms  # uses big, even though big - (big + big)/2 cancels to 0
    assert scope.values["gone"] == 0


def test_a_placeholder_is_never_a_variable() -> None:
    spec = load_template_text(SOURCE.format(derived='bad = "diff(x^2, a)"')).spec
    drawn = {"a": sp.Integer(2), "n": sp.Integer(1), "g": sp.sin(x), "h": sp.Integer(2)}
    drawn["W"] = sp.ImmutableMatrix([[1, 0], [0, 1]])
    with pytest.raises(TemplateError, match="variable"):
        Scope(spec, drawn).define("bad", "diff(x^2, a)", where="derived.bad")


def test_substitute_keeps_relations_unevaluated() -> None:
    a = Placeholder("a")
    relation = sp.Eq(sp.Symbol("y"), a * x, evaluate=False)
    assert substitute(relation, {a: sp.Integer(0)}) == sp.Eq(sp.Symbol("y"), 0, evaluate=False)
