"""Where the numeric tests look: seeded random points in each variable's box.

Random points are non-integer (they avoid the removable singularities and coincidences that
sit on integers, such as ``sin(pi x) = 0``), except that a variable used in an exponent takes
integer values at half the points (``(-1)^n`` exists over the reals only for integer n);
inequalities add structured points (integers and halves) because their boundaries sit there.
The seed comes from the variable names, so the same question always sees the same points.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import numpy as np
import sympy as sp

__all__ = ["DEFAULT_BOX", "WIDE_BOX", "points", "structured_points"]

DEFAULT_BOX = (-3.0, 3.0)
WIDE_BOX = (-30.0, 30.0)
N_POINTS = 48


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
