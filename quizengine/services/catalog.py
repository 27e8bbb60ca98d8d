"""Quizzes and question templates in the database: import, look-up, versions, quiz settings.

Templates are stored as TOML source, one row per version (``template_version``); the parsed
``quizengine.core.questions.Template`` is rebuilt from the source and cached by source text, so an
old attempt regenerates exactly the variant its student saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizengine.core import questions
from quizengine.core.errors import QuizengineError
from quizengine.db.models import SHOW_WHEN, Quiz, Template, TemplateVersion
from quizengine.services import audit
from quizengine.services.errors import NotFoundError, ValidationFailed
from quizengine.services.syllabus import SYLLABUS_QUIZZES


def import_syllabus(session: Session) -> int:
    """Add the syllabus quizzes that are missing (settings of existing ones are kept)."""
    existing = set(session.scalars(select(Quiz.id)))
    added = 0
    for position, (quiz_id, week, title, skills) in enumerate(SYLLABUS_QUIZZES):
        if quiz_id not in existing:
            session.add(Quiz(id=quiz_id, week=week, position=position, title=title,
                             skills=list(skills)))
            added += 1
    session.flush()
    return added


def list_quizzes(session: Session) -> list[Quiz]:
    return list(session.scalars(select(Quiz).order_by(Quiz.week, Quiz.position)))


def get_quiz(session: Session, quiz_id: str) -> Quiz:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFoundError(f"no quiz {quiz_id!r}")
    return quiz


@lru_cache(maxsize=1024)
def template_from_source(source: str) -> Any:
    """Parse TOML source into a core ``Template`` (cached: sources are immutable once stored)."""
    return questions.load_template_text(source)


def add_version(session: Session, *, template: Any, user_id: int | None) -> TemplateVersion:
    """Store ``template`` (a parsed core Template) as the next version of its template row."""
    if session.get(Quiz, template.quiz) is None:
        raise ValidationFailed(f"Template {template.id}: unknown quiz {template.quiz!r}.")
    row = session.get(Template, template.id)
    if row is None:
        row = Template(id=template.id, quiz_id=template.quiz, title=template.title,
                       skills=list(template.skills), difficulty=template.difficulty,
                       current_version=0)
        session.add(row)
    latest = session.scalar(select(func.max(TemplateVersion.version))
                            .where(TemplateVersion.template_id == template.id)) or 0
    version = TemplateVersion(template_id=template.id, version=latest + 1, source=template.source,
                              user_id=user_id)
    session.add(version)
    row.quiz_id, row.title = template.quiz, template.title
    row.skills, row.difficulty = list(template.skills), template.difficulty
    row.current_version = latest + 1
    session.flush()
    return version


def import_bank(session: Session, templates: Iterable[Any], *, user_id: int | None = None) -> int:
    """Import parsed bank templates; a template whose source is unchanged is skipped.

    Returns how many versions were added (0 on a second run: the import is idempotent).
    """
    added = 0
    for template in sorted(templates, key=lambda t: t.id):
        current = current_version(session, template.id)
        if current is not None and current.source == template.source:
            continue
        add_version(session, template=template, user_id=user_id)
        added += 1
    return added


def current_version(session: Session, template_id: str) -> TemplateVersion | None:
    row = session.get(Template, template_id)
    if row is None:
        return None
    return session.scalar(select(TemplateVersion).where(
        TemplateVersion.template_id == template_id,
        TemplateVersion.version == row.current_version))


def get_version(session: Session, template_id: str, version: int | None = None) -> TemplateVersion:
    """A stored version (the current one when ``version`` is None); NotFoundError otherwise."""
    if version is None:
        found = current_version(session, template_id)
    else:
        found = session.scalar(select(TemplateVersion).where(
            TemplateVersion.template_id == template_id, TemplateVersion.version == version))
    if found is None:
        raise NotFoundError(f"no template {template_id!r} version {version}")
    return found


def load_template(session: Session, template_id: str, version: int | None = None) -> Any:
    """The core Template of a stored version."""
    return template_from_source(get_version(session, template_id, version).source)


def templates_by_quiz(session: Session) -> dict[str, list[Template]]:
    rows = session.scalars(select(Template).order_by(Template.quiz_id, Template.id))
    grouped: dict[str, list[Template]] = {}
    for row in rows:
        grouped.setdefault(row.quiz_id, []).append(row)
    return grouped


def active_templates(session: Session, quiz_id: str) -> list[Template]:
    return list(session.scalars(select(Template).where(
        Template.quiz_id == quiz_id, Template.is_active.is_(True)).order_by(Template.id)))


def warm_up(session: Session) -> int:
    """Read and prepare every active template's current version in this process (its one-time
    per-template work: the TOML, the schema, the precomputed symbolic forms), by generating one
    variant of each; returns how many. A server calls it once before it forks its workers."""
    rows = session.execute(select(TemplateVersion.source).join(
        Template, (Template.id == TemplateVersion.template_id)
        & (Template.current_version == TemplateVersion.version))
        .where(Template.is_active.is_(True))).scalars().all()
    prepared = 0
    for source in rows:
        try:
            questions.generate(template_from_source(source), 0, plots=False)
            prepared += 1
        except QuizengineError:
            continue  # a template broken at seed 0 fails when served, with its own message
    return prepared


def update_settings(
    session: Session, *, quiz_id: str, settings: dict[str, Any], actor_id: int | None
) -> Quiz:
    """Change a quiz's settings after checking them; the change goes to the audit trail."""
    quiz = get_quiz(session, quiz_id)
    problems = _settings_problems(settings)
    if problems:
        raise ValidationFailed(problems[0], messages=problems)
    before = {key: _plain(getattr(quiz, key)) for key in settings}
    for key, value in settings.items():
        setattr(quiz, key, value)
    audit.record(session, user_id=actor_id, action="update_settings", target_type="quiz",
                 target_id=quiz_id, detail={"before": before,
                                            "after": {k: _plain(v) for k, v in settings.items()}})
    return quiz


def _settings_problems(settings: dict[str, Any]) -> list[str]:
    problems = []
    per_attempt = settings.get("questions_per_attempt", 1)
    if not isinstance(per_attempt, int) or not 1 <= per_attempt <= 50:
        problems.append("Questions per attempt must be between 1 and 50.")
    allowed = settings.get("attempts_allowed")
    if allowed is not None and (not isinstance(allowed, int) or allowed < 1):
        problems.append("Attempts allowed must be at least 1 (leave empty for unlimited).")
    for key in ("feedback_when", "solutions_when"):
        if key in settings and settings[key] not in SHOW_WHEN:
            problems.append(f"{key} must be one of {', '.join(SHOW_WHEN)}.")
    opens, closes = settings.get("opens_at"), settings.get("closes_at")
    if opens and closes and closes <= opens:
        problems.append("The closing date must come after the opening date.")
    return problems


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
