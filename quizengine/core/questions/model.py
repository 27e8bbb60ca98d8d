"""The values the question layer hands out: ``Template``, ``Variant`` and their parts.

A ``Variant`` is what one seed makes of a template. ``to_dict()`` holds everything (instructors,
``quizengine bank generate --json``); ``public_dict()`` is what a student may receive before
submitting, so it never carries an expected answer, a mistake, the solution or the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quizengine.core.checking import AnswerSpec
from quizengine.core.questions.plots import Plot
from quizengine.core.questions.schema import TemplateSpec

__all__ = ["Choice", "Template", "Variant", "VariantPart"]


@dataclass(frozen=True)
class Template:
    """A loaded, schema-checked template; ``source`` is its TOML text."""

    id: str
    version: int
    title: str
    quiz: str
    skills: tuple[str, ...]
    difficulty: int
    source: str
    spec: TemplateSpec = field(repr=False, compare=False)

    def summary(self) -> dict[str, Any]:
        """The catalogue entry (``bank list --json``)."""
        return {
            "id": self.id,
            "version": self.version,
            "quiz": self.quiz,
            "skills": list(self.skills),
            "difficulty": self.difficulty,
            "title": self.title,
        }


@dataclass(frozen=True)
class Choice:
    """One option of a choice part, already in display order; ``id`` is A, B, C, ..."""

    id: str
    label_html: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "label_html": self.label_html}


@dataclass(frozen=True)
class VariantPart:
    """One gradable part: the kind, the prompt, the expected answer and how to check it."""

    part_id: str
    kind: str
    prompt_html: str
    expected: Any
    expected_latex: str
    expected_text: str
    spec: AnswerSpec
    weight: float
    choices: tuple[Choice, ...] = ()

    def public_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "part_id": self.part_id,
            "kind": self.kind,
            "prompt_html": self.prompt_html,
            "weight": self.weight,
            "choices": [c.to_dict() for c in self.choices],
        }
        if self.spec.variables is not None:
            out["variables"] = list(self.spec.variables)
        return out

    def to_dict(self) -> dict[str, Any]:
        spec = self.spec
        tolerance = None
        if spec.tolerance is not None:
            tolerance = {k: v for k, v in vars(spec.tolerance).items() if v is not None}
        return {
            **self.public_dict(),
            "expected": self.expected_text,
            "expected_latex": self.expected_latex,
            "variables": None if spec.variables is None else list(spec.variables),
            "domain": None if spec.domain is None else {k: list(v) for k, v in spec.domain.items()},
            "tolerance": tolerance,
            "forms": list(spec.forms),
            "forbidden_functions": sorted(spec.forbidden_functions),
            "mistakes": [
                {"answer": _text(m.answer), "feedback": m.feedback, "code": m.code}
                for m in spec.mistakes
            ],
        }


def _text(value: Any) -> str:
    from quizengine.core.questions.render import text_of

    return text_of(value)


@dataclass(frozen=True)
class Variant:
    """One generated question; ``values`` are the params and derived values (for instructors)."""

    template_id: str
    version: int
    seed: int
    title: str
    quiz: str
    prompt_html: str
    parts: tuple[VariantPart, ...]
    hints: tuple[str, ...]
    solution_html: str
    plots: tuple[Plot, ...]
    values: tuple[tuple[str, Any], ...] = ()

    def part(self, part_id: str) -> VariantPart:
        """The part with this id (``KeyError`` when there is none)."""
        for part in self.parts:
            if part.part_id == part_id:
                return part
        raise KeyError(part_id)

    def public_dict(self) -> dict[str, Any]:
        """What a student may see before submitting: no expected answers, solution or seed."""
        return {
            "template_id": self.template_id,
            "version": self.version,
            "title": self.title,
            "quiz": self.quiz,
            "prompt_html": self.prompt_html,
            "parts": [p.public_dict() for p in self.parts],
            "hints": list(self.hints),
            "plots": [p.to_dict() for p in self.plots],
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (instructors, ``bank generate --json``)."""
        return {
            **self.public_dict(),
            "seed": self.seed,
            "parts": [p.to_dict() for p in self.parts],
            "solution_html": self.solution_html,
            "values": {name: _text(value) for name, value in self.values},
        }
