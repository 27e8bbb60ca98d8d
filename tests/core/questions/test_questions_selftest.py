"""Self-tests, finite-difference verification and the variety check of ``validate_template``."""

from __future__ import annotations

import sympy as sp

from quizengine.core.questions import count_distinct_variants, load_template_text, validate_template
from quizengine.core.questions.schema import VerifySpec
from quizengine.core.questions.verify import infer_verify, verify_part

from .helpers import MINIMAL, replace

x, y = sp.symbols("x y")


def test_minimal_template_is_valid() -> None:
    assert validate_template(load_template_text(MINIMAL), seeds=5) == []


def test_failing_declared_test_is_reported_with_template_seed_and_part() -> None:
    text = MINIMAL + '\n[[parts.tests]]\nanswer = "expected + x"\nexpect = "correct"\n'
    failures = validate_template(load_template_text(text), seeds=3)
    assert len(failures) == 3
    assert failures[0].startswith("w1-chain-rule/minimal seed 0 part a: tests[1]")
    assert "was incorrect" in failures[0] and "expected correct" in failures[0]


def test_literal_invalid_text_and_expected_code() -> None:
    text = MINIMAL + (
        '\n[[parts.tests]]\ntext = "cos(("\nexpect = "invalid"\n'
        '\n[[parts.tests]]\nanswer = "cos(a*x + b)"\nexpect = "incorrect"\n'
        'code = "mistake:forgot-inner"\n'
    )
    assert validate_template(load_template_text(text), seeds=3) == []
    wrong_code = text.replace('code = "mistake:forgot-inner"', 'code = "mistake:other"')
    failures = validate_template(load_template_text(wrong_code), seeds=2)
    assert failures and "(mistake:other)" in failures[0]


def test_wrong_expected_derivative_is_caught_by_finite_differences() -> None:
    # the author "forgot the chain rule": the answer is wrong, and its own tests agree with it
    text = replace(MINIMAL, 'fp = "diff(f, x)"', 'fp = "cos(a*x + b)"')
    text = replace(text, 'answer = "cos(a*x + b)"', 'answer = "-cos(a*x + b)"')
    text = replace(
        text,
        'variables = ["x"]',
        'variables = ["x"]\nverify = { kind = "derivative", of = "f", wrt = "x" }',
    )
    failures = validate_template(load_template_text(text), seeds=3)
    assert len(failures) == 3
    assert all("disagrees with finite differences" in f for f in failures)


def test_verification_is_inferred_from_diff_answers() -> None:
    template = load_template_text(MINIMAL)
    assert infer_verify(template.spec, template.spec.parts[0]) == VerifySpec(
        kind="derivative", of="f", wrt=("x",)
    )
    inline = load_template_text(
        replace(MINIMAL, 'answer = "fp"', 'answer = "hessian(f*y, [x, y])"')
        .replace('kind = "expression"', 'kind = "matrix"')
        .replace('answer = "cos(a*x + b)"', 'answer = "[[0, 0], [0, 0]]"')
        .replace('variables = ["x"]', 'variables = ["x", "y"]')
    )
    assert infer_verify(inline.spec, inline.spec.parts[0]) == VerifySpec(
        kind="hessian", of="f*y", wrt=("x", "y")
    )
    assert validate_template(inline, seeds=2) == []


def check(kind: str, of, expected, wrt=("x", "y"), at=None) -> str | None:
    spec = VerifySpec(kind=kind, of="F", wrt=wrt, at=at)
    return verify_part(spec, expected, {"F": of}, owner="t", where="parts.a", seed=0)


def test_finite_differences_entrywise() -> None:
    f = x**3 * y + sp.exp(x * y)
    hessian = sp.hessian(f, (x, y))
    assert check("hessian", f, sp.ImmutableMatrix(hessian)) is None
    wrong = sp.ImmutableMatrix(hessian).as_mutable()
    wrong[0, 1] += 1
    assert "disagrees" in check("hessian", f, sp.ImmutableMatrix(wrong))
    assert check("gradient", f, sp.ImmutableMatrix([[sp.diff(f, x), sp.diff(f, y)]])) is None
    assert "disagrees" in check("gradient", f, sp.ImmutableMatrix([[sp.diff(f, x), sp.diff(f, x)]]))
    vector = sp.ImmutableMatrix([[x * y, sp.sin(x) + y**2]])
    assert check("jacobian", vector, sp.ImmutableMatrix(vector.jacobian([x, y]))) is None
    assert "shape" in check("jacobian", vector, sp.ImmutableMatrix([[y, x]]))


def test_finite_differences_at_a_point() -> None:
    f = x**2 * y
    at = (("x", "2"), ("y", "3"))
    assert check("hessian", f, sp.ImmutableMatrix([[6, 4], [4, 0]]), at=at) is None
    assert "disagrees" in check("hessian", f, sp.ImmutableMatrix([[6, 4], [4, 1]]), at=at)
    assert check("derivative", x**3, sp.Integer(12), wrt=("x",), at=(("x", "2"),)) is None
    assert "disagrees" in check("derivative", x**3, sp.Integer(13), wrt=("x",), at=(("x", "2"),))


def test_derivative_samples_every_free_variable() -> None:
    # d/dx of f(x, y): y needs values too (it used to fail with "no value for y")
    f = x**2 * sp.sin(y) + sp.exp(x * y)
    assert check("derivative", f, sp.diff(f, x), wrt=("x",)) is None
    assert "disagrees" in check("derivative", f, sp.diff(f, y), wrt=("x",))
    text = replace(MINIMAL, 'f = "sin(a*x + b)"', 'f = "sin(a*x + b*y)"')
    text = replace(text, 'variables = ["x"]', 'variables = ["x", "y"]')
    text = replace(text, 'answer = "cos(a*x + b)"', 'answer = "cos(a*x + b*y)"')
    assert validate_template(load_template_text(text), seeds=3) == []


def test_verification_uses_the_part_domain() -> None:
    # |x|' = 1 only for x > 0: right on the part's domain [0.5, 2], wrong on the default [-2, 2]
    spec = VerifySpec(kind="derivative", of="F", wrt=("x",))
    args = {"owner": "t", "where": "parts.a", "seed": 0}
    assert "disagrees" in verify_part(spec, sp.Integer(1), {"F": sp.Abs(x)}, **args)
    part = {"x": (0.5, 2.0)}
    assert verify_part(spec, sp.Integer(1), {"F": sp.Abs(x)}, domain=part, **args) is None
    own = VerifySpec(kind="derivative", of="F", wrt=("x",), domain=(("x", (-2.0, -0.5)),))
    assert "disagrees" in verify_part(own, sp.Integer(1), {"F": sp.Abs(x)}, domain=part, **args)
    text = replace(MINIMAL, 'f = "sin(a*x + b)"', 'f = "a*sqrt(x^2) + b*x"')
    text = replace(text, 'answer = "fp"', 'answer = "a + b"')
    text = replace(text, 'answer = "cos(a*x + b)"', 'answer = "a - b"')
    verify = 'verify = { kind = "derivative", of = "f", wrt = "x" }'
    text = replace(
        text, 'variables = ["x"]', f'variables = ["x"]\ndomain = {{ x = [0.5, 2] }}\n{verify}'
    )
    assert validate_template(load_template_text(text), seeds=2) == []


def test_hessian_tolerance_scales_with_the_entries() -> None:
    # near-zero trig entries next to large ones: seeds 2 and 31 failed with the absolute 1e-6
    spec = VerifySpec(kind="hessian", of="F", wrt=("x", "y"))
    for f in (20 * x**4 * y**2 + sp.cos(x) * sp.sin(y), 1e4 * sp.cosh(x) + sp.sin(x) * sp.sin(y)):
        hessian = sp.ImmutableMatrix(sp.hessian(f, (x, y)))
        wrong = hessian.as_mutable()
        wrong[1, 1] += sp.Rational(1, 10)
        for seed in (0, 2, 31):
            args = {"owner": "t", "where": "parts.a", "seed": seed}
            assert verify_part(spec, hessian, {"F": f}, **args) is None
            assert "disagrees" in verify_part(spec, sp.ImmutableMatrix(wrong), {"F": f}, **args)


def test_too_few_variants_is_reported() -> None:
    narrow = replace(
        replace(MINIMAL, "a = { int = [2, 9] }", "a = { int = [2, 3] }"),
        "b = { int = [-5, 5], exclude = [0] }",
        "b = { int = [1, 2] }",
    )
    template = load_template_text(narrow)
    assert count_distinct_variants(template) == 4
    failures = validate_template(template, seeds=2)
    assert failures == [
        "w1-chain-rule/minimal: only 4 distinct variants in seeds 0..59 (need 20): "
        "widen the parameter ranges"
    ]
    assert count_distinct_variants(load_template_text(MINIMAL)) >= 20
