"""Typed, path-aware access to a TOML table, so every schema error names its field.

``Reader(table, "parts[0]")`` hands out values with ``.text("kind")``, ``.integer(...)`` and so
on, and ``.finish()`` refuses keys nobody asked for (a typo must not be silently ignored).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizengine.core.errors import TemplateError

__all__ = ["TOP_LEVEL_KEYS", "Reader"]

TOP_LEVEL_KEYS = frozenset(
    {
        "id",
        "version",
        "title",
        "quiz",
        "skills",
        "difficulty",
        "prompt",
        "hints",
        "solution",
        "notes",
    }
)
_MISSING = object()


class Reader:
    """One TOML table being read; ``where`` is its path for messages (``""`` at the top)."""

    def __init__(self, table: Any, where: str, owner: str) -> None:
        if not isinstance(table, Mapping):
            raise TemplateError(f"{owner}: {where}: expected a table, got {_kind(table)}")
        self.table, self.where, self.owner = table, where, owner
        self.used: set[str] = set()

    def path(self, key: str) -> str:
        if not key:
            return self.where or "template"
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, why: str) -> TemplateError:
        return TemplateError(f"{self.owner}: {self.path(key)}: {why}", code="template_schema")

    def has(self, key: str) -> bool:
        return key in self.table

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self.used.add(key)
        if key in self.table:
            return self.table[key]
        if default is _MISSING:
            raise self.fail(key, "is required")
        return default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is not default and not isinstance(value, str):
            raise self.fail(key, f"must be a string, got {_kind(value)}")
        return value

    def integer(
        self, key: str, default: Any = _MISSING, *, low: int | None = None, high: int | None = None
    ) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number, got {_kind(value)}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(key, f"must be between {low} and {high}, got {value}")
        return value

    def number(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is not default and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise self.fail(key, f"must be a number, got {_kind(value)}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, got {_kind(value)}")
        return value

    def texts(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def pair(self, key: str, default: Any = _MISSING) -> Any:
        """A ``[lo, hi]`` range of numbers with lo < hi."""
        value = self.raw(key, default)
        if value is default:
            return value
        return self.range_of(key, value, strict=True)

    def range_of(self, key: str, value: Any, *, strict: bool, integers: bool = False) -> Any:
        wanted = "whole numbers" if integers else "numbers"
        kinds = (int,) if integers else (int, float)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, kinds) and not isinstance(v, bool) for v in value)
        ):
            raise self.fail(key, f"must be a range [low, high] of {wanted}")
        low, high = value
        if low > high or (strict and low == high):
            raise self.fail(key, f"empty range [{low}, {high}]: low must be below high")
        return (low, high)

    def table_list(self, key: str) -> list[Any]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            raise self.fail(
                key, f"must be a list of tables ([[{self.path(key)}]]), got {_kind(value)}"
            )
        return value

    def finish(self) -> None:
        """Refuse keys that were never read, with a hint for top-level keys put too late."""
        for key in self.table:
            if key in self.used:
                continue
            if key in TOP_LEVEL_KEYS and self.where:
                raise self.fail(
                    key,
                    f"'{key}' is inside [{self.where}]: top-level keys must come "
                    "before the first [table] header",
                )
            raise self.fail(key, "unknown key")


def _kind(value: Any) -> str:
    names = {
        str: "a string",
        bool: "a boolean",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)
