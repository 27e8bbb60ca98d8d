"""The API v1 views: parse JSON, call one service, commit, reply."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_login import current_user

from quizengine.db.base import utcnow
from quizengine.services import (
    attempts,
    catalog,
    mastery,
    practice,
    reports,
    submissions,
    users,
)
from quizengine.services.errors import ValidationFailed
from quizengine.services.tokens import issue_token
from quizengine.web.api import bp
from quizengine.web.api.serialize import question_json, submission_json
from quizengine.web.database import db_session, read_only
from quizengine.web.security import ANY_ROLE, STAFF, role_required


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object.", code="bad_json")
    return body


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise ValidationFailed(f"{key!r} must be a string.", code="bad_field")
    return value


def _user_json(user: Any) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "role": user.role}


@bp.post("/v1/auth/login")
def login() -> Any:
    body = _json_body()
    session = db_session()
    try:
        user = users.authenticate(session, username=_text(body, "username"),
                                  password=_text(body, "password"),
                                  address=request.remote_addr or "",
                                  limit=current_app.config["LOGIN_RATE_LIMIT"])
    finally:
        session.commit()  # keeps the failure count when authentication fails
    token = issue_token(current_app.config["SECRET_KEY"], user.id)
    return jsonify({"token": token, "user": _user_json(user),
                    "expires_in": current_app.config["API_TOKEN_MAX_AGE_SECONDS"]})


@bp.get("/v1/quizzes")
@read_only
@role_required(*ANY_ROLE)
def list_quizzes() -> Any:
    return jsonify([{"id": q.id, "week": q.week, "title": q.title, "skills": q.skills}
                    for q in catalog.list_quizzes(db_session())])


@bp.post("/v1/quizzes/<quiz_id>/attempts")
@role_required(*ANY_ROLE)
def start_attempt(quiz_id: str) -> Any:
    session = db_session()
    attempt = attempts.start_attempt(session, user_id=current_user.id, quiz_id=quiz_id,
                                     secret=current_app.config["SECRET_KEY"])
    session.commit()
    views = attempts.view_attempt(session, attempt)
    return jsonify({"attempt_id": attempt.id,
                    "questions": [question_json(v) for v in views]}), 201


@bp.get("/v1/attempts/<int:attempt_id>")
@read_only
@role_required(*ANY_ROLE)
def get_attempt(attempt_id: int) -> Any:
    session = db_session()
    attempt = attempts.get_attempt(session, attempt_id=attempt_id, user_id=current_user.id)
    return jsonify({"attempt_id": attempt.id, "quiz_id": attempt.quiz_id,
                    "finished": attempt.finished_at is not None, "score": attempt.score,
                    "max_score": attempt.max_score,
                    "questions": [question_json(v) for v in attempts.view_attempt(session,
                                                                                  attempt)]})


@bp.post("/v1/questions/<int:question_id>/validate")
@read_only
@role_required(*ANY_ROLE)
def validate(question_id: int) -> Any:
    body = _json_body()
    result = submissions.validate_answer(db_session(), question_id=question_id,
                                         user_id=current_user.id,
                                         part_id=_text(body, "part_id"),
                                         answer=_text(body, "answer"))
    return jsonify({"valid": result.valid, "latex": result.latex, "message": result.message})


@bp.post("/v1/questions/<int:question_id>/submit")
@role_required(*ANY_ROLE)
def submit(question_id: int) -> Any:
    body = _json_body()
    answers = body.get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        raise ValidationFailed("'answers' must map part ids to text.", code="bad_field")
    key = request.headers.get("Idempotency-Key") or uuid.uuid4().hex
    session = db_session()
    result = submissions.submit_answers(session, question_id=question_id,
                                        user_id=current_user.id, answers=answers,
                                        idempotency_key=key)
    session.commit()  # stored before we reply
    response = jsonify(submission_json(result))
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.post("/v1/attempts/<int:attempt_id>/finish")
@role_required(*ANY_ROLE)
def finish(attempt_id: int) -> Any:
    session = db_session()
    attempt = attempts.finish_attempt(session, attempt_id=attempt_id, user_id=current_user.id)
    session.commit()
    return jsonify({"score": attempt.score, "max_score": attempt.max_score})


@bp.get("/v1/me/mastery")
@read_only
@role_required(*ANY_ROLE)
def my_mastery() -> Any:
    estimates = mastery.learner_mastery(db_session(), user_id=current_user.id, now=utcnow())
    return jsonify({"skills": [{"skill": e.skill, "mastery": round(e.mastery, 4),
                                "attempts": e.attempts} for e in estimates]})


@bp.post("/v1/practice/next")
@role_required(*ANY_ROLE)
def practice_next() -> Any:
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object, or no body.", code="bad_json")
    skip = body.get("skip", False)
    if not isinstance(skip, bool):
        raise ValidationFailed("'skip' must be true or false.", code="bad_field")
    session = db_session()
    chosen = practice.next_question(session, user_id=current_user.id,
                                    secret=current_app.config["SECRET_KEY"], now=utcnow(),
                                    threshold=current_app.config["MASTERY_THRESHOLD"], skip=skip)
    session.commit()
    view = attempts.view_question(session, chosen.instance)
    return jsonify({**question_json(view), "skill": chosen.skill, "reason": chosen.reason,
                    "pending": chosen.pending})


@bp.get("/v1/reports/grades")
@role_required(*STAFF)
def grades_report() -> Any:
    fmt = request.args.get("format", "csv")
    if fmt not in reports.FORMATS:
        raise ValidationFailed(f"format must be one of {', '.join(reports.FORMATS)}.")
    rows = reports.grade_rows(db_session(), quiz_id=request.args.get("quiz") or None)
    data = reports.export(rows, reports.GRADE_COLUMNS, fmt=fmt, title="grades")
    return Response(data, mimetype=reports.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="grades.{fmt}"'})
