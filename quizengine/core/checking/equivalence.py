"""Are two scalar SymPy expressions equal on the domain? Numbers first, algebra when needed.

The rule (sound on the real domain): two expressions are equal when they are the same
function, which means they agree at every sampled point where both are defined (NaN over the
reals means undefined: ``sqrt(x-5)`` at x=1) *and* are defined at nearly the same points. The
rule is symmetric: a set of points (at least 2 and 5% of them) where exactly one side is defined
makes them different functions, once 50-digit arithmetic confirms it is not a float artefact.
A removable singularity is a single point, never sampled: ``(x^2-1)/(x-1)`` is ``x+1``.
So ``sqrt(x^2)`` is not ``x`` (they differ for x < 0), ``sqrt(x-3)*sqrt(x-5)`` is not
``sqrt((x-3)(x-5))`` (only the second is defined for x < 3), ``log(x^2)`` is not ``2 log(x)``,
and ``log(a^x, a)`` is ``x`` and ``sqrt(k/m)*sqrt(m/k)`` is ``1`` only where the question's
domain makes them defined (``a > 0``; ``k, m > 0``), just as ``sqrt(x^2)`` is ``x`` on x >= 0.

Stages, each only when the previous one could not decide:

1. exact: identical trees, or two rationals;
2. float64 at 48 seeded points (vectorised NumPy, see :mod:`.evaluate`): a clear mismatch at
   several points is *different*, and so is one at 2 of the simple points of
   :func:`.sampling.simple_points` (every variable one of ±2, ±1/2, 3, ±3/2: exponent laws
   fail for a negative base on a set random points miss, ``a^(b*c)`` vs ``(a^b)^c``) once
   50 digits confirm it. Simple points only ever show a mismatch where both sides are defined
   and moderate: definedness is judged on random points alone, since removable singularities
   and poles sit on simple values (``(x^2-4)/(x-2)`` at x = 2). Agreement to 1e-11 at the
   random points, with only small numbers and values below 1e10, is *equal* (beyond that
   float64 cannot see ``exp(72)`` vs ``1 + exp(72)``);
3. 50-digit mpmath at up to 20 points: settles near-ties (``0.333333333333333 x`` vs ``x/3``,
   a constant term off by 1 among 1e13-sized coefficients) and float overflow (``(x-a)^6000``).
   A gap too small to be a clear difference yet too big to be 50-digit rounding (or any gap at
   magnitudes past 1e30) is re-evaluated with more digits (``HI_DPS`` plus the magnitude): a
   real difference keeps its size, rounding vanishes. Past 10^300 (``(x-4a)^6000``) agreement
   to 30 significant digits is all we ask: a unit difference there is out of reach;
4. symbolic proof in a killable worker process (:mod:`.worker`), under the check's deadline.

Constants (no variables) go straight to stage 3 (exactness: ``0.3333`` is not ``1/3``).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.checking.evaluate import Unsupported, compile_expr, evaluate, mp_context
from quizengine.core.checking.sampling import points, simple_points
from quizengine.core.checking.spec import Tolerance

__all__ = ["DIFFERENT", "EQUAL", "UNKNOWN", "Setting", "compare", "numeric_compare"]

EQUAL, DIFFERENT, UNKNOWN = "equal", "different", "unknown"
MIN_DEFINED = 8
MP_POINTS = 10
HI_DPS = 100  # digits of the near-tie re-evaluation (plus the magnitude of the values)
MAX_DPS = 400  # beyond this only relative agreement is asked for (see stage 3)
_BIG = 10**8
_FLOAT_EXACT = 1e10  # float64 agreement means nothing about unit differences beyond this
_SURE = 1e-2  # a float mismatch this large is no rounding error; a smaller one is confirmed in mp
_MODERATE = 1e8  # a simple point with a larger value may sit on a pole (tan(pi/2) = 1.6e16)


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
        found |= _free_symbols(e)
    return tuple(sorted(found, key=lambda s: s.name))


# The expected answer and its known mistakes are the same expressions at every check of a part:
# what is read off them by walking the tree is kept (SymPy does not cache these).
@functools.lru_cache(maxsize=4096)
def _free_symbols(e: sp.Basic) -> frozenset[sp.Symbol]:
    return frozenset(e.free_symbols)


@functools.lru_cache(maxsize=4096)
def _exponent_names_of(e: sp.Basic) -> frozenset[str]:
    return frozenset(s.name for power in e.atoms(sp.Pow) for s in power.exp.free_symbols)


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
    defined_b = np.isfinite(vb)
    sample = _pick(pts, defined | defined_b)
    both = defined & defined_b
    if both.sum() >= MIN_DEFINED:
        ma, mb = np.abs(va[both]), np.abs(vb[both])
        diff = np.abs(va[both] - vb[both])
        scale = float(np.median(ma)) or 1.0
        rel = diff / np.maximum(np.maximum(ma, mb), 1e-300)
        clear = (rel > 1e-6) & (diff > 1e-9 * scale)
        compared = int(both.sum())
        if _many(int(clear.sum()), compared) and (
                _many(int((rel > _SURE).sum()), compared)
                or _mismatch_in_mp(a, b, symbols, backend, [p[both][clear] for p in pts])):
            return DIFFERENT, sample
    if _simple_mismatch(a, b, symbols, backend, setting):
        return DIFFERENT, sample
    lonely = ((defined & np.isnan(vb)) | (defined_b & np.isnan(va))) & _whole(pts, symbols, a, b)
    if _many(int(lonely.sum()), int((defined | defined_b).sum())):
        confirmed = _lonely_in_mp(a, b, symbols, backend, [p[lonely] for p in pts])
        return (DIFFERENT if confirmed else UNKNOWN), sample
    if both.sum() < MIN_DEFINED:
        return UNKNOWN, sample
    tight = (rel <= 1e-11) | (diff <= 1e-12 * scale)
    if tight.all() and max(ma.max(), mb.max()) < _FLOAT_EXACT and not _has_big_numbers(a, b):
        return EQUAL, sample
    return UNKNOWN, sample


def _simple_mismatch(
    a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str, setting: Setting
) -> bool:
    """Whether 2 simple points (see the module docstring) show a clear, moderate mismatch
    where both sides are defined, confirmed at 50 digits."""
    pts = simple_points(symbols, setting.domain)
    va, vb = _values(a, symbols, backend, pts), _values(b, symbols, backend, pts)
    ma, mb = np.abs(va), np.abs(vb)
    with np.errstate(all="ignore"):
        diff = np.abs(va - vb)
        both = np.isfinite(va) & np.isfinite(vb) & (np.maximum(ma, mb) < _MODERATE)
        rel = diff / np.maximum(np.maximum(ma, mb), 1e-300)
    if not both.any():
        return False
    clear = both & (rel > 1e-6) & (diff > 1e-9 * (float(ma[both].max()) or 1.0))
    if int(clear.sum()) < 2:
        return False
    return _mismatch_in_mp(a, b, symbols, backend, [p[clear] for p in pts])


def _mismatch_in_mp(
    a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str, pts: list[np.ndarray]
) -> bool:
    """Whether 50 digits (more for a near tie) confirm a mismatch at 2 of these points."""
    ctx = mp_context()
    mp_backend = "mp_" + backend
    try:
        fa, fb = (compile_expr(e, symbols, mp_backend) for e in (a, b))
    except Unsupported:
        return False
    seen = 0
    for i in range(min(6, pts[0].size)):
        point = tuple(float(p[i]) for p in pts)
        va, vb = fa([ctx.mpf(p) for p in point]), fb([ctx.mpf(p) for p in point])
        if _mp_finite(ctx, va) and _mp_finite(ctx, vb):
            again = functools.partial(_more_digits, a, b, symbols, mp_backend, point)
            seen += _near_tie(ctx, va, vb, again) == DIFFERENT
    return seen >= 2


def _whole(pts: list[np.ndarray], symbols: tuple[sp.Symbol, ...], *exprs: sp.Expr) -> Any:
    """Points where every integer-typed variable is an integer. ``n`` in ``(-1)^n`` (an
    exponent of a negative number) is an integer by the notation, so the domains of
    ``(-cos(x))^n`` and ``(-1)^n*cos(x)^n`` are compared at integer n only."""
    mask = np.ones(pts[0].shape, dtype=bool)
    typed = {v for e in exprs for p in e.atoms(sp.Pow)
             if p.base.is_number and p.base.is_extended_negative for v in p.exp.free_symbols}
    for symbol, values in zip(symbols, pts, strict=True):
        if symbol in typed:
            mask &= values == np.round(values)
    return mask


def _many(count: int, total: int) -> bool:
    """At least two points and 5% of them (one odd point may be a rounding accident)."""
    return count >= 2 and count >= 0.05 * total


def _lonely_in_mp(
    a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str, pts: list[np.ndarray]
) -> bool:
    """Whether 50 digits confirm that exactly one side is undefined at 2 of these points
    (float64 also says NaN for inf - inf after an overflow; mpmath's range is 2^(10^6))."""
    ctx = mp_context()
    try:
        fa, fb = (compile_expr(e, symbols, "mp_" + backend) for e in (a, b))
    except Unsupported:
        return False
    seen = 0
    for i in range(min(4, pts[0].size)):
        args = [ctx.mpf(float(p[i])) for p in pts]
        va, vb = fa(args), fb(args)
        seen += _mp_finite(ctx, va) != _mp_finite(ctx, vb) and _mp_nan(ctx, va, vb)
    return seen >= 2


def _all_declared(symbols: tuple[sp.Symbol, ...], domain: Any) -> bool:
    return bool(domain) and all(s.name in domain for s in symbols)


def _pick(pts: list[np.ndarray], defined: np.ndarray | None) -> list[tuple[float, ...]]:
    if defined is None:
        defined = np.ones(pts[0].shape, dtype=bool)
    order = list(np.flatnonzero(defined)) + list(np.flatnonzero(~defined))
    return [tuple(float(p[i]) for p in pts) for i in order[: 2 * MP_POINTS]]


def exponent_names(*exprs: sp.Basic) -> frozenset[str]:
    """Names of the variables that occur in an exponent."""
    return frozenset().union(*(_exponent_names_of(e) for e in exprs))


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
    """50-digit comparison: any real mismatch is decisive, enough agreement is equality;
    near ties are settled with more digits (:func:`_near_tie`)."""
    ctx = mp_context()
    try:
        fa, fb = compile_expr(a, symbols, backend), compile_expr(b, symbols, backend)
    except Unsupported:
        return UNKNOWN
    agree = defined = lonely = unsure = 0
    for point in sample:
        args = [ctx.mpf(p) for p in point]
        va, vb = fa(args), fb(args)
        ok_a, ok_b = _mp_finite(ctx, va), _mp_finite(ctx, vb)
        lonely += ok_a != ok_b and _mp_nan(ctx, va, vb)
        defined += ok_a
        if not (ok_a and ok_b):
            continue
        again = functools.partial(_more_digits, a, b, symbols, backend, point)
        state = _near_tie(ctx, va, vb, again)
        if state == DIFFERENT:
            return DIFFERENT
        agree += state == EQUAL
        unsure += state == UNKNOWN
    if not symbols:
        return UNKNOWN if unsure else EQUAL if agree else DIFFERENT if defined else UNKNOWN
    if _many(lonely, agree + lonely):
        return DIFFERENT  # defined at different points: different functions
    return EQUAL if agree >= 4 and 3 * agree >= defined else UNKNOWN


def _near_tie(ctx: Any, va: Any, vb: Any, again: Any) -> str:
    """Compare two finite 50-digit values; ``again()`` decides a gap 50 digits cannot."""
    size = max(abs(va), abs(vb))
    gap = abs(va - vb)
    if gap > ctx.mpf(10) ** -30 * size + ctx.mpf(10) ** -40:
        return DIFFERENT
    if gap <= ctx.mpf(10) ** -45 * size and size <= ctx.mpf(10) ** 30:
        return EQUAL  # rounding-sized gap at a magnitude where 50 digits see a unit
    return again(size)  # type: ignore[no-any-return]


def _more_digits(
    a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], backend: str,
    point: tuple[float, ...], size: Any,
) -> str:
    """The same point with ``HI_DPS`` more digits than the values' magnitude: a gap that is
    a real difference keeps its size, a rounding gap shrinks below 10^-(dps-30) relative."""
    magnitude = max(0, int(mp_context().log10(size))) if size > 0 else 0
    dps = -(-(HI_DPS + magnitude) // 50) * 50  # a few precisions only, for the closure cache
    if dps > MAX_DPS:
        return EQUAL  # past 10^300 only relative agreement is in reach (``(x-4a)^6000``)
    hi = mp_context(dps)
    args = [hi.mpf(p) for p in point]
    try:
        va, vb = (compile_expr(e, symbols, backend, dps=dps)(args) for e in (a, b))
    except Unsupported:
        return UNKNOWN
    if not (_mp_finite(hi, va) and _mp_finite(hi, vb)):
        return UNKNOWN
    size = max(abs(va), abs(vb))
    tiny = hi.mpf(10) ** -(dps - 30) * size + hi.mpf(10) ** -(dps - 10)
    return EQUAL if abs(va - vb) <= tiny else DIFFERENT


def _mp_finite(ctx: Any, value: Any) -> bool:
    return not isinstance(value, bool) and bool(ctx.isfinite(value))


def _mp_nan(ctx: Any, *values: Any) -> bool:
    """Whether one of ``values`` is NaN (undefined), not merely an overflow."""
    return any(not isinstance(v, bool) and bool(ctx.isnan(v)) for v in values)


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
