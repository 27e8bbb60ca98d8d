"""The template schema: TOML tables -> frozen spec objects, with a clear error per field.

Only structure is checked here (types, names, ranges, required keys). Author expressions are
evaluated per variant by :mod:`quizengine.core.questions.generation`, so a wrong expression shows
up when the template is validated (``quizengine bank validate``) with the field named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizengine.core.questions.reader import Reader
from quizengine.core.questions.schema_params import ParamSpec, check_name, read_param
from quizengine.core.questions.schema_parts import (
    KINDS,
    MistakeSpec,
    OptionSpec,
    PartSpec,
    PlotSpec,
    SelfTestSpec,
    VerifySpec,
    read_part,
    read_plot,
)

__all__ = [
    "KINDS",
    "MistakeSpec",
    "OptionSpec",
    "ParamSpec",
    "PartSpec",
    "PlotSpec",
    "SelfTestSpec",
    "TemplateSpec",
    "VerifySpec",
    "read_spec",
]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    version: int
    title: str
    quiz: str
    skills: tuple[str, ...]
    difficulty: int
    notes: str
    prompt: str
    hints: tuple[str, ...]
    solution: str
    params: tuple[ParamSpec, ...]
    derived: tuple[tuple[str, str], ...]
    constraints: tuple[tuple[str, str], ...]
    plots: tuple[PlotSpec, ...]
    parts: tuple[PartSpec, ...]


def read_spec(data: dict[str, Any]) -> TemplateSpec:
    """Check a parsed TOML document and build its spec (``TemplateError`` names the field)."""
    owner = str(data["id"]) if isinstance(data.get("id"), str) else "template"
    top = Reader(data, "", owner)
    template_id = top.text("id")
    if not ID_RE.match(template_id):
        raise top.fail(
            "id", f"'{template_id}' must look like '<quiz-id>/<slug>' (lowercase, digits, '-')"
        )
    quiz = top.text("quiz")
    if template_id.split("/")[0] != quiz:
        raise top.fail("quiz", f"'{quiz}' must equal the part of the id before '/'")
    skills = top.texts("skills")
    if not skills:
        raise top.fail("skills", "must name at least one skill")
    names: set[str] = set()
    params = tuple(read_param(top, name, names) for name in _table(top, "params"))
    derived = tuple((name, _expr(top, "derived", name, names)) for name in _table(top, "derived"))
    constraints = tuple(_constraints(top))
    plots = tuple(
        read_plot(Reader(p, f"plots[{i}]", owner), f"plot{i + 1}")
        for i, p in enumerate(top.table_list("plots"))
    )
    if len({p.id for p in plots}) != len(plots):
        raise top.fail("plots", "plot ids must be unique")
    parts = tuple(
        read_part(Reader(p, f"parts[{i}]", owner), i) for i, p in enumerate(top.table_list("parts"))
    )
    if not parts:
        raise top.fail("parts", "a template needs at least one [[parts]]")
    if len({p.id for p in parts}) != len(parts):
        raise top.fail("parts", "part ids must be unique")
    spec = TemplateSpec(
        id=template_id,
        version=top.integer("version", low=1, high=10**6),
        title=top.text("title"),
        quiz=quiz,
        skills=skills,
        difficulty=top.integer("difficulty", low=1, high=3),
        notes=top.text("notes", ""),
        prompt=top.text("prompt"),
        hints=top.texts("hints", ()),
        solution=top.text("solution", ""),
        params=params,
        derived=derived,
        constraints=constraints,
        plots=plots,
        parts=parts,
    )
    top.finish()
    return spec


def _table(top: Reader, key: str) -> Any:
    table = top.raw(key, {})
    if not isinstance(table, dict):
        raise top.fail(key, f"must be a table [{key}]")
    for name, value in table.items():
        if name in {"prompt", "hints", "solution", "notes", "title"}:
            raise top.fail(
                f"{key}.{name}",
                f"'{name}' is inside [{key}]: top-level keys must come "
                "before the first [table] header",
            )
        if key != "constraints" and key != "params" and not isinstance(value, str):
            raise top.fail(f"{key}.{name}", "must be an author expression (a string)")
    return table


def _expr(top: Reader, section: str, name: str, names: set[str]) -> str:
    check_name(top, section, name, names)
    value: str = top.table[section][name]
    if not value.strip():
        raise top.fail(f"{section}.{name}", "is an empty expression")
    return value


def _constraints(top: Reader) -> list[tuple[str, str]]:
    out = []
    for name, value in _table(top, "constraints").items():
        if not isinstance(value, str) or not value.strip():
            raise top.fail(f"constraints.{name}", 'must be a condition such as "a != b"')
        out.append((name, value))
    return out
