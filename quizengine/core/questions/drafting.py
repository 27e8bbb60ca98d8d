"""Drawing one acceptable set of values for a variant (before any text is rendered).

A draft is params -> derived values -> constraints -> expected answers, mistakes and options.
Degenerate drafts raise :class:`Rejected` and are redrawn by the caller: an undefined value, a
broken constraint, an answer identically 0, a mistake equal to the answer or to another mistake,
options that coincide or a choice part with nothing correct. Errors in the template itself (a
bad expression, an answer of the wrong kind) raise ``TemplateError`` at once: redrawing would
not fix them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.errors import TemplateError
from quizengine.core.questions.numeric import is_undefined, same_value
from quizengine.core.questions.params import draw_params
from quizengine.core.questions.plots import PlotData
from quizengine.core.questions.render import TextRenderer
from quizengine.core.questions.schema import PartSpec, PlotSpec, TemplateSpec
from quizengine.core.questions.schema_parts import OptionSpec
from quizengine.core.questions.scope import Scope

__all__ = ["Draft", "OptionDraft", "PartDraft", "Rejected", "constraint_schedule", "draft_variant"]


class Rejected(Exception):
    """This draw is degenerate; ``reason`` says why (counted to explain a failing template)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class OptionDraft:
    spec: OptionSpec
    value: Any  # SymPy value (expr), rendered plain text (text) or PlotData (plot)
    correct: bool


@dataclass
class PartDraft:
    spec: PartSpec
    expected: Any = None
    expected_form: Any = None  # its per-template form (see scope.py), None when it has none
    mistakes: list[Any] = field(default_factory=list)
    options: list[OptionDraft] = field(default_factory=list)


@dataclass
class Draft:
    values: dict[str, Any]
    plots: list[PlotData]
    parts: list[PartDraft]
    scope: Scope | None = None


def draft_variant(spec: TemplateSpec, rng: np.random.Generator) -> Draft:
    """One draw of every value of the variant; raises ``Rejected`` when it is degenerate.

    Each constraint is checked as soon as the derived values it may use are known (see
    :func:`constraint_schedule`), so a draw that breaks one is dropped before the costly values
    after it are computed. Randomness is used only for the params, so this changes no variant;
    only which reason a rejected draw is counted under may differ. A constraint that raises a
    ``TemplateError`` early is checked again at the end, where it always used to be checked.
    """
    values = draw_params(spec.params, rng, spec.id)
    for name, value in values.items():
        if is_undefined(value):
            raise Rejected(f"params.{name} is undefined")
    scope = Scope(spec, values)
    schedule = constraint_schedule(spec.derived, spec.constraints)
    deferred = _check_constraints(spec, scope, schedule[0])
    for k, (name, text) in enumerate(spec.derived):
        value = scope.define(name, text, where=f"derived.{name}")
        if is_undefined(value):
            raise Rejected(f"derived.{name} is undefined")
        deferred += _check_constraints(spec, scope, schedule[k + 1])
    for index in deferred:
        name, text = spec.constraints[index]
        if not scope.condition(text, where=f"constraints.{name}"):
            raise Rejected(f"constraint '{name}'")
    plots = [plot_data(p, scope, f"plots[{i}]") for i, p in enumerate(spec.plots)]
    parts = [_draft_part(part, scope) for part in spec.parts]
    return Draft(values=scope.values, plots=plots, parts=parts, scope=scope)


@lru_cache(maxsize=1024)
def constraint_schedule(
    derived: tuple[tuple[str, str], ...], constraints: tuple[tuple[str, str], ...]
) -> tuple[tuple[int, ...], ...]:
    """Which constraints can be checked before any derived value (entry 0) and after the k-th
    one (entry k + 1): a constraint waits for the last derived value whose name occurs in its
    text (a superset of the names the parser can look up, as in scope.py).

    >>> constraint_schedule((("f", "a*x"), ("g", "f^2")), (("c1", "g != 0"), ("c2", "a > 1")))
    ((1,), (), (0,))
    """
    ready: list[list[int]] = [[] for _ in range(len(derived) + 1)]
    for index, (_, text) in enumerate(constraints):
        after = max((k + 1 for k, (name, _) in enumerate(derived) if name in text), default=0)
        ready[after].append(index)
    return tuple(tuple(r) for r in ready)


def _check_constraints(spec: TemplateSpec, scope: Scope, indices: tuple[int, ...]) -> list[int]:
    """Check these constraints now; returns those that raised (checked again at the end)."""
    deferred = []
    for index in indices:
        name, text = spec.constraints[index]
        try:
            holds = scope.condition(text, where=f"constraints.{name}")
        except TemplateError:
            deferred.append(index)
            continue
        if not holds:
            raise Rejected(f"constraint '{name}'")
    return deferred


def plot_data(plot: PlotSpec, scope: Scope, where: str) -> PlotData:
    """Evaluate a plot's functions for this variant; they may depend on its variable only."""
    owner = scope.owner
    variable = sp.Symbol(plot.variable)
    functions = []
    for k, text in enumerate(plot.functions):
        value = scope.evaluate(text, where=f"{where}.functions[{k}]")
        if not isinstance(value, sp.Expr):
            raise TemplateError(
                f"{owner}: {where}.functions[{k}]: must be an expression in {variable}"
            )
        extra = value.free_symbols - {variable}
        if extra:
            names = ", ".join(sorted(map(str, extra)))
            raise TemplateError(
                f"{owner}: {where}.functions[{k}]: depends on {names} besides {variable}"
            )
        functions.append(value)
    return PlotData(
        functions=tuple(functions),
        labels=plot.labels,
        x=(float(plot.x[0]), float(plot.x[1])),
        y=None if plot.y is None else (float(plot.y[0]), float(plot.y[1])),
        variable=variable,
    )


def _draft_part(part: PartSpec, scope: Scope) -> PartDraft:
    where, owner = f"parts.{part.id}", scope.owner
    draft = PartDraft(spec=part)
    if part.kind == "choice":
        draft.options = _draft_options(part, scope, where)
        return draft
    assert part.answer is not None  # the schema requires it for every other kind
    expected, form = scope.evaluate_with_form(part.answer, where=f"{where}.answer")
    check_kind(part.kind, expected, owner, f"{where}.answer")
    if is_undefined(expected):
        raise Rejected(f"{where}.answer is undefined")
    if not part.allow_zero and _is_zero(expected):
        raise Rejected(f"{where}.answer is 0")
    with_expected = scope.child("expected", expected, form)
    for k, mistake in enumerate(part.mistakes):
        value = with_expected.evaluate(mistake.answer, where=f"{where}.mistakes[{k}].answer")
        if is_undefined(value):
            raise Rejected(f"{where}.mistakes[{k}] is undefined")
        if same_value(value, expected):
            raise Rejected(f"mistake '{mistake.code}' of part {part.id} equals the answer")
        for j, earlier in enumerate(draft.mistakes):
            if same_value(value, earlier):
                raise Rejected(
                    f"mistakes '{part.mistakes[j].code}' and '{mistake.code}' of part "
                    f"{part.id} coincide"
                )
        draft.mistakes.append(value)
    draft.expected = expected
    draft.expected_form = with_expected.forms.get("expected")
    return draft


def _draft_options(part: PartSpec, scope: Scope, where: str) -> list[OptionDraft]:
    options = []
    text = TextRenderer(scope.owner, scope.values, {})
    for k, option in enumerate(part.options):
        at = f"{where}.options[{k}]"
        correct = (
            option.correct
            if isinstance(option.correct, bool)
            else scope.condition(option.correct, where=f"{at}.correct")
        )
        if option.expr is not None:
            value: Any = scope.evaluate(option.expr, where=f"{at}.expr")
            if is_undefined(value):
                raise Rejected(f"{at} is undefined")
        elif option.plot is not None:
            value = plot_data(option.plot, scope, f"{at}.plot")
        else:
            value = text.plain(option.text or "", f"{at}.text")
        options.append(OptionDraft(spec=option, value=value, correct=correct))
    if not any(o.correct for o in options):
        raise Rejected(f"no correct option in part {part.id}")
    for i, first in enumerate(options):
        for second in options[i + 1 :]:
            if _same_option(first.value, second.value):
                raise Rejected(f"two options of part {part.id} coincide")
    return options


def _same_option(a: Any, b: Any) -> bool:
    if isinstance(a, PlotData) and isinstance(b, PlotData):
        return len(a.functions) == len(b.functions) and all(
            same_value(f, g) for f, g in zip(a.functions, b.functions, strict=True)
        )
    if isinstance(a, str) or isinstance(b, str):
        return bool(a == b)
    return same_value(a, b)


def _is_zero(value: Any) -> bool:
    if isinstance(value, sp.MatrixBase):
        return all(_is_zero(v) for v in value)
    return isinstance(value, sp.Expr) and same_value(value, sp.Integer(0))


_KIND_TESTS = {
    "expression": lambda v: isinstance(v, sp.Expr),
    "numeric": lambda v: isinstance(v, sp.Expr) and not v.free_symbols,
    "vector": lambda v: isinstance(v, sp.MatrixBase) and 1 in v.shape,
    "matrix": lambda v: isinstance(v, sp.MatrixBase),
    "equation": lambda v: isinstance(v, sp.Equality),
    "inequality": lambda v: (
        isinstance(v, sp.Rel | sp.And | sp.Or) and not isinstance(v, sp.Equality)
    ),
    "set": lambda v: isinstance(v, sp.Set),
}


def check_kind(kind: str, value: Any, owner: str, where: str) -> None:
    """Refuse an expected answer that does not fit the part's kind (a template bug)."""
    if not _KIND_TESTS[kind](value):
        raise TemplateError(f"{owner}: {where}: a '{kind}' part needs a {kind} answer, got {value}")
