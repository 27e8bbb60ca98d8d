"""Loading templates: TOML text -> ``Template``, and a folder of them -> the bank.

``load_template_text`` parses with ``tomllib`` and checks the schema (``TemplateError`` naming
the field); parsed templates are cached by source text, so loading the bank twice, or a
template edited back and forth in the browser, costs a dictionary lookup.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from quizengine.core.errors import TemplateError
from quizengine.core.questions.model import Template
from quizengine.core.questions.render import TextRenderer
from quizengine.core.questions.schema import TemplateSpec, read_spec

__all__ = ["load_bank", "load_template_text", "scan_bank"]


def load_template_text(source: str) -> Template:
    """A checked template from its TOML text (raises ``TemplateError``)."""
    return _load(source)


@lru_cache(maxsize=512)
def _load(source: str) -> Template:
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"template: not valid TOML: {exc}", code="template_toml") from exc
    spec = read_spec(data)
    _check_text(spec)
    return Template(
        id=spec.id,
        version=spec.version,
        title=spec.title,
        quiz=spec.quiz,
        skills=spec.skills,
        difficulty=spec.difficulty,
        source=source,
        spec=spec,
    )


def _check_text(spec: TemplateSpec) -> None:
    """Compile every Jinja text once, so syntax errors fail at load time with the field named."""
    fields = [("prompt", spec.prompt), ("solution", spec.solution)]
    fields += [(f"hints[{k}]", h) for k, h in enumerate(spec.hints)]
    for part in spec.parts:
        fields.append((f"parts.{part.id}.prompt", part.prompt))
        fields += [
            (f"parts.{part.id}.mistakes[{k}].feedback", m.feedback)
            for k, m in enumerate(part.mistakes)
        ]
        fields += [
            (f"parts.{part.id}.options[{k}].text", o.text or "") for k, o in enumerate(part.options)
        ]
    fields += [(f"plots[{k}].alt", p.alt or "") for k, p in enumerate(spec.plots)]
    for where, text in fields:
        TextRenderer.check_syntax(spec.id, where, text)


def load_bank(path: Path) -> dict[str, Template]:
    """Every ``*.toml`` under ``path`` (recursively), keyed by id, sorted by id.

    A file's name must be its slug (``<quiz>/<slug>`` -> ``<slug>.toml``) so that ids and files
    cannot drift apart; duplicate ids are an error. Raises the first ``TemplateError`` found.
    """
    bank, errors = scan_bank(path)
    if errors:
        raise errors[0]
    return bank


def scan_bank(path: Path) -> tuple[dict[str, Template], list[TemplateError]]:
    """Like :func:`load_bank` but keeps going: the good templates and one error per bad file."""
    bank: dict[str, Template] = {}
    errors: list[TemplateError] = []
    for file in sorted(Path(path).rglob("*.toml")):
        try:
            template = load_template_text(file.read_text(encoding="utf-8"))
        except TemplateError as exc:
            errors.append(TemplateError(f"{file}: {exc.message}", code=exc.code))
            continue
        if template.id.split("/")[1] != file.stem:
            errors.append(TemplateError(f"{file}: id '{template.id}' does not match the file name"))
        elif template.id in bank:
            errors.append(TemplateError(f"{file}: duplicate template id '{template.id}'"))
        else:
            bank[template.id] = template
    return dict(sorted(bank.items())), errors
