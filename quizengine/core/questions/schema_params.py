"""Template schema, params: the ``[params]`` table and the rules for names.

Each param is a table with exactly one kind key (``int``, ``rational``, ``decimal``, ``choice``,
``vector``, ``matrix``); the reader checks ranges and exclusions so that drawing can never fail
for a structural reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from quizengine.core.questions.author import AUTHOR_FUNCTIONS, MAX_MATRIX
from quizengine.core.questions.reader import Reader

__all__ = [
    "NAME_RE",
    "PARAM_KINDS",
    "RESERVED",
    "ParamSpec",
    "check_name",
    "read_param",
    "reserved_names_markdown",
]

PARAM_KINDS = ("int", "rational", "decimal", "choice", "vector", "matrix")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
RESERVED = frozenset(AUTHOR_FUNCTIONS) | frozenset(
    [
        "x",
        "y",
        "z",
        "t",
        "e",
        "E",
        "i",
        "I",
        "pi",
        "oo",
        "latex",
        "text",
        "num",
        "signed",
        "plot",
        "answers",
        "expected",
        "sin",
        "cos",
        "tan",
        "exp",
        "log",
        "ln",
        "sqrt",
        "abs",
        "sec",
        "csc",
        "cot",
        "asin",
        "acos",
        "atan",
        "sinh",
        "cosh",
        "tanh",
        "arcsin",
        "arccos",
        "arctan",
    ]
)


def reserved_names_markdown() -> str:
    """The reserved names as FORMAT.md lists them (its test compares, so the two never drift)."""

    def names(group: Iterable[str]) -> str:
        return ", ".join(f"`{n}`" for n in sorted(group, key=lambda n: (n.lower(), n)))

    functions = set(AUTHOR_FUNCTIONS) & RESERVED
    others = names(RESERVED - functions)
    return (
        f"- variables, constants, maths functions and text helpers: {others};\n"
        f"- author functions: {names(functions)}."
    )


@dataclass(frozen=True)
class ParamSpec:
    name: str
    kind: str
    low: Any = 0
    high: Any = 0
    den: tuple[int, int] = (1, 1)
    places: int = 1
    choices: tuple[Any, ...] = ()
    shape: tuple[int, int] = (1, 1)
    exclude: tuple[Any, ...] = ()


def check_name(top: Reader, section: str, name: str, names: set[str]) -> None:
    if not NAME_RE.match(name):
        raise top.fail(
            f"{section}.{name}", "names are letters, digits and '_', starting with a letter"
        )
    if name in RESERVED:
        raise top.fail(
            f"{section}.{name}", f"'{name}' is reserved (a variable, constant, function or helper)"
        )
    if name in names:
        raise top.fail(f"{section}.{name}", f"'{name}' is defined twice")
    names.add(name)


def read_param(top: Reader, name: str, names: set[str]) -> ParamSpec:
    check_name(top, "params", name, names)
    r = Reader(top.table["params"][name], f"params.{name}", top.owner)
    kinds = [k for k in PARAM_KINDS if r.has(k)]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        raise r.fail(
            "", f"needs exactly one kind key among {', '.join(PARAM_KINDS)} (found {found})"
        )
    kind = kinds[0]
    exclude = tuple(r.raw("exclude", []))
    if kind == "choice":
        choices = r.raw("choice")
        if (
            not isinstance(choices, list)
            or not choices
            or not all(
                isinstance(c, str | int | float) and not isinstance(c, bool) for c in choices
            )
        ):
            raise r.fail("choice", "must be a non-empty list of expressions or numbers")
        left = tuple(c for c in choices if c not in exclude)
        spec = ParamSpec(name, kind, choices=left)
    elif kind in ("int", "rational", "decimal"):
        low, high = r.range_of(kind, r.raw(kind), strict=False, integers=kind == "int")
        den = (
            r.range_of("den", r.raw("den"), strict=False, integers=True)
            if kind == "rational"
            else (1, 1)
        )
        if den[0] < 1:
            raise r.fail("den", "denominators must be at least 1")
        places = r.integer("places", 1, low=0, high=6) if kind == "decimal" else 1
        spec = ParamSpec(name, kind, low=low, high=high, den=den, places=places, exclude=exclude)
    else:
        shape = _shape(r, kind)
        low, high = r.range_of("entries", r.raw("entries"), strict=False, integers=True)
        spec = ParamSpec(name, kind, low=low, high=high, shape=shape, exclude=exclude)
    if kind in ("int", "vector", "matrix", "choice") and not _has_values(spec):
        raise r.fail("exclude", "excludes every value of the range")
    r.finish()
    return spec


def _shape(r: Reader, kind: str) -> tuple[int, int]:
    value = r.raw(kind)
    if kind == "vector":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MATRIX:
            raise r.fail("vector", f"must be a length 1..{MAX_MATRIX}")
        return (1, value)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and 1 <= v <= MAX_MATRIX for v in value)
    ):
        raise r.fail("matrix", f"must be [rows, cols], each 1..{MAX_MATRIX}")
    return (value[0], value[1])


def _has_values(spec: ParamSpec) -> bool:
    if spec.kind == "choice":
        return bool(spec.choices)
    return any(v not in spec.exclude for v in range(int(spec.low), int(spec.high) + 1))
