"""Are two scalar SymPy expressions equal on the domain? Numbers first, algebra when needed.

The rule (sound on the real domain): the answer must agree with the expected expression at
every sampled point where both are defined (NaN over the reals means undefined: ``sqrt(x-5)``
at x=1), and must be defined on at least a third of the points where the expected expression
is. So ``sqrt(x^2)`` is not ``x`` (both defined everywhere, they differ for x < 0), while
``log(a^x, a)`` is ``x`` and ``sqrt(k/m)*sqrt(m/k)`` is ``1`` where they make sense.

Stages, each only when the previous one could not decide:

1. exact: identical trees, or two rationals;
2. float64 at 48 seeded points (vectorised NumPy, see :mod:`.evaluate`): a clear mismatch at
   several points is *different*; agreement to 1e-11 with only small numbers is *equal*;
3. 50-digit mpmath at up to 10 points: settles near-ties (``0.333333333333333 x`` vs ``x/3``,
   a constant term off by 1 among 1e13-sized coefficients) and float overflow (``(x-a)^6000``);
4. symbolic proof in a killable worker process (:mod:`.worker`), under the check's deadline.

Constants (no variables) go straight to stage 3 (exactness: ``0.3333`` is not ``1/3``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.checking.evaluate import Unsupported, compile_expr, evaluate, mp_context
from quizengine.core.checking.sampling import points
from quizengine.core.checking.spec import Tolerance

__all__ = ["DIFFERENT", "EQUAL", "UNKNOWN", "Setting", "compare", "numeric_compare"]

EQUAL, DIFFERENT, UNKNOWN = "equal", "different", "unknown"
MIN_DEFINED = 8
MP_POINTS = 10
_BIG = 10**8


@dataclass(frozen=True)
class Setting:
    """How to compare: the sampling box, complex arithmetic, and an optional tolerance."""

    domain: Any = None
    allow_complex: bool = False
    tolerance: Tolerance | None = None
    deadline: float | None = None  # time.monotonic() value; None = no deadline


def compare(a: sp.Expr, b: sp.Expr, setting: Setting) -> str:
    """EQUAL, DIFFERENT or UNKNOWN; raises CheckTimeoutError when the deadline passes.

    >>> x = sp.Symbol("x")
    >>> compare(sp.sin(x)**2 + sp.cos(x)**2, sp.Integer(1), Setting())
    'equal'
    >>> compare(sp.sqrt(x**2), x, Setting())
    'different'
    >>> compare(sp.sqrt(x**2), x, Setting(domain={"x": (0, 5)}))
    'equal'
    """
    outcome = numeric_compare(a, b, setting)
    if outcome != UNKNOWN:
        return outcome
    from quizengine.core.checking import worker

    proved = worker.run("prove_equal", (a, b), deadline=setting.deadline)
    return UNKNOWN if proved is None else EQUAL if proved else DIFFERENT


def numeric_compare(a: sp.Expr, b: sp.Expr, setting: Setting) -> str:
    """Stages 1-3 of the module docstring (in-process, bounded by the parser's limits)."""
    if a == b:
        return EQUAL
    tol = setting.tolerance
    if tol is not None and (tol.rel is not None or tol.abs is not None):
        return _within_tolerance(a, b, setting)
    if a.is_Rational and b.is_Rational:
        return EQUAL if a == b else DIFFERENT
    symbols = _symbols(a, b)
    backend = "complex" if setting.allow_complex or a.has(sp.I) or b.has(sp.I) else "real"
    if not symbols:
        return _mp_stage(a, b, (), [()], "mp_complex")
    try:
        if float_safe(a) and float_safe(b):
            outcome, sample = _float_stage(a, b, symbols, backend, setting)
        else:
            outcome, sample = UNKNOWN, _pick(points(symbols, setting.domain), None)
    except Unsupported:
        return UNKNOWN
    if outcome != UNKNOWN:
        return outcome
    return _mp_stage(a, b, symbols, sample, "mp_" + backend)


def _symbols(*exprs: sp.Basic) -> tuple[sp.Symbol, ...]:
    found: set[sp.Symbol] = set()
    for e in exprs:
        found |= e.free_symbols
    return tuple(sorted(found, key=lambda s: s.name))


def _values(e: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str, pts: list[np.ndarray]) -> Any:
    value = evaluate(e, symbols, backend, pts)
    return np.broadcast_to(np.asarray(value, dtype=complex if backend == "complex" else float),
                           pts[0].shape)


def _float_stage(
    a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str, setting: Setting
) -> tuple[str, list[tuple[float, ...]]]:
    integers = exponent_names(a, b)
    pts = points(symbols, setting.domain, integers=integers)
    va, vb = _values(a, symbols, backend, pts), _values(b, symbols, backend, pts)
    defined = np.isfinite(va)
    if defined.sum() < MIN_DEFINED and not _all_declared(symbols, setting.domain):
        pts = points(symbols, setting.domain, wide=True, integers=integers)
        va, vb = _values(a, symbols, backend, pts), _values(b, symbols, backend, pts)
        defined = np.isfinite(va)
    sample = _pick(pts, defined)
    both = defined & np.isfinite(vb)
    if both.sum() < MIN_DEFINED or 3 * both.sum() < defined.sum():
        return UNKNOWN, sample
    ma, mb = np.abs(va[both]), np.abs(vb[both])
    diff = np.abs(va[both] - vb[both])
    scale = float(np.median(ma)) or 1.0
    rel = diff / np.maximum(np.maximum(ma, mb), 1e-300)
    clear = (rel > 1e-6) & (diff > 1e-9 * scale)
    if clear.sum() >= 2 or (clear.sum() >= 1 and clear.sum() >= 0.05 * both.sum()):
        return DIFFERENT, sample
    tight = (rel <= 1e-11) | (diff <= 1e-12 * scale)
    if tight.all() and not _has_big_numbers(a, b):
        return EQUAL, sample
    return UNKNOWN, sample


def _all_declared(symbols: tuple[sp.Symbol, ...], domain: Any) -> bool:
    return bool(domain) and all(s.name in domain for s in symbols)


def _pick(pts: list[np.ndarray], defined: np.ndarray | None) -> list[tuple[float, ...]]:
    if defined is None:
        defined = np.ones(pts[0].shape, dtype=bool)
    order = list(np.flatnonzero(defined)) + list(np.flatnonzero(~defined))
    return [tuple(float(p[i]) for p in pts) for i in order[: 2 * MP_POINTS]]


def exponent_names(*exprs: sp.Basic) -> frozenset[str]:
    """Names of the variables that occur in an exponent."""
    names: set[str] = set()
    for e in exprs:
        for power in e.atoms(sp.Pow):
            names |= {s.name for s in power.exp.free_symbols}
    return frozenset(names)


def float_safe(e: sp.Basic) -> bool:
    """Whether float64 can evaluate ``e`` faithfully (no huge powers that under/overflow)."""
    for node in sp.preorder_traversal(e):
        if node.is_Pow and node.exp.is_Number and abs(node.exp) > 64:
            return False
    return True


def _has_big_numbers(*exprs: sp.Expr) -> bool:
    """Numbers with more digits than float64 keeps make float agreement inconclusive."""
    for e in exprs:
        for n in e.atoms(sp.Rational, sp.Float):
            if isinstance(n, sp.Float) or abs(n.p) > _BIG or n.q > _BIG:
                return True
    return False


def _mp_stage(
    a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], sample: list[tuple[float, ...]],
    backend: str,
) -> str:
    """50-digit comparison: any real mismatch is decisive, enough agreement is equality."""
    ctx = mp_context()
    try:
        fa, fb = compile_expr(a, symbols, backend), compile_expr(b, symbols, backend)
    except Unsupported:
        return UNKNOWN
    agree = defined = 0
    for point in sample:
        args = [ctx.mpf(p) for p in point]
        va, vb = fa(args), fb(args)
        if not _mp_finite(ctx, va):
            continue
        defined += 1
        if not _mp_finite(ctx, vb):
            continue
        size = max(abs(va), abs(vb))
        if abs(va - vb) > ctx.mpf(10) ** -30 * size + ctx.mpf(10) ** -40:
            return DIFFERENT
        agree += 1
    if not symbols:
        return EQUAL if agree else DIFFERENT if defined else UNKNOWN
    return EQUAL if agree >= 4 and 3 * agree >= defined else UNKNOWN


def _mp_finite(ctx: Any, value: Any) -> bool:
    return not isinstance(value, bool) and bool(ctx.isfinite(value))


def _within_tolerance(a: sp.Expr, b: sp.Expr, setting: Setting) -> str:
    """With ``rel``/``abs`` tolerance: every defined point must be within it (50 digits)."""
    tol = setting.tolerance
    assert tol is not None
    symbols = _symbols(a, b)
    backend = "mp_complex" if setting.allow_complex or a.has(sp.I) or b.has(sp.I) else "mp_real"
    sample = [()] if not symbols else [tuple(map(float, p)) for p in
                                       zip(*points(symbols, setting.domain, n=24), strict=True)]
    ctx = mp_context()
    try:
        fa, fb = compile_expr(a, symbols, backend), compile_expr(b, symbols, backend)
    except Unsupported:
        return UNKNOWN
    seen = 0
    for point in sample:
        args = [ctx.mpf(p) for p in point]
        va, vb = fa(args), fb(args)
        if not _mp_finite(ctx, va):
            continue
        if not _mp_finite(ctx, vb):
            return DIFFERENT
        limit = (tol.abs or 0) + (tol.rel or 0) * abs(va)
        if abs(va - vb) > limit * (1 + ctx.mpf(10) ** -12):  # 1e-12: decimal text vs binary
            return DIFFERENT
        seen += 1
    return EQUAL if seen else UNKNOWN


def now() -> float:
    """The clock deadlines are measured on."""
    return time.monotonic()
