"""Instructors (and admins): template library, preview at any seed, authoring, import/export,
quiz settings, student progress, item statistics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.core.errors import TemplateError
from quizengine.services import authoring, catalog, progress, stats, variants
from quizengine.services.errors import ValidationFailed
from quizengine.web.database import db_session
from quizengine.web.security import STAFF, role_required

bp = Blueprint("instructor", __name__, url_prefix="/instructor")


@bp.route("/")
@role_required(*STAFF)
def library() -> Any:
    session = db_session()
    return render_template("instructor/library.html", quizzes=catalog.list_quizzes(session),
                           by_quiz=catalog.templates_by_quiz(session))


@bp.route("/templates/<path:template_id>")
@role_required(*STAFF)
def preview(template_id: str) -> Any:
    session = db_session()
    seed = request.args.get("seed", default=1, type=int)
    version = request.args.get("version", type=int)
    stored = catalog.get_version(session, template_id, version)
    error, variant = None, None
    try:
        variant = variants.preview_variant(session, template_id, seed=seed, version=version)
    except TemplateError as exc:
        error = exc.message
    return render_template("instructor/preview.html", stored=stored, seed=seed, variant=variant,
                           error=error, versions=stored.template.versions)


@bp.route("/templates/<path:template_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(template_id: str) -> Any:
    session = db_session()
    stored = catalog.get_version(session, template_id)
    if request.method == "GET":
        return render_template("instructor/edit.html", template_id=template_id,
                               source=stored.source, errors=[])
    return _save(request.form.get("source", ""), expected_id=template_id)


@bp.route("/templates/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new() -> Any:
    if request.method == "GET":
        return render_template("instructor/edit.html", template_id=None, source="", errors=[])
    return _save(request.form.get("source", ""), expected_id=None)


@bp.route("/templates/import", methods=["POST"])
@role_required(*STAFF)
def import_file() -> Any:
    upload = request.files.get("file")
    if upload is None or not (upload.filename or "").endswith(".toml"):
        flash("Choose a .toml file to import.", "error")
        return redirect(url_for("instructor.library"))
    try:
        source = upload.read(authoring.MAX_SOURCE_BYTES + 1).decode("utf-8")
    except UnicodeDecodeError:
        flash("The file is not UTF-8 text.", "error")
        return redirect(url_for("instructor.library"))
    return _save(source, expected_id=None)


def _save(source: str, *, expected_id: str | None) -> Any:
    session = db_session()
    try:
        version = authoring.save_source(session, source=source, user_id=current_user.id,
                                        expected_id=expected_id)
    except ValidationFailed as error:
        session.rollback()
        return render_template("instructor/edit.html", template_id=expected_id, source=source,
                               errors=[error.message, *error.messages]), 422
    session.commit()
    flash(f"Saved {version.template_id} version {version.version}.", "success")
    return redirect(url_for("instructor.preview", template_id=version.template_id))


@bp.route("/templates/<path:template_id>/export")
@role_required(*STAFF)
def export_file(template_id: str) -> Any:
    version = catalog.get_version(db_session(), template_id,
                                  request.args.get("version", type=int))
    return Response(version.source, mimetype="application/toml", headers={
        "Content-Disposition":
            f'attachment; filename="{template_id.replace("/", "_")}-v{version.version}.toml"'})


@bp.route("/quizzes/<quiz_id>/settings", methods=["GET", "POST"])
@role_required(*STAFF)
def settings(quiz_id: str) -> Any:
    session = db_session()
    quiz = catalog.get_quiz(session, quiz_id)
    if request.method == "GET":
        return render_template("instructor/settings.html", quiz=quiz, errors=[])
    try:
        catalog.update_settings(session, quiz_id=quiz_id, settings=_settings_from(request.form),
                                actor_id=current_user.id)
    except ValidationFailed as error:
        session.rollback()
        return render_template("instructor/settings.html", quiz=catalog.get_quiz(session, quiz_id),
                               errors=error.messages), 422
    session.commit()
    flash("Settings saved.", "success")
    return redirect(url_for("instructor.settings", quiz_id=quiz_id))


def _settings_from(form: Any) -> dict[str, Any]:
    try:
        allowed = form.get("attempts_allowed", "").strip()
        return {
            "questions_per_attempt": int(form.get("questions_per_attempt", "")),
            "attempts_allowed": int(allowed) if allowed else None,
            "feedback_when": form.get("feedback_when", ""),
            "solutions_when": form.get("solutions_when", ""),
            "opens_at": _when(form.get("opens_at", "")),
            "closes_at": _when(form.get("closes_at", "")),
        }
    except ValueError as error:
        raise ValidationFailed("Numbers and dates must be well formed.") from error


def _when(text: str) -> datetime | None:
    """A ``datetime-local`` value, read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text.strip() else None


@bp.route("/students")
@role_required(*STAFF)
def students() -> Any:
    session = db_session()
    return render_template("instructor/students.html", quizzes=catalog.list_quizzes(session),
                           rows=progress.all_students(session))


@bp.route("/quizzes/<quiz_id>/stats")
@role_required(*STAFF)
def item_stats(quiz_id: str) -> Any:
    session = db_session()
    return render_template("instructor/stats.html", quiz=catalog.get_quiz(session, quiz_id),
                           items=stats.item_stats(session, quiz_id=quiz_id))
