"""Where the numeric tests look: seeded random points in each variable's box.

Random points are non-integer (they avoid the removable singularities and coincidences that
sit on integers, such as ``sin(pi x) = 0``), except that a variable used in an exponent takes
integer values at half the points (``(-1)^n`` exists over the reals only for integer n);
inequalities add structured points (integers and halves) because their boundaries sit there.
Equivalence adds a few *simple* points (:func:`simple_points`: every variable one of ±2, ±1/2,
3, ±3/2) because exponent laws fail only on a set random draws almost never hit: ``a^(b*c)`` and
``(a^b)^c`` differ at a=-2, b=2, c=1/2 (-2 vs 2), a negative base with a rational exponent.
The seed comes from the variable names, so the same question always sees the same points.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Mapping

import numpy as np
import sympy as sp

__all__ = ["DEFAULT_BOX", "SIMPLE_VALUES", "WIDE_BOX", "points", "simple_points",
           "structured_points"]

DEFAULT_BOX = (-3.0, 3.0)
WIDE_BOX = (-30.0, 30.0)
N_POINTS = 48
SIMPLE_VALUES = (2.0, -2.0, 0.5, -0.5, 3.0, 1.5, -1.5)  # no 0 or ±1: too many coincidences
N_SIMPLE = 128  # combinations drawn when there are more than GRID_VARIABLES variables
GRID_VARIABLES = 3


def _boxes(
    symbols: tuple[sp.Symbol, ...],
    domain: Mapping[str, tuple[float, float]] | None,
    default: tuple[float, float],
) -> list[tuple[float, float]]:
    domain = domain or {}
    return [tuple(domain.get(s.name, default)) for s in symbols]  # type: ignore[misc]


def points(
    symbols: tuple[sp.Symbol, ...],
    domain: Mapping[str, tuple[float, float]] | None = None,
    *,
    wide: bool = False,
    n: int = N_POINTS,
    integers: frozenset[str] = frozenset(),
) -> list[np.ndarray]:
    """One array of ``n`` random values per symbol (declared boxes win over the default).

    >>> x = sp.Symbol("x")
    >>> values = points((x,), {"x": (0, 5)})
    >>> [p.shape for p in values], float(values[0].min()) >= 0
    ([(48,)], True)
    """
    seed = zlib.crc32((",".join(s.name for s in symbols) + str(wide)).encode())
    rng = np.random.default_rng(seed)
    boxes = _boxes(symbols, domain, WIDE_BOX if wide else DEFAULT_BOX)
    out = []
    for symbol, (lo, hi) in zip(symbols, boxes, strict=True):
        margin = (hi - lo) * 1e-3  # stay strictly inside: the ends may be singular
        values = rng.uniform(lo + margin, hi - margin, n)
        whole = np.arange(np.ceil(lo), np.floor(hi) + 1)
        if symbol.name in integers and whole.size:
            values[::2] = rng.choice(whole, values[::2].size)  # (-1)^n needs integer n too
        out.append(values)
    return out


def structured_points(
    symbols: tuple[sp.Symbol, ...],
    domain: Mapping[str, tuple[float, float]] | None = None,
    *,
    n: int = 24,
) -> list[np.ndarray]:
    """Integers and halves inside each box, combined at random (seeded)."""
    seed = zlib.crc32(("grid:" + ",".join(s.name for s in symbols)).encode())
    rng = np.random.default_rng(seed)
    out = []
    for lo, hi in _boxes(symbols, domain, DEFAULT_BOX):
        grid = np.arange(np.ceil(lo * 2), np.floor(hi * 2) + 1) / 2
        if grid.size == 0:
            grid = np.array([(lo + hi) / 2])
        out.append(grid if len(symbols) == 1 else rng.choice(grid, n))
    return out


def simple_points(
    symbols: tuple[sp.Symbol, ...],
    domain: Mapping[str, tuple[float, float]] | None = None,
) -> list[np.ndarray]:
    """Each variable one of :data:`SIMPLE_VALUES` inside its declared box (strictly: the ends
    may be singular; the box middle when none fits). One variable takes each value once, up to
    3 variables every combination (at most 343 points), more variables ``N_SIMPLE`` seeded
    combinations. Exact in binary, so an exponent such as 2 * 1/2 is exactly an integer.
    The arrays are cached and read-only.

    >>> a, b = sp.symbols("a b")
    >>> simple_points((a,), {"a": (0, 5)})[0].tolist()
    [2.0, 0.5, 3.0, 1.5]
    >>> [v.shape for v in simple_points((a, b))]
    [(49,), (49,)]
    """
    names = tuple(s.name for s in symbols)
    boxes = tuple(tuple(domain[name]) if domain and name in domain else None for name in names)
    return list(_simple_points(names, boxes))


@functools.lru_cache(maxsize=256)
def _simple_points(
    names: tuple[str, ...], boxes: tuple[tuple[float, float] | None, ...]
) -> tuple[np.ndarray, ...]:
    choices = []
    for box in boxes:
        values = np.array([v for v in SIMPLE_VALUES if box is None or box[0] < v < box[1]])
        choices.append(values if values.size or box is None else np.array([sum(box) / 2]))
    if len(names) <= GRID_VARIABLES:  # every combination
        out = [g.ravel() for g in np.meshgrid(*choices, indexing="ij")]
    else:
        rng = np.random.default_rng(zlib.crc32(("simple:" + ",".join(names)).encode()))
        out = [rng.choice(values, N_SIMPLE) for values in choices]
    for values in out:
        values.flags.writeable = False
    return tuple(out)
