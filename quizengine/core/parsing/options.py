"""The values that go in and out of :func:`quizengine.core.parsing.parse`.

``ParseOptions`` says what a question accepts (declared names, extra functions, limits);
``Parsed`` is the reading handed back. ``Parsed.latex`` and ``Parsed.text`` are computed on
first use because ``sympy.latex`` costs more than the whole parse of a typical answer, and the
checker, which parses far more answers than anyone previews, rarely needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FunctionSpec", "ParseOptions", "Parsed"]


@dataclass(frozen=True)
class FunctionSpec:
    """A callable name the grammar may build.

    ``arity`` is an exact count or an inclusive ``(min, max)`` range; ``build`` receives the
    built SymPy arguments and returns a SymPy object. ``unevaluated``, for the built-ins,
    builds the same without SymPy's evaluation (used for composite numbers, see
    ``parsing.unevaluated``).
    """

    name: str
    arity: int | tuple[int, int]
    build: Callable[..., Any]
    unevaluated: Callable[..., Any] | None = None

    def accepts(self, count: int) -> bool:
        """Whether ``count`` arguments suit this function."""
        if isinstance(self.arity, int):
            return count == self.arity
        low, high = self.arity
        return low <= count <= high

    def arity_text(self) -> str:
        """The arity in words, for error messages ("1 argument", "1 or 2 arguments")."""
        if isinstance(self.arity, int):
            return f"{self.arity} argument{'s' if self.arity != 1 else ''}"
        low, high = self.arity
        joint = "or" if high == low + 1 else "to"
        return f"{low} {joint} {high} arguments"


@dataclass(frozen=True)
class ParseOptions:
    """What one question accepts; every limit has a default safe for student input.

    ``variables`` lists the declared names (``None``: any identifier is a symbol).
    ``constants`` binds names to values (template parameters); ``extra_functions`` adds
    callables such as the author language's ``diff``; ``forbidden_functions`` refuses names.
    Limits: ``max_length`` characters, ``max_depth`` nesting, ``max_nodes`` tokens,
    ``max_digits`` digits of any exact number built (and 10^±max_digits for any number),
    ``max_factorial`` for ``n!``, ``max_number_length`` characters of one number literal and
    ``max_nesting`` levels of functions (and roots) inside one another.
    """

    variables: frozenset[str] | None = None
    allow_complex: bool = False
    forbidden_functions: frozenset[str] = frozenset()
    extra_functions: Mapping[str, FunctionSpec] = field(default_factory=dict)
    constants: Mapping[str, Any] = field(default_factory=dict)
    max_length: int = 1000
    max_depth: int = 50
    max_nodes: int = 2000
    max_digits: int = 3000
    max_factorial: int = 1000
    max_number_length: int = 100
    max_nesting: int = 6

    def __post_init__(self) -> None:
        # Accept any iterable of names (a list from JSON, a tuple from an AnswerSpec).
        if self.variables is not None and not isinstance(self.variables, frozenset):
            object.__setattr__(self, "variables", frozenset(self.variables))
        if not isinstance(self.forbidden_functions, frozenset):
            object.__setattr__(self, "forbidden_functions", frozenset(self.forbidden_functions))


class Parsed:
    """The reading of one answer: ``value``, ``shape``, ``latex``, ``text`` and ``notes``.

    Immutable. ``latex`` and ``text`` may be given or are rendered from ``value`` on first
    access (then kept). ``shape`` is one of "expression", "equation", "inequality", "vector",
    "matrix", "set"; ``notes`` are the interpretations shown back to the student.
    """

    __slots__ = ("value", "shape", "notes", "_latex", "_text")

    value: Any
    shape: str
    notes: tuple[str, ...]
    _latex: str | None
    _text: str | None

    def __init__(
        self,
        value: Any,
        shape: str,
        latex: str | None = None,
        text: str | None = None,
        notes: tuple[str, ...] = (),
    ) -> None:
        for name, item in (("value", value), ("shape", shape), ("notes", tuple(notes))):
            object.__setattr__(self, name, item)
        object.__setattr__(self, "_latex", latex)
        object.__setattr__(self, "_text", text)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Parsed is immutable (cannot set {name!r})")

    @property
    def latex(self) -> str:
        """LaTeX of the reading ("we read your answer as")."""
        if self._latex is None:
            from quizengine.core.parsing.render import to_latex

            object.__setattr__(self, "_latex", to_latex(self.value))
        return str(self._latex)

    @property
    def text(self) -> str:
        """Plain-text reading with ``^`` for powers, e.g. ``2*x*cos(x^2)``."""
        if self._text is None:
            from quizengine.core.parsing.render import to_text

            object.__setattr__(self, "_text", to_text(self.value))
        return str(self._text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Parsed):
            return NotImplemented
        return (self.value, self.shape, self.notes) == (other.value, other.shape, other.notes)

    def __hash__(self) -> int:
        return hash((self.value, self.shape, self.notes))

    def __repr__(self) -> str:
        return f"Parsed(value={self.value!r}, shape={self.shape!r}, notes={self.notes!r})"
