"""Drawing a template's random parameters from a seeded NumPy generator.

Randomness comes only from ``rng_for(id, version, seed)``: ``numpy.random.default_rng`` seeded
with the SHA-256 of ``"<id>:<version>:<seed>"``, so a variant never depends on the process, the
machine or Python's hash randomisation. Draws happen in file order, one generator call at a time,
so adding a parameter at the end of a file leaves the earlier ones unchanged.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from quizengine.core.errors import TemplateError
from quizengine.core.questions.expressions import evaluate_expression
from quizengine.core.questions.schema import ParamSpec

__all__ = ["draw_params", "first_value", "param_values", "rng_for"]


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


def param_values(
    spec: ParamSpec, values: dict[str, Any], owner: str, limit: int
) -> list[Any] | None:
    """Every value ``spec`` can be drawn as (the same SymPy objects ``draw_params`` makes),
    given the params before it; ``None`` when there are more than ``limit``.

    Used to precompute a template's forms (precompute.py), never to draw; a ``rational`` is
    enumerated over its first ``_MAX_DENS`` denominators only (enough for any real template, and
    a partial list only means fewer forms computed ahead).

    >>> a = ParamSpec(name="a", kind="int", low=-2, high=2, exclude=(0,))
    >>> param_values(a, {}, "t", 10), param_values(a, {}, "t", 3)
    ([-2, -1, 1, 2], None)
    """
    found = list(itertools.islice(_every(spec, values, owner), limit + 1))
    return None if len(found) > limit else found


_MAX_DENS = 10_000


def first_value(spec: ParamSpec, values: dict[str, Any], owner: str) -> Any:
    """One value ``spec`` can be drawn as (``None`` when it has none)."""
    return next(_every(spec, values, owner), None)


def _every(spec: ParamSpec, values: dict[str, Any], owner: str) -> Iterator[Any]:
    if spec.kind == "int":
        yield from (sp.Integer(v) for v in _integers(spec.low, spec.high, spec.exclude))
    elif spec.kind == "decimal":
        scale = 10**spec.places
        low = math.ceil(Fraction(str(spec.low)) * scale)
        high = math.floor(Fraction(str(spec.high)) * scale)
        for k in range(low, high + 1):
            if not _excluded(Fraction(k, scale), spec.exclude):
                yield sp.Rational(k, scale)
    elif spec.kind == "rational":
        low, high, seen = Fraction(str(spec.low)), Fraction(str(spec.high)), set()
        for den in range(spec.den[0], min(spec.den[1], spec.den[0] + _MAX_DENS) + 1):
            for num in range(math.ceil(low * den), math.floor(high * den) + 1):
                value = Fraction(num, den)
                if value not in seen and not _excluded(value, spec.exclude):
                    seen.add(value)
                    yield sp.Rational(num, den)
    elif spec.kind == "choice":
        for choice in spec.choices:
            if isinstance(choice, str):
                yield evaluate_expression(choice, values, owner=owner, where=f"params.{spec.name}")
            else:
                yield sp.Rational(str(choice)) if isinstance(choice, float) else sp.Integer(choice)
    else:
        rows, cols = spec.shape
        entries = [sp.Integer(v) for v in _integers(spec.low, spec.high, spec.exclude)]
        for cells in itertools.product(entries, repeat=rows * cols):
            yield sp.ImmutableMatrix(rows, cols, list(cells))
