"""Drawing a template's random parameters from a seeded NumPy generator.

Randomness comes only from ``rng_for(id, version, seed)``: ``numpy.random.default_rng`` seeded
with the SHA-256 of ``"<id>:<version>:<seed>"``, so a variant never depends on the process, the
machine or Python's hash randomisation. Draws happen in file order, one generator call at a time,
so adding a parameter at the end of a file leaves the earlier ones unchanged.
"""

from __future__ import annotations

import hashlib
import math
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.errors import TemplateError
from quizengine.core.questions.expressions import evaluate_expression
from quizengine.core.questions.schema import ParamSpec

__all__ = ["draw_params", "rng_for"]


def rng_for(template_id: str, version: int, seed: int) -> np.random.Generator:
    """The generator of one variant.

    >>> int(rng_for("w1-x/y", 1, 7).integers(1000)) == int(rng_for("w1-x/y", 1, 7).integers(1000))
    True
    """
    digest = hashlib.sha256(f"{template_id}:{version}:{seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest, "big"))


def draw_params(
    params: tuple[ParamSpec, ...], rng: np.random.Generator, owner: str
) -> dict[str, Any]:
    """One value per parameter, in order (a ``choice`` may use the ones before it)."""
    values: dict[str, Any] = {}
    for spec in params:
        values[spec.name] = _draw(spec, rng, values, owner)
    return values


def _draw(spec: ParamSpec, rng: np.random.Generator, values: dict[str, Any], owner: str) -> Any:
    if spec.kind == "int":
        return sp.Integer(_pick(rng, _integers(spec.low, spec.high, spec.exclude)))
    if spec.kind == "decimal":
        scale = 10**spec.places
        low, high = (
            math.ceil(Fraction(str(spec.low)) * scale),
            math.floor(Fraction(str(spec.high)) * scale),
        )
        allowed = [
            k for k in range(low, high + 1) if not _excluded(Fraction(k, scale), spec.exclude)
        ]
        if not allowed:
            raise TemplateError(f"{owner}: params.{spec.name}: no decimal left in the range")
        return sp.Rational(_pick(rng, allowed), scale)
    if spec.kind == "rational":
        return _rational(spec, rng, owner)
    if spec.kind == "choice":
        choice = spec.choices[int(rng.integers(len(spec.choices)))]
        if isinstance(choice, str):
            return evaluate_expression(choice, values, owner=owner, where=f"params.{spec.name}")
        return sp.Rational(str(choice)) if isinstance(choice, float) else sp.Integer(choice)
    entries = _integers(spec.low, spec.high, spec.exclude)
    rows, cols = spec.shape
    picks = [sp.Integer(_pick(rng, entries)) for _ in range(rows * cols)]
    return sp.ImmutableMatrix(rows, cols, picks)


def _pick(rng: np.random.Generator, allowed: tuple[int, ...] | list[int]) -> int:
    return int(allowed[int(rng.integers(len(allowed)))])


@lru_cache(maxsize=1024)
def _integers(low: int, high: int, exclude: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(v for v in range(int(low), int(high) + 1) if v not in exclude)


def _excluded(value: Fraction, exclude: tuple[Any, ...]) -> bool:
    return any(isinstance(e, int | float) and Fraction(str(e)) == value for e in exclude)


def _rational(spec: ParamSpec, rng: np.random.Generator, owner: str) -> Any:
    """A denominator from ``den``, then a numerator keeping the fraction within the range."""
    low, high = Fraction(str(spec.low)), Fraction(str(spec.high))
    for _ in range(100):
        den = int(rng.integers(spec.den[0], spec.den[1] + 1))
        numerators = [
            p
            for p in range(math.ceil(low * den), math.floor(high * den) + 1)
            if not _excluded(Fraction(p, den), spec.exclude)
        ]
        if numerators:
            return sp.Rational(_pick(rng, numerators), den)
    raise TemplateError(f"{owner}: params.{spec.name}: no fraction fits the range and exclusions")
