"""Students: dashboard, quizzes, attempts, submitting answers, practice."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizengine.db.base import utcnow
from quizengine.services import attempts, catalog, mastery, practice, progress, submissions
from quizengine.services.errors import ConflictError
from quizengine.web.database import db_session
from quizengine.web.security import ANY_ROLE, role_required

bp = Blueprint("student", __name__)


@bp.app_template_global()
def new_idempotency_key() -> str:
    """A fresh key per rendered answer form: a double-submitted form is stored once."""
    return uuid.uuid4().hex


@bp.route("/")
@role_required(*ANY_ROLE)
def dashboard() -> Any:
    session = db_session()
    return render_template(
        "student/dashboard.html",
        weeks=progress.weeks(session, user_id=current_user.id),
        skills=mastery.learner_mastery(session, user_id=current_user.id, now=utcnow()),
        history={skill: mastery.sparkline(values) for skill, values in
                 mastery.mastery_history(session, user_id=current_user.id).items()},
        recent=attempts.recent_activity(session, user_id=current_user.id),
    )


@bp.route("/quizzes/<quiz_id>")
@role_required(*ANY_ROLE)
def quiz(quiz_id: str) -> Any:
    session = db_session()
    return render_template(
        "student/quiz.html", quiz=catalog.get_quiz(session, quiz_id),
        history=attempts.history(session, user_id=current_user.id, quiz_id=quiz_id))


@bp.route("/quizzes/<quiz_id>/attempts", methods=["POST"])
@role_required(*ANY_ROLE)
def start_attempt(quiz_id: str) -> Any:
    session = db_session()
    try:
        attempt = attempts.start_attempt(session, user_id=current_user.id, quiz_id=quiz_id,
                                         secret=current_app.config["SECRET_KEY"])
    except ConflictError as error:
        flash(error.message, "error")
        return redirect(url_for("student.quiz", quiz_id=quiz_id))
    session.commit()
    return redirect(url_for("student.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@role_required(*ANY_ROLE)
def attempt(attempt_id: int) -> Any:
    session = db_session()
    found = attempts.get_attempt(session, attempt_id=attempt_id, user_id=current_user.id)
    if found.mode == "practice":
        return redirect(url_for("student.practice_page"))
    return render_template("student/attempt.html", attempt=found,
                           questions=attempts.view_attempt(session, found))


@bp.route("/attempts/<int:attempt_id>/finish", methods=["POST"])
@role_required(*ANY_ROLE)
def finish_attempt(attempt_id: int) -> Any:
    session = db_session()
    attempts.finish_attempt(session, attempt_id=attempt_id, user_id=current_user.id)
    session.commit()
    flash("Attempt finished.", "success")
    return redirect(url_for("student.attempt", attempt_id=attempt_id))


@bp.route("/questions/<int:question_id>/submit", methods=["POST"])
@role_required(*ANY_ROLE)
def submit(question_id: int) -> Any:
    session = db_session()
    answers = {key[len("answer-"):]: value for key, value in request.form.items()
               if key.startswith("answer-")}
    key = request.form.get("idempotency_key") or request.headers.get("Idempotency-Key", "")
    try:
        result = submissions.submit_answers(session, question_id=question_id,
                                            user_id=current_user.id, answers=answers,
                                            idempotency_key=key)
    except ConflictError as error:
        flash(error.message, "error")
        result = None
    session.commit()  # stored before we reply
    instance = submissions.own_question(session, question_id=question_id, user_id=current_user.id)
    if result is not None and not result.stored:
        for part in result.parts:
            flash(f"Part {part.part_id}: {part.feedback} (not counted, try again)", "error")
    elif result is not None:
        flash("Answer saved.", "success")
    if instance.attempt.mode == "practice":
        return redirect(url_for("student.practice_page"))
    return redirect(url_for("student.attempt", attempt_id=instance.attempt_id,
                            _anchor=f"q{question_id}"))


@bp.route("/practice")
@role_required(*ANY_ROLE)
def practice_page() -> Any:
    session = db_session()
    current = practice.current_question(session, user_id=current_user.id)
    view = attempts.view_question(session, current.instance) if current is not None else None
    return render_template("student/practice.html", question=view, practice=current)


@bp.route("/practice/next", methods=["POST"])
@role_required(*ANY_ROLE)
def practice_next() -> Any:
    session = db_session()
    try:
        chosen = practice.next_question(
            session, user_id=current_user.id, secret=current_app.config["SECRET_KEY"],
            now=utcnow(), threshold=current_app.config["MASTERY_THRESHOLD"],
            skip=request.form.get("skip") == "1")
    except ConflictError as error:
        flash(error.message, "error")
        return redirect(url_for("student.practice_page"))
    session.commit()
    if chosen.pending:
        flash("Answer this question first, or skip it.", "info")
    return redirect(url_for("student.practice_page"))


@bp.route("/history")
@role_required(*ANY_ROLE)
def history() -> Any:
    session = db_session()
    return render_template("student/history.html",
                           attempts=attempts.history(session, user_id=current_user.id))
