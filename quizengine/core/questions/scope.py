"""The values of one draw, and author text evaluated once per template instead of once per variant.

Differentiating, building a Jacobian or multiplying matrices costs SymPy milliseconds to tens of
milliseconds (mostly in its assumptions system), and the result has the same shape in every
variant: only the numbers change. So a text is evaluated once with each numeric param replaced
by a :class:`Placeholder` (its *form*), and each variant substitutes its numbers with
``xreplace``, which rebuilds the tree through SymPy's automatic evaluation: the same value that
evaluating the text with the numbers gives.

A text is evaluated with the numbers instead (as before) when its form would not be the same
shape for every variant or cannot be had:

* it calls a function whose result depends on the values themselves (``expand``, ``factor``,
  ``series(f, x, 0, n)``, ``N``, ``max``, ... in ``PER_VARIANT``);
* its symbolic evaluation fails (``diff(f, x, n)`` with ``n`` a param: the builders refuse a
  placeholder as a variable or an order);
* it uses a derived value that has no form (tracked exactly: the parser's look-ups of names
  are recorded, and such names are bound to a :class:`Tainted` marker as well).

Params whose value is an expression (``choice = ["sin(x)", "e^x"]``) are not placeholders: the
drawn expression is its own form, so forms are kept per combination of such choices. An int
param that a text needs as a number (an order, an index) is bound to its value for that text,
so the text has one form per value of the param.

The substituted form is mathematically the value computed with the numbers, but not always the
same tree (about 1 text in 800 in the bank: ``-8*(4*x + 3)`` against ``-(32*x + 24)``). Which
texts take which path is therefore part of what a variant *is*: stored attempts are regenerated
from their seed, and tests/core/questions/test_golden_variants.py pins the result. Changing the
rules above changes variants. Forms are computed ahead for a whole template by precompute.py
(the same keys, so the same forms); each draw substitutes with a memo of subtrees (``memo``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import sympy as sp

from quizengine.core.errors import QuizengineError
from quizengine.core.questions.author import Placeholder
from quizengine.core.questions.expressions import (
    SYMPY_FAILURES,
    evaluate_condition,
    evaluate_expression,
    evaluate_symbolic,
)
from quizengine.core.questions.schema import ParamSpec, TemplateSpec

__all__ = ["PER_VARIANT", "Scope", "Tainted", "substitute"]

PER_VARIANT = re.compile(
    r"(expand|factor|simplify|together|cancel|apart|numer|denom|series|coeff|limit|integrate"
    r"|N|numeric|Rational|max|min|factorial|binomial|inverse)\s*\("
)
_NONE: Any = object()  # "no form": evaluate with the numbers


class Tainted(Placeholder):
    """Stands for a derived value without a form; a form that holds one is discarded."""


@lru_cache(maxsize=512)
def _placeholders(params: tuple[ParamSpec, ...]) -> dict[str, Any]:
    """One placeholder per numeric param (a matrix of them for vectors and matrices)."""
    out: dict[str, Any] = {}
    for p in params:
        if p.kind in ("vector", "matrix"):
            rows, cols = p.shape
            cells = [Placeholder(f"{p.name}_{i}_{j}") for i in range(rows) for j in range(cols)]
            out[p.name] = sp.ImmutableMatrix(rows, cols, cells)
        elif p.kind != "choice" or all(_is_number_text(c) for c in p.choices):
            out[p.name] = Placeholder(p.name)
    return out


def _is_number_text(choice: Any) -> bool:
    """Whether a choice entry is a number (``2``, ``"1/2"``), not an expression like ``"e^x"``."""
    if not isinstance(choice, str):
        return True
    try:
        return isinstance(evaluate_symbolic(choice, ()), sp.Rational)
    except (QuizengineError, *SYMPY_FAILURES):
        return False


@lru_cache(maxsize=1024)
def _tainted(name: str) -> Tainted:
    return Tainted(name)


class _Recording(dict[str, Any]):
    """The parser's constants, remembering every name it asked about."""

    def __init__(self, items: tuple[tuple[str, Any], ...]) -> None:
        super().__init__(items)
        self.asked: set[str] = set()

    def __contains__(self, name: object) -> bool:
        self.asked.add(str(name))
        return super().__contains__(name)

    def __getitem__(self, name: str) -> Any:
        self.asked.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self.asked.add(name)
        return super().get(name, default)


@lru_cache(maxsize=32768)  # precompute.py puts ~10k forms of the bank here ahead of use
def _form(text: str, bound: tuple[tuple[str, Any], ...]) -> tuple[Any, bool]:
    """(form, holds placeholders) of ``text`` with these forms bound; ``_NONE`` when unusable.

    A cancelled term can hide a use (``F - F``), so a look-up of a name without a form is
    detected while parsing, not in the result.
    """
    constants = _Recording(bound)
    try:
        form = evaluate_symbolic(text, constants)
    except (QuizengineError, *SYMPY_FAILURES):
        return _NONE, False
    tainted = {name for name, value in bound if isinstance(value, Tainted)}
    if constants.asked & tainted or not isinstance(form, sp.Basic | sp.MatrixBase):
        return _NONE, False
    holders = form.atoms(Placeholder)
    if any(isinstance(h, Tainted) for h in holders):
        return _NONE, False
    return form, bool(holders)


@lru_cache(maxsize=16384)
def _in_exponents(form: Any) -> frozenset[str]:
    """Params that are exponents of powers of a variable (``(a*x + 1)^n``).

    Differentiating such a form gives ``n*(a*x + 1)**n/(a*x + 1)``, which substitutes to the
    right value but not to the form students would see, so those params are bound to their
    numbers instead (one form per value).
    """
    if form is _NONE or not isinstance(form, sp.Basic):
        return frozenset()
    names: set[str] = set()
    for power in form.atoms(sp.Pow, sp.exp):
        base, exponent = (sp.E, power.args[0]) if isinstance(power, sp.exp) else power.args
        holders = exponent.atoms(Placeholder)
        if holders and any(not isinstance(s, Placeholder) for s in power.free_symbols):
            names |= {h.name for h in holders}
    return frozenset(names)


def substitute(form: Any, subst: dict[Any, Any], memo: dict[Any, Any] | None = None) -> Any:
    """The value of a form for one variant; relations stay unevaluated, as the parser builds them.

    Exactly ``form.xreplace(subst)`` entry by entry, but sharing ``memo`` (one per variant, for
    one ``subst``): the forms of a template are built from one another (``H``, then
    ``entry(H, 1, 1)``), so a subtree substituted for one value is not rebuilt for the next.

    >>> a = Placeholder("a")
    >>> x = sp.Symbol("x")
    >>> substitute(sp.diff(x**a, x), {a: sp.Integer(3)})
    3*x**2
    """
    memo = {} if memo is None else memo
    if isinstance(form, sp.MatrixBase):
        return sp.ImmutableMatrix(
            form.rows, form.cols, [_replace(e, subst, memo)[0] for e in form.flat()]
        )
    if isinstance(form, sp.Rel):
        lhs, rhs = _replace(form.lhs, subst, memo)[0], _replace(form.rhs, subst, memo)[0]
        return form.func(lhs, rhs, evaluate=False)
    if isinstance(form, sp.And | sp.Or):
        return form.func(*(substitute(a, subst, memo) for a in form.args), evaluate=False)
    return _replace(form, subst, memo)[0]


def _replace(expr: Any, rule: dict[Any, Any], memo: dict[Any, Any]) -> tuple[Any, bool]:
    """SymPy's ``Basic._xreplace`` (same rebuild, same result) with a memo of subtrees."""
    done = memo.get(expr)
    if done is not None:
        return done  # type: ignore[no-any-return]
    if expr in rule:
        out = (rule[expr], True)
    else:
        args, changed = [], False
        for arg in expr.args:
            if getattr(arg, "_xreplace", None) is None:
                args.append(arg)
                continue
            value, moved = _replace(arg, rule, memo)
            args.append(value)
            changed |= moved
        out = (expr.func(*args), True) if changed else (expr, False)
    memo[expr] = out
    return out


class Scope:
    """The concrete values of one draw (``values``) and the forms behind them (``forms``)."""

    def __init__(self, spec: TemplateSpec, values: dict[str, Any]) -> None:
        self.owner = spec.id
        self.values = values
        self.forms: dict[str, Any] = {}
        self.subst: dict[Any, Any] = {}
        self.memo: dict[Any, Any] = {}  # substituted subtrees of this draw (see ``substitute``)
        self.whole = frozenset(p.name for p in spec.params if p.kind == "int")
        self.scalars: dict[str, Any] = {}
        holders = _placeholders(spec.params)
        for name, value in values.items():
            holder = holders.get(name)
            if holder is None:  # an expression-valued choice: its own form
                self.forms[name] = value
            elif isinstance(holder, sp.MatrixBase):
                self.forms[name] = holder
                self.subst.update(zip(holder, value, strict=True))
            else:
                self.forms[name] = holder
                self.subst[holder] = value
                self.scalars[name] = holder

    def child(self, name: str, value: Any, form: Any = _NONE) -> Scope:
        """A copy with one more name bound (``expected`` for mistakes and self-tests)."""
        other = object.__new__(Scope)
        other.owner, other.subst, other.whole = self.owner, self.subst, self.whole
        other.memo = self.memo
        other.scalars = self.scalars
        other.values = {**self.values, name: value}
        other.forms = {k: v for k, v in self.forms.items() if k != name}
        if form is not _NONE:
            other.forms[name] = form
        return other

    def form_of(self, text: str) -> tuple[Any, bool]:
        """(form, holds placeholders) of ``text`` here; ``_NONE``: evaluate with the numbers."""
        return self.form_and_fixed(text)[0]

    def form_and_fixed(self, text: str) -> tuple[tuple[Any, bool], frozenset[str]]:
        """``form_of(text)`` and the params bound to their numbers in it (for precompute.py)."""
        if PER_VARIANT.search(text):
            return (_NONE, False), frozenset()
        bound = []
        for name in self.values:
            if name in text:  # a superset of the names the parser can look up
                form = self.forms.get(name)
                bound.append((name, _tainted(name) if form is None else form))
        fixed: set[str] = set()
        while True:
            found = _form(text, self._bind(bound, fixed))
            if found[0] is _NONE and not fixed and any(n in self.whole for n, _ in bound):
                # An int param used as an order or index (``diff(f, x, n)``): one form per value.
                fixed = {n for n, _ in bound if n in self.whole}
                continue
            names = {n for n, _ in bound if n in self.scalars}
            extra = _in_exponents(found[0]) & names - fixed
            if not extra:
                return found, frozenset(fixed)
            fixed |= extra

    def _bind(self, bound: list[tuple[str, Any]], fixed: set[str]) -> tuple[tuple[str, Any], ...]:
        return tuple((n, self.values[n] if n in fixed else f) for n, f in bound)

    def evaluate_with_form(self, text: str, *, where: str) -> tuple[Any, Any]:
        """The value of ``text`` for this draw and its form (``_NONE`` when it has none)."""
        form, variable = self.form_of(text)
        if form is not _NONE:
            try:
                return (substitute(form, self.subst, self.memo) if variable else form), form
            except SYMPY_FAILURES:
                form = _NONE
        return evaluate_expression(text, self.values, owner=self.owner, where=where), _NONE

    def evaluate(self, text: str, *, where: str) -> Any:
        """The value of an author expression for this draw (``TemplateError`` names ``where``)."""
        return self.evaluate_with_form(text, where=where)[0]

    def define(self, name: str, text: str, *, where: str) -> Any:
        """Evaluate a derived value and bind it for the texts that follow."""
        value, form = self.evaluate_with_form(text, where=where)
        self.values[name] = value
        if form is not _NONE:
            self.forms[name] = form
        return value

    def condition(self, text: str, *, where: str) -> bool:
        """Whether a condition holds for this draw (see ``evaluate_condition``)."""
        return evaluate_condition(
            text,
            self.values,
            owner=self.owner,
            where=where,
            evaluate=lambda side: self.evaluate(side, where=where),
        )
