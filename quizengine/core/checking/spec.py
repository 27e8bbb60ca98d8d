"""The values that go in and out of :func:`quizengine.core.checking.check`.

Everything here is a frozen, hashable dataclass so that a whole ``(expected, answer, spec)``
triple can key the result cache. Mutable inputs (a ``dict`` domain, lists of forms or of
sig-fig options as they arrive from JSON or TOML) are converted on construction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["KINDS", "AnswerSpec", "Domain", "Mistake", "Tolerance", "Verdict"]

KINDS = ("expression", "equation", "inequality", "vector", "matrix", "numeric", "set", "choice")


class Domain(Mapping[str, tuple[float, float]]):
    """A read-only, hashable ``{name: (lo, hi)}`` mapping (the sampling box of each variable).

    >>> d = Domain({"x": [0, 5]})
    >>> d["x"], hash(d) == hash(Domain({"x": (0.0, 5.0)}))
    ((0.0, 5.0), True)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Any] | tuple[tuple[str, Any], ...] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        clean: dict[str, tuple[float, float]] = {}
        for name, bounds in pairs:
            lo, hi = (float(b) for b in bounds)
            if not lo < hi:
                raise ValueError(f"domain of {name!r}: need lo < hi, got [{lo}, {hi}]")
            clean[str(name)] = (lo, hi)
        self._items = tuple(sorted(clean.items()))

    def __getitem__(self, key: str) -> tuple[float, float]:
        for name, bounds in self._items:
            if name == key:
                return bounds
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Domain):
            return self._items == other._items
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"Domain({dict(self._items)!r})"


@dataclass(frozen=True)
class Tolerance:
    """How close a numeric answer must be: ``rel`` (|s-t| <= rel*|t|), ``abs`` (|s-t| <= abs),
    or ``sigfigs`` (STACK NumSigFigs: ``n``, or ``(n, m)`` = written to n s.f., accurate to m;
    ``m = 0`` checks only the digit count, ``m = -1`` condones extra digits)."""

    rel: float | None = None
    abs: float | None = None
    sigfigs: int | tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.sigfigs, list):
            object.__setattr__(self, "sigfigs", tuple(self.sigfigs))

    def problem(self) -> str | None:
        """Why this tolerance cannot be used (``None`` when it can)."""
        for name in ("rel", "abs"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not _is_real(value) or value < 0):
                return f"tolerance {name} must be a non-negative number"
        sf = self.sigfigs
        if sf is None:
            return None
        if _is_int(sf):
            return None if sf >= 1 else "sigfigs must be at least 1"  # type: ignore[operator]
        if isinstance(sf, tuple) and len(sf) == 2 and all(_is_int(v) for v in sf):
            n, m = sf
            return None if n >= 1 and m >= -1 else "sigfigs [n, m] needs n >= 1 and m >= -1"
        return "sigfigs must be an integer n or a pair [n, m]"

    @property
    def is_empty(self) -> bool:
        return self.rel is None and self.abs is None and self.sigfigs is None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, (int, float)) and value == value  # rejects NaN


@dataclass(frozen=True)
class Mistake:
    """An anticipated wrong answer (text or SymPy value) and the feedback it earns."""

    answer: Any
    feedback: str
    code: str = "anticipated"


@dataclass(frozen=True)
class AnswerSpec:
    """What a question part accepts and how it is marked (see docs/interfaces.md).

    ``forms`` may hold "expanded", "factored", "single_fraction", "degree<=N", and for vectors
    "row" or "column" (orientation is free unless one of those is given).
    """

    kind: str = "expression"
    variables: tuple[str, ...] | None = None
    domain: Mapping[str, tuple[float, float]] | None = None
    tolerance: Tolerance | None = None
    forms: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    forbidden_functions: frozenset[str] = frozenset()
    allow_complex: bool = False
    choices: tuple[str, ...] = ()
    timeout: float = 2.0

    def __post_init__(self) -> None:
        fix = object.__setattr__
        if self.variables is not None and not isinstance(self.variables, tuple):
            fix(self, "variables", tuple(self.variables))
        if self.domain is not None and not isinstance(self.domain, Domain):
            fix(self, "domain", Domain(self.domain))
        for name in ("forms", "mistakes", "choices"):
            if not isinstance(getattr(self, name), tuple):
                fix(self, name, tuple(getattr(self, name)))
        if not isinstance(self.forbidden_functions, frozenset):
            fix(self, "forbidden_functions", frozenset(self.forbidden_functions))

    def problem(self) -> str | None:
        """Why this spec cannot be used (``None`` when it can)."""
        if self.kind not in KINDS:
            return f"unknown answer kind {self.kind!r} (expected one of {', '.join(KINDS)})"
        if self.tolerance is not None and (why := self.tolerance.problem()):
            return why
        if not self.timeout > 0:
            return "timeout must be positive"
        return None


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check. ``invalid`` never costs the student anything."""

    verdict: str
    score: float
    feedback: str
    interpreted: str
    code: str
    text: str = ""
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every field."""
        out = asdict(self)
        out["notes"] = list(self.notes)
        return out
