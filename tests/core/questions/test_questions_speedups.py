"""The generation speed-ups change no output: printers, precomputed forms, early constraints,
derivative chains, param domains and the undefined test each agree with what they replace.

(test_golden_variants.py pins whole variants; these tests pin each mechanism on its own.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from quizengine.core.errors import TemplateError
from quizengine.core.parsing import render as parser_render
from quizengine.core.questions import (
    author,
    expressions,
    generate,
    load_template_text,
    precompute,
    printing,
    scope,
)
from quizengine.core.questions.drafting import constraint_schedule
from quizengine.core.questions.numeric import is_undefined
from quizengine.core.questions.params import draw_params, param_values, rng_for

from .helpers import replace, template_text

BANK = Path(__file__).resolve().parents[3] / "question_bank"
FILES = sorted(BANK.rglob("*.toml"))
x, y = sp.Symbol("x"), sp.Symbol("y")


def bank_values() -> list[object]:
    """Every value and expected answer of seed 0 of every template of the bank."""
    out: list[object] = []
    for path in FILES:
        variant = generate(load_template_text(path.read_text(encoding="utf-8")), 0, plots=False)
        out += [value for _, value in variant.values]
        out += [part.expected for part in variant.parts if part.kind != "choice"]
    return out


EXTRA = [
    sp.Float(0.5) * x + sp.Float(2.25),
    sp.Float(1.5),
    sp.ImmutableMatrix([[sp.Float(0.1), x**2], [sp.sin(x), -sp.Rational(1, 3)]]),
    sp.Eq(y, 2 * x + 1, evaluate=False),
    sp.And(sp.Lt(1, x), sp.Lt(x, 3)),
    sp.FiniteSet(1, 2),
    sp.log(x) + sp.asin(x) + sp.Abs(x) + sp.E**x,
]


def test_latex_and_text_are_the_parsers_character_for_character() -> None:
    printing.clear_memos()
    values = [v for v in bank_values() + EXTRA if isinstance(v, sp.Basic | sp.MatrixBase)]
    assert len(values) > 500
    remembered = [(printing.latex_of(v), printing.text_of(v)) for v in values + values]
    for value, (latex, text) in zip(values + values, remembered, strict=True):
        printing.clear_memos()  # the reference: printed with nothing remembered
        assert latex == parser_render.to_latex(value), value
        assert text == parser_render.to_text(value), value


def test_undefined_test_agrees_with_has() -> None:
    values = [v for v in bank_values() + EXTRA if isinstance(v, sp.Basic)]
    values += [1 / sp.Integer(0) + x, sp.nan * y, -sp.oo + sp.sin(x), sp.exp(x) * sp.oo]
    for value in values:
        assert is_undefined(value) == value.has(sp.zoo, sp.nan, sp.oo, -sp.oo), value


@pytest.mark.parametrize(
    "template_id",
    ["w3-multivariate-chain-rule/matrix-form", "w1-product-rule/three-factors",
     "w1-unleashing-the-toolbox/quotient-rule"],
)
def test_precomputed_forms_change_no_variant(template_id: str) -> None:
    source = next(BANK.glob(f"*/{template_id}.toml")).read_text(encoding="utf-8")

    def variants(*, prepared: bool) -> list[dict[str, object]]:
        scope._form.cache_clear()
        expressions._evaluate.cache_clear()
        # A source of its own: a spec that no other test has prepared yet.
        template = load_template_text(source + ("\n\n" if prepared else "\n\n\n"))
        if not prepared:
            with precompute.disabled():
                return [generate(template, s, plots=False).to_dict() for s in range(8)]
        precompute.prepare(template.spec)
        assert scope._form.cache_info().currsize > 0  # forms were computed ahead
        return [generate(template, s, plots=False).to_dict() for s in range(8)]

    assert variants(prepared=True) == variants(prepared=False)


def test_constraint_schedule_waits_for_every_name_it_may_use() -> None:
    derived = (("f", "a*x"), ("g", "diff(f, x)"), ("h", "g^2"))
    constraints = (("c1", "h != 0"), ("c2", "a > 1"), ("c3", "f != g"))
    assert constraint_schedule(derived, constraints) == ((1,), (), (2,), (0,))


def test_a_constraint_on_params_rejects_before_derived_values_are_computed() -> None:
    # n > 4 would make diff(f, x, 2*n) refuse (order limit 5): the constraint on n comes first.
    text = template_text(
        **{'b = { int = [-5, 5], exclude = [0] }': 'b = { int = [-5, 5], exclude = [0] }\n'
           'n = { int = [1, 4] }',
           'fp = "diff(f, x)"': 'fp = "diff(f, x)"\nhigh = "diff(f, x, 2*n)"'}
    )
    text = replace(text, "[[parts]]", '[constraints]\nsmall = "n <= 2"\n\n[[parts]]')
    template = load_template_text(text)
    for seed in range(10):
        assert generate(template, seed, plots=False).to_dict()["values"]["n"] in ("1", "2")


def test_a_broken_constraint_still_fails_the_template() -> None:
    text = replace(template_text(), "[[parts]]", '[constraints]\nbad = "a*x > 1"\n\n[[parts]]')
    with pytest.raises(TemplateError, match="must be a number"):
        generate(load_template_text(text), 0, plots=False)


def test_derivative_chains_are_successive_diffs() -> None:
    f = sp.exp(2 * x) * sp.cos(3 * x) / (1 - x)
    author._CHAINS.clear()
    assert author._derivatives(f, x, 1) == (f, sp.diff(f, x))
    chain = author._derivatives(f, x, 3)
    assert chain == (f, sp.diff(f, x), sp.diff(sp.diff(f, x), x),
                     sp.diff(sp.diff(sp.diff(f, x), x), x))
    author._CHAINS.clear()
    fresh = author._taylor(f, x, sp.Integer(0), sp.Integer(3))
    assert author._taylor(f, x, sp.Integer(0), sp.Integer(3)) == fresh
    assert sp.srepr(fresh) == sp.srepr(author._taylor(f, x, sp.Integer(0), sp.Integer(3)))


@pytest.mark.parametrize("path", FILES[::7], ids=[p.stem for p in FILES[::7]])
def test_param_domains_hold_every_drawn_value(path: Path) -> None:
    spec = load_template_text(path.read_text(encoding="utf-8")).spec
    for seed in range(15):
        values = draw_params(spec.params, rng_for(spec.id, spec.version, seed), spec.id)
        earlier: dict[str, object] = {}
        for param in spec.params:
            domain = param_values(param, earlier, spec.id, 2000)
            if domain is not None:
                assert values[param.name] in domain, (param.name, values[param.name])
            earlier[param.name] = values[param.name]
