"""Comparing equations and inequalities (expressions go straight to :mod:`.equivalence`).

Equations (the rule): ``l1 = r1`` and ``l2 = r2`` are equivalent when ``l2 - r2`` is a
non-zero constant multiple of ``l1 - r1`` (so ``y = 2x+1`` and ``2x - y + 1 = 0`` match), or
when their numerators over a common denominator are (``y = x/(2x-1)`` and ``1/x + 1/y = 2``).
This keeps root multiplicity (``x = 2`` is not ``(x-2)^2 = 0``) and, like STACK, does not treat
``s^2 = 0`` and ``s^2 e^(st) = 0`` as the same equation. Two equations without solutions
(``1 = 4``, ``2 = 3``) match.

Disjunctions ``x = 1 or x = 2`` are equations too: ``e1 or e2 or ...`` holds exactly where
``(l1 - r1)(l2 - r2)... = 0`` does, so after dropping repeated disjuncts both sides are compared
as that one equation by the rule above (``x = 1 or x = 2`` is ``x^2 - 3x + 2 = 0`` and
``x = 2 or x = 1``; ``x = 1 or x = 1`` is ``x = 1``). A wrong disjunction earns the share of its
disjuncts that match, as a set would.

Inequalities: the same truth value at random and at integer/half-integer points, then (one
variable) the same solution set by ``solveset`` in the worker. With several variables the
sampled agreement is final.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.checking import worker
from quizengine.core.checking.equivalence import (
    DIFFERENT,
    EQUAL,
    UNKNOWN,
    Setting,
    float_safe,
)
from quizengine.core.checking.evaluate import Unsupported, compile_expr, evaluate, mp_context
from quizengine.core.checking.kinds_structured import distinct_items, match_items
from quizengine.core.checking.outcome import Outcome, plain
from quizengine.core.checking.sampling import points, structured_points

__all__ = ["disjunctions", "equations", "inequalities"]


# ------------------------------------------------------------------------------- equations


def equations(t: sp.Equality, s: sp.Equality, setting: Setting) -> str:
    """The equation rule of the module docstring: EQUAL, DIFFERENT or UNKNOWN."""
    t, s = _unsigned(t), _unsigned(s)
    outcome = _proportional(t.lhs, t.rhs, s.lhs, s.rhs, setting)
    if outcome != DIFFERENT:
        return outcome
    d1, d2 = t.lhs - t.rhs, s.lhs - s.rhs
    if not any(p.exp.is_negative for d in (d1, d2) for p in d.atoms(sp.Pow)):
        return DIFFERENT  # no denominators: the numerators are the sides themselves
    if float_safe(d1) and float_safe(d2):  # together() is cheap without huge powers
        n1, n2 = sp.fraction(sp.together(d1))[0], sp.fraction(sp.together(d2))[0]
    else:
        n1, n2 = worker.run("numerators", (d1, d2), deadline=setting.deadline)
    if (n1, n2) == (t.lhs - t.rhs, s.lhs - s.rhs):
        return DIFFERENT
    return _proportional(n1, sp.S.Zero, n2, sp.S.Zero, setting)


def _unsigned(eq: sp.Equality) -> sp.Equality:
    """``|A| = |B|`` as ``A^2 = B^2``: the same solutions (both sides are non-negative), and
    a polynomial form the ratio rule can compare with ``(x-y)(x+y) = 0``."""
    if isinstance(eq.lhs, sp.Abs) and isinstance(eq.rhs, sp.Abs):
        return sp.Eq(eq.lhs.args[0] ** 2, eq.rhs.args[0] ** 2, evaluate=False)
    return eq


def disjunctions(t: Any, s: Any, setting: Setting) -> Outcome:
    """``e1 or e2 ...`` against an equation or another disjunction (module docstring)."""
    wanted = distinct_items(list(sp.Or.make_args(t)), setting)
    given = distinct_items(list(sp.Or.make_args(s)), setting)
    whole = equations(_product_equation(wanted), _product_equation(given), setting)
    if whole != DIFFERENT:
        return plain(whole)
    outcome = match_items(wanted, given, setting, noun="equation")
    if outcome.state != DIFFERENT:
        return outcome
    return Outcome(DIFFERENT, outcome.score, outcome.feedback, "equation")


def _product_equation(equations: list[sp.Equality]) -> sp.Equality:
    product = sp.Mul(*(e.lhs - e.rhs for e in equations))
    return sp.Eq(product, 0, evaluate=False)


def _proportional(l1: Any, r1: Any, l2: Any, r2: Any, setting: Setting) -> str:
    """Is l2 - r2 a non-zero constant multiple of l1 - r1 on the sampled points?"""
    exprs = [e if isinstance(e, sp.Basic) else sp.Integer(e) for e in (l1, r1, l2, r2)]
    symbols = tuple(sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda v: v.name))
    try:
        pts = points(symbols, setting.domain) if symbols else [np.zeros(1)]
        if symbols and all(float_safe(e) for e in exprs):
            vals = [np.broadcast_to(np.asarray(evaluate(e, symbols, "complex", pts), dtype=complex),
                                    pts[0].shape) for e in exprs]
            d1, d2 = vals[0] - vals[1], vals[2] - vals[3]
            s1, s2 = np.abs(vals[0]) + np.abs(vals[1]), np.abs(vals[2]) + np.abs(vals[3])
            z1, z2 = np.abs(d1) <= 1e-9 * s1, np.abs(d2) <= 1e-9 * s2
            ok = np.isfinite(s1) & np.isfinite(s2)
            with np.errstate(all="ignore"):
                outcome = _ratio_test(z1[ok], z2[ok], (d2 / d1)[ok])
            if outcome != UNKNOWN:
                return outcome
        return _mp_ratio(exprs, symbols, pts)
    except Unsupported:
        return UNKNOWN


def _ratio_test(z1: np.ndarray, z2: np.ndarray, ratio: np.ndarray) -> str:
    """Decide from zero flags and ratios d2/d1 at points (needs 8 usable points)."""
    if z1.size < 8 and z1.size != 1:
        return UNKNOWN
    if z1.all() or z2.all():
        return EQUAL if z1.all() and z2.all() else DIFFERENT
    if (z1 != z2).sum() >= min(2, z1.size):
        return DIFFERENT
    ratio = ratio[~z1 & ~z2]
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size == 0:
        return UNKNOWN
    c = np.median(ratio.real) + 1j * np.median(ratio.imag)
    spread = np.abs(ratio - c) / max(abs(c), 1e-300)
    if (spread > 1e-4).sum() >= min(2, ratio.size):
        return DIFFERENT
    return EQUAL if (spread <= 1e-7).all() and c != 0 else UNKNOWN


def _mp_ratio(exprs: list[Any], symbols: tuple[sp.Symbol, ...], pts: list[np.ndarray]) -> str:
    """The ratio test with 50-digit values: no overflow, and the ratio itself is O(1)."""
    ctx = mp_context()
    fns = [compile_expr(e, symbols, "mp_complex") for e in exprs]
    z1, z2, ratio = [], [], []
    for i in range(min(12, pts[0].size)):
        args = [ctx.mpf(float(p[i])) for p in pts]
        l1, r1, l2, r2 = (f(args) for f in fns)
        if not all(ctx.isfinite(v) for v in (l1, r1, l2, r2)):
            continue
        d1, d2 = l1 - r1, l2 - r2
        tiny = ctx.mpf(10) ** -40
        z1.append(abs(d1) <= tiny * (abs(l1) + abs(r1)))
        z2.append(abs(d2) <= tiny * (abs(l2) + abs(r2)))
        quotient = d2 / d1 if d1 != 0 else ctx.nan
        if ctx.isfinite(quotient) and quotient != 0:  # clamp into float range, keep it distinct
            size = abs(quotient)
            quotient = quotient / size * min(max(size, ctx.mpf(1e-300)), ctx.mpf(1e300))
        ratio.append(complex(quotient) if ctx.isfinite(quotient) else complex("nan"))
    if not z1:
        return UNKNOWN
    rule = _ratio_test(np.array(z1), np.array(z2), np.array(ratio, dtype=complex))
    return rule if len(z1) >= 8 or not symbols else UNKNOWN


# ---------------------------------------------------------------------------- inequalities


def inequalities(t: Any, s: Any, setting: Setting) -> str:
    """The inequality rule of the module docstring (chains and single relations)."""
    symbols = tuple(sorted(t.free_symbols | s.free_symbols, key=lambda v: v.name))
    if not symbols:
        return EQUAL if bool(t) == bool(s) else DIFFERENT
    quick = _same_relation(t, s, setting)
    if quick != UNKNOWN:
        return quick
    try:
        for pts in (points(symbols, setting.domain), structured_points(symbols, setting.domain)):
            if (_truth(t, symbols, pts) != _truth(s, symbols, pts)).any():
                return DIFFERENT
        if len(symbols) > 1:
            return EQUAL  # documented: several variables rest on sampled agreement
        grid = _dense_grid(symbols[0], setting)
        a, b = _truth(t, symbols, [grid]), _truth(s, symbols, [grid])
        if (a != b).any():
            return DIFFERENT
        switches = np.flatnonzero(a[1:] != a[:-1])
        on_grid = np.isin(grid[switches], _HALVES) | np.isin(grid[switches + 1], _HALVES)
        if on_grid.all():
            return EQUAL  # every boundary is an integer or a half, where both were evaluated
    except Unsupported:
        if len(symbols) > 1:
            return UNKNOWN
    same = worker.run("ineq_same", (t, s, symbols[0]), deadline=setting.deadline)
    return UNKNOWN if same is None else EQUAL if same else DIFFERENT


_HALVES = np.arange(-200, 201) / 2


def _dense_grid(var: sp.Symbol, setting: Setting) -> np.ndarray:
    lo, hi = (setting.domain or {}).get(var.name, (-6.0, 6.0))
    return np.arange(np.ceil(lo * 1000), np.floor(hi * 1000) + 1) / 1000


def _truth(rel: Any, symbols: tuple[sp.Symbol, ...], pts: list[np.ndarray]) -> np.ndarray:
    value = np.asarray(evaluate(rel, symbols, "real", pts), dtype=bool)
    return np.broadcast_to(value, pts[0].shape)


def _normal(rel: Any) -> tuple[sp.Expr, bool] | None:
    """``rel`` as ``f > 0`` (strict) or ``f >= 0``; None for chains and non-relations."""
    if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
        return rel.lhs - rel.rhs, isinstance(rel, sp.StrictGreaterThan)
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.rhs - rel.lhs, isinstance(rel, sp.StrictLessThan)
    return None


def _same_relation(t: Any, s: Any, setting: Setting) -> str:
    """Fast path: ``f2 = c*f1`` with c > 0 (same strictness, or a boundary that is empty)."""
    one, two = _normal(t), _normal(s)
    if one is None or two is None:
        return UNKNOWN
    (f1, strict1), (f2, strict2) = one, two
    if _proportional(f1, sp.S.Zero, f2, sp.S.Zero, setting) != EQUAL:
        return UNKNOWN
    symbols = tuple(sorted(f1.free_symbols | f2.free_symbols, key=lambda v: v.name))
    pts = points(symbols, setting.domain)
    try:
        v1 = np.asarray(evaluate(f1, symbols, "real", pts), dtype=float)
        v2 = np.asarray(evaluate(f2, symbols, "real", pts), dtype=float)
    except Unsupported:
        return UNKNOWN
    ok = np.isfinite(v1) & np.isfinite(v2) & (v1 != 0)
    if not ok.any() or (np.sign(v1[ok]) != np.sign(v2[ok])).any():
        return UNKNOWN  # negative multiple: leave it to the sampling
    if strict1 == strict2:
        return EQUAL
    touches = (v1[ok] > 0).any() and (v1[ok] < 0).any() or (np.abs(v1) < 1e-12).any()
    return DIFFERENT if touches else UNKNOWN
