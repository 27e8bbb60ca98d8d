"""Admins: users (create, CSV import, role, deactivate) and grade/submission exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.db.models import ROLES
from quizengine.services import catalog, reports, users
from quizengine.services.errors import ValidationFailed
from quizengine.web.database import db_session
from quizengine.web.security import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", endpoint="users")
@role_required("admin")
def users_page() -> Any:
    return render_template("admin/users.html", users=users.list_users(db_session()), roles=ROLES)



@bp.route("/users", methods=["POST"])
@role_required("admin")
def create_user() -> Any:
    session = db_session()
    try:
        user = users.create_user(session, username=request.form.get("username", ""),
                                 password=request.form.get("password", ""),
                                 role=request.form.get("role", "student"))
    except ValidationFailed as error:
        for message in error.messages:
            flash(message, "error")
        return redirect(url_for("admin.users"))
    session.commit()
    flash(f"Created {user.username} ({user.role}).", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/import", methods=["POST"])
@role_required("admin")
def import_users() -> Any:
    upload = request.files.get("file")
    if upload is None:
        flash("Choose a CSV file (username,password,role).", "error")
        return redirect(url_for("admin.users"))
    session = db_session()
    result = users.import_users_csv(session, upload.read().decode("utf-8-sig", "replace"),
                                    actor_id=current_user.id)
    session.commit()
    flash(f"Imported {len(result.created)} user(s).", "success")
    for message in result.errors:
        flash(message, "error")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@role_required("admin")
def change_role(user_id: int) -> Any:
    session = db_session()
    users.set_role(session, user_id=user_id, role=request.form.get("role", ""),
                   actor_id=current_user.id)
    session.commit()
    flash("Role changed.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def set_active(user_id: int) -> Any:
    session = db_session()
    active = request.form.get("active") == "1"
    try:
        users.set_active(session, user_id=user_id, active=active, actor_id=current_user.id)
    except ValidationFailed as error:
        flash(error.message, "error")
        return redirect(url_for("admin.users"))
    session.commit()
    flash("Account activated." if active else "Account deactivated.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/reports", endpoint="reports")
@role_required("admin")
def reports_page() -> Any:
    return render_template("admin/reports.html", quizzes=catalog.list_quizzes(db_session()))



@bp.route("/reports/grades.<fmt>")
@role_required("admin")
def grades(fmt: str) -> Any:
    return _download("grades", fmt, reports.grade_rows, reports.GRADE_COLUMNS)


@bp.route("/reports/submissions.<fmt>")
@role_required("admin")
def submissions(fmt: str) -> Any:
    return _download("submissions", fmt, reports.submission_rows, reports.SUBMISSION_COLUMNS)


def _download(name: str, fmt: str, rows_of: Any, columns: tuple[str, ...]) -> Any:
    if fmt not in reports.FORMATS:
        raise ValidationFailed(f"format must be one of {', '.join(reports.FORMATS)}.")
    quiz_id = request.args.get("quiz") or None
    data = reports.export(rows_of(db_session(), quiz_id=quiz_id), columns, fmt=fmt, title=name)
    filename = f"{name}-{quiz_id}.{fmt}" if quiz_id else f"{name}.{fmt}"
    return Response(data, mimetype=reports.MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
