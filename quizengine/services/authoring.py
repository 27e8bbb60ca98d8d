"""Instructors' template authoring: validate TOML source and its self-tests, then save a version."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from quizengine.core import questions
from quizengine.core.errors import TemplateError
from quizengine.db.models import TemplateVersion
from quizengine.services import audit, catalog
from quizengine.services.errors import ValidationFailed

MAX_SOURCE_BYTES = 200_000


def check_source(source: str, *, seeds: int = 20) -> Any:
    """Parse the TOML and run the template's self-tests; raises ValidationFailed with every
    failure message. Returns the parsed core Template."""
    if len(source.encode()) > MAX_SOURCE_BYTES:
        raise ValidationFailed("The template is too large (200 kB at most).")
    try:
        template = questions.load_template_text(source)
    except TemplateError as error:
        raise ValidationFailed(f"The template does not load: {error.message}") from error
    failures = questions.validate_template(template, seeds=seeds)
    if failures:
        raise ValidationFailed(f"{len(failures)} self-test(s) failed.", messages=failures)
    return template


def save_source(
    session: Session, *, source: str, user_id: int | None, expected_id: str | None = None,
    seeds: int = 20,
) -> TemplateVersion:
    """Validate ``source`` and store it as the next version of its template.

    ``expected_id``: when editing an existing template, the id the source must keep.
    An unchanged source adds no version.
    """
    template = check_source(source, seeds=seeds)
    if expected_id is not None and template.id != expected_id:
        raise ValidationFailed(f"The id changed from {expected_id!r} to {template.id!r}; "
                               "import it as a new template instead.")
    current = catalog.current_version(session, template.id)
    if current is not None and current.source == template.source:
        return current
    version = catalog.add_version(session, template=template, user_id=user_id)
    audit.record(session, user_id=user_id, action="save_template", target_type="template",
                 target_id=template.id, detail={"version": version.version})
    return version
