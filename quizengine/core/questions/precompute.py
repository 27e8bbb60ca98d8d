"""Per-template precomputation: the symbolic work of a template's texts, done once for all.

scope.py evaluates a text once per *form key*: the text with the numeric params as placeholders,
except the values a text cannot take symbolically (an expression-valued choice, an int used as
an order, a param in an exponent), which the key holds as they are. So the first variant drawn
with a new combination of those values pays for the symbolic work (diff, hessian, taylor, ...),
a few milliseconds per text. When a template has few such combinations (at most
``MAX_COMBINATIONS``), :func:`prepare` works through all of them when the template is first
generated in the process: a dry run of the draft that only asks scope.py for forms (derived
values, constraints, plots, answers, mistakes, options), never for values.

It fills nothing but the cache of ``scope._form``, a pure function of its key, with the keys
that drawing would compute anyway: no variant changes, the combinations just stop being slow
the first time they are drawn. Which params a key holds as values is found by running: the
expression-valued choices and the params their texts use, then, until nothing new shows up,
every param some text needed as a number. Templates with more combinations than the cap (a
decimal param in an exponent, a choice of expressions with a number drawn inside) are left to
the lazy cache, and so is whatever is left when a template has used ``MAX_SECONDS`` of CPU.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from quizengine.core.errors import QuizengineError
from quizengine.core.questions.expressions import SYMPY_FAILURES, split_condition
from quizengine.core.questions.params import first_value, param_values
from quizengine.core.questions.schema import TemplateSpec
from quizengine.core.questions.scope import _NONE, Scope, _placeholders

__all__ = ["MAX_COMBINATIONS", "disabled", "prepare"]

MAX_COMBINATIONS = 400
MAX_SECONDS = 1.5  # CPU per template: a template whose forms are very costly stays lazy
_PENDING: Any = object()  # the value of a derived name in a dry run (never looked at)
_DONE: dict[int, TemplateSpec] = {}  # by id(); holding the spec keeps the id from being reused
_STATE = threading.local()

Form = Callable[[Scope, str], Any]


def prepare(spec: TemplateSpec) -> None:
    """Precompute the forms of ``spec`` for every combination, once per process."""
    if getattr(_STATE, "off", False) or id(spec) in _DONE:
        return
    if len(_DONE) >= 4096:
        _DONE.clear()
    _DONE[id(spec)] = spec
    try:
        _precompute(spec)
    except (QuizengineError, *SYMPY_FAILURES):
        return  # a broken template fails when drawn, with its own message


class disabled:  # noqa: N801  # used as ``with disabled():``
    """Context in which :func:`prepare` does nothing (the benchmark's no-cache baseline)."""

    def __enter__(self) -> None:
        _STATE.off = True

    def __exit__(self, *exc: object) -> None:
        _STATE.off = False


def _precompute(spec: TemplateSpec) -> None:
    deadline = time.thread_time() + MAX_SECONDS
    holders = _placeholders(spec.params)
    by_value = {p.name for p in spec.params if p.name not in holders}
    texts = [c for p in spec.params if p.name in by_value for c in p.choices if isinstance(c, str)]
    by_value |= {p.name for p in spec.params if any(p.name in text for text in texts)}
    for _ in range(len(spec.params) + 1):
        combinations = _combinations(spec, by_value)
        if combinations is None:
            return
        needed = _dry_run(spec, combinations[0])  # usually shows every param a text needs
        if not needed <= by_value:
            by_value |= needed
            continue
        for values in combinations[1:]:
            if time.thread_time() > deadline:
                return
            needed |= _dry_run(spec, values)
        if needed <= by_value:
            return
        by_value |= needed


def _combinations(spec: TemplateSpec, by_value: set[str]) -> list[dict[str, Any]] | None:
    """Every combination of the ``by_value`` params (the others at one of their values)."""
    partial: list[dict[str, Any]] = [{}]
    for param in spec.params:
        grown: list[dict[str, Any]] = []
        for values in partial:
            if param.name in by_value:
                options = param_values(param, values, spec.id, MAX_COMBINATIONS)
            else:
                options = [first_value(param, values, spec.id)]
            if options is None or options == [None]:
                return None
            grown += [{**values, param.name: option} for option in options]
            if len(grown) > MAX_COMBINATIONS:
                return None
        partial = grown
    return partial


def _dry_run(spec: TemplateSpec, values: dict[str, Any]) -> set[str]:
    """Ask for the form of every text a draft evaluates; returns the params bound as numbers."""
    needed: set[str] = set()

    def form(scope: Scope, text: str) -> Any:
        (found, _), fixed = scope.form_and_fixed(text)
        needed.update(fixed)
        return found

    scope = Scope(spec, dict(values))
    for name, text in spec.derived:
        found = form(scope, text)
        scope.values[name] = _PENDING
        if found is not _NONE:
            scope.forms[name] = found
    for _, text in spec.constraints:
        _condition(scope, text, form)
    for plot in spec.plots:
        for text in plot.functions:
            form(scope, text)
    for part in spec.parts:
        _part(scope, part, form)
    return needed


def _part(scope: Scope, part: Any, form: Form) -> None:
    if part.kind != "choice":
        expected = scope.child("expected", _PENDING, form(scope, part.answer))
        for mistake in part.mistakes:
            form(expected, mistake.answer)
        return
    for option in part.options:
        if isinstance(option.correct, str):
            _condition(scope, option.correct, form)
        if option.expr is not None:
            form(scope, option.expr)
        elif option.plot is not None:
            for text in option.plot.functions:
                form(scope, text)


def _condition(scope: Scope, text: str, form: Form) -> None:
    for clause in split_condition(text):
        for left, _, right in clause:
            form(scope, left)
            form(scope, right)
