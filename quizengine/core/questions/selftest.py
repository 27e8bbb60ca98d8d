"""Self-tests (as STACK's question tests), independent verification and variety of a template.

``validate_template`` generates variants and, on each, grades through
:func:`quizengine.core.checking.check`: the expected answer (must be correct), every anticipated
mistake (incorrect, with its code), a perturbed answer (not correct), every option of a choice
part, and the template's declared ``[[parts.tests]]``; then the finite-difference verification.
It also counts distinct variants. Failures are returned as messages naming template, seed and part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from quizengine.core.checking import Verdict, check
from quizengine.core.errors import NotFoundError, TemplateError
from quizengine.core.questions.drafting import PartDraft
from quizengine.core.questions.generation import generate, generate_with_draft
from quizengine.core.questions.model import Template, Variant, VariantPart
from quizengine.core.questions.render import text_of
from quizengine.core.questions.scope import Scope
from quizengine.core.questions.verify import infer_verify, verify_part

__all__ = [
    "DISTINCT_SEEDS",
    "MIN_DISTINCT",
    "count_distinct_variants",
    "grade_part",
    "validate_template",
]

MIN_DISTINCT = 20
DISTINCT_SEEDS = range(60)


def grade_part(variant: Variant, part_id: str, answer: str) -> Verdict:
    """Grade one answer to one part of a variant (never raises for a bad answer)."""
    try:
        part = variant.part(part_id)
    except KeyError as exc:
        raise NotFoundError(f"{variant.template_id} has no part '{part_id}'") from exc
    return check(part.expected, answer, part.spec)


def count_distinct_variants(
    template: Template,
    seeds: Iterable[int] = DISTINCT_SEEDS,
    *,
    known: Mapping[int, Variant] | None = None,
) -> int:
    """How many different (prompt, expected answers) the seeds give; failing seeds are skipped.

    ``known`` holds variants already generated for some of the seeds (validation reuses the
    ones it self-tested instead of generating them again).
    """
    seen = set()
    for seed in seeds:
        variant = (known or {}).get(seed)
        if variant is None:
            try:
                variant = generate(template, seed, plots=False)
            except TemplateError:
                continue
        seen.add((variant.prompt_html, tuple(p.expected_text for p in variant.parts)))
    return len(seen)


def validate_template(template: Template, *, seeds: int = 20) -> list[str]:
    """Failure messages for ``seeds`` variants ([] means the template is valid)."""
    failures: list[str] = []
    variants: dict[int, Variant] = {}
    for seed in range(seeds):
        failures.extend(check_seed(template, seed, variants))
    try:
        generate(template, 0, plots=True)
    except TemplateError as exc:
        failures.append(f"{template.id} seed 0: plots: {exc.message}")
    distinct = count_distinct_variants(template, known=variants)
    if distinct < MIN_DISTINCT:
        failures.append(
            f"{template.id}: only {distinct} distinct variants in seeds "
            f"0..{DISTINCT_SEEDS[-1]} (need {MIN_DISTINCT}): widen the parameter ranges"
        )
    return failures


@dataclass(frozen=True)
class _Case:
    label: str
    text: str
    expect: str  # correct | incorrect | invalid | not-correct
    code: str | None = None
    score: float | None = None


def check_seed(
    template: Template, seed: int, generated: dict[int, Variant] | None = None
) -> list[str]:
    """Every self-test and verification of one variant (kept in ``generated`` when given)."""
    try:
        variant, draft = generate_with_draft(template, seed, plots=False)
        if generated is not None:
            generated[seed] = variant
        scope = draft.scope or Scope(template.spec, draft.values)
        failures = []
        for part, part_draft in zip(variant.parts, draft.parts, strict=True):
            where = f"{template.id} seed {seed} part {part.part_id}"
            for case in _cases(part, part_draft, scope):
                failures.extend(_run(case, part, where))
            failures.extend(_verify(template, part, scope, seed, where))
        return failures
    except TemplateError as exc:
        return [f"{template.id} seed {seed}: {exc.message}"]


def _run(case: _Case, part: VariantPart, where: str) -> list[str]:
    verdict = check(part.expected, case.text, part.spec)
    wanted = case.expect
    good = verdict.verdict != "correct" if wanted == "not-correct" else verdict.verdict == wanted
    if good and case.code is not None:
        good = verdict.code == case.code
    if good and case.score is not None:
        good = abs(verdict.score - case.score) <= 1e-9
    if good:
        return []
    want = (
        wanted
        + (f" ({case.code})" if case.code else "")
        + (f" score {case.score}" if case.score is not None else "")
    )
    return [
        f"{where}: {case.label} {case.text!r} was {verdict.verdict} "
        f"({verdict.code}, score {verdict.score}); "
        f"expected {want}. Feedback: {verdict.feedback}"
    ]


def _cases(part: VariantPart, draft: PartDraft, scope: Scope) -> Iterator[_Case]:
    spec = draft.spec
    if part.kind == "choice":
        correct = set(part.expected.split(","))
        yield _Case("the correct choice", part.expected, "correct")
        for choice in part.choices:
            if choice.id not in correct:
                yield _Case(f"option {choice.id}", choice.id, "incorrect")
    else:
        yield _Case("the expected answer", part.expected_text, "correct")
        for mistake, value in zip(spec.mistakes, draft.mistakes, strict=True):
            yield _Case(
                f"mistake '{mistake.code}'", text_of(value), "incorrect", f"mistake:{mistake.code}"
            )
        perturbed = perturb(part.kind, part.expected, tolerant=spec.tolerance is not None)
        if perturbed is not None:
            yield _Case("the perturbed answer", text_of(perturbed), "not-correct")
    if part.kind == "choice":
        with_expected = scope.child("expected", sp.Integer(0), sp.Integer(0))
    elif draft.expected_form is None:
        with_expected = scope.child("expected", draft.expected)
    else:
        with_expected = scope.child("expected", draft.expected, draft.expected_form)
    for k, test in enumerate(spec.tests):
        if test.answer is not None:
            where = f"parts.{spec.id}.tests[{k}].answer"
            text = text_of(with_expected.evaluate(test.answer, where=where))
        else:
            text = test.text or ""
        yield _Case(f"tests[{k}]", text, test.expect, test.code, test.score)


def perturb(kind: str, expected: Any, *, tolerant: bool) -> Any:
    """A nearby wrong answer: +1 (more when a tolerance applies), one entry changed, rhs + 1."""

    def bump(value: Any) -> Any:
        if tolerant and isinstance(value, sp.Expr) and value.is_number:
            return value + 1 + abs(value) / 2
        return value + 1

    if kind in ("expression", "numeric") and isinstance(expected, sp.Expr):
        return bump(expected)
    if kind in ("vector", "matrix") and isinstance(expected, sp.MatrixBase):
        entries = list(expected)
        entries[0] = bump(entries[0])
        return sp.ImmutableMatrix(expected.rows, expected.cols, entries)
    if kind == "equation" and isinstance(expected, sp.Equality):
        return sp.Eq(expected.lhs, bump(expected.rhs), evaluate=False)
    return None


def _verify(
    template: Template, part: VariantPart, scope: Scope, seed: int, where: str
) -> list[str]:
    spec = next(p for p in template.spec.parts if p.id == part.part_id)
    verification = infer_verify(template.spec, spec)
    if verification is None:
        return []
    problem = verify_part(
        verification,
        part.expected,
        scope,
        owner=template.id,
        where=f"parts.{part.part_id}",
        seed=seed,
        domain=dict(spec.domain or ()),
    )
    return [] if problem is None else [f"{where}: {problem}"]
