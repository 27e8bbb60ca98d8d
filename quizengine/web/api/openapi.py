"""The OpenAPI 3.1 document of API v1, written by hand and served at ``/api/openapi.json``.

``tests/web/api/test_openapi.py`` checks that every documented path exists in the app and every
API route is documented.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from quizengine import __version__
from quizengine.web.api import bp


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {code: {"$ref": f"#/components/responses/{name}"} for code, name in
           (("401", "Unauthorized"), ("404", "NotFound"), ("422", "Invalid"))}
_ID = {"name": "question_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_ATTEMPT = {"name": "attempt_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_QUIZ = {"name": "quiz_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _op(summary: str, responses: dict[str, Any], *, body: dict[str, Any] | None = None,
        params: list[dict[str, Any]] | None = None, secure: bool = True,
        optional_body: bool = False) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, **_ERRORS}}
    if body is not None:
        op["requestBody"] = {"required": not optional_body,
                             "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    if not secure:
        op["security"] = []
    return op


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "messages": {"type": "array", "items": {"type": "string"}}}}}},
    "User": {"type": "object", "properties": {"id": {"type": "integer"},
             "username": {"type": "string"},
             "role": {"enum": ["student", "instructor", "admin"]}}},
    "Quiz": {"type": "object", "required": ["id", "week", "title", "skills"], "properties": {
        "id": {"type": "string"}, "week": {"type": "integer"}, "title": {"type": "string"},
        "skills": {"type": "array", "items": {"type": "string"}}}},
    "Part": {"type": "object", "required": ["part_id", "kind"], "properties": {
        "part_id": {"type": "string"}, "kind": {"type": "string"},
        "prompt_html": {"type": "string"},
        "choices": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "label_html": {"type": "string"}}}}}},
    "Question": {
        "type": "object", "required": ["question_id", "prompt_html", "parts"],
        "description": "Variant.public_dict() plus the id: never a seed, expected answer or "
                       "solution before submitting (solution_html and expected_latex appear only "
                       "once the quiz settings show them).",
        "properties": {"question_id": {"type": "integer"}, "title": {"type": "string"},
                       "prompt_html": {"type": "string"},
                       "parts": {"type": "array", "items": _ref("Part")},
                       "plots": {"type": "array", "items": {"type": "object", "properties": {
                           "svg": {"type": "string"}, "alt": {"type": "string"}}}},
                       "solution_html": {"type": "string"},
                       "expected_latex": {"type": "object",
                                          "additionalProperties": {"type": "string"}}}},
    "PartResult": {"type": "object", "required": ["part_id", "verdict", "score", "feedback"],
                   "properties": {
                       "part_id": {"type": "string"},
                       "verdict": {"enum": ["correct", "incorrect", "invalid", "submitted"],
                                   "description": "submitted: stored, feedback shown later"},
                       "score": {"type": ["number", "null"]}, "feedback": {"type": "string"},
                       "latex": {"type": "string"}}},
    "SubmitResult": {"type": "object", "required": ["stored", "score", "parts"], "properties": {
        "stored": {"type": "boolean",
                   "description": "false when an answer was invalid: nothing stored, no cost"},
        "submission_id": {"type": "integer"}, "score": {"type": ["number", "null"]},
        "parts": {"type": "array", "items": _ref("PartResult")}}},
}

PATHS: dict[str, Any] = {
    "/api/v1/auth/login": {"post": _op(
        "Exchange a username and password for a bearer token (rate-limited per username+IP)",
        {"200": _json({"type": "object", "required": ["token", "user"], "properties": {
            "token": {"type": "string"}, "user": _ref("User"),
            "expires_in": {"type": "integer"}}}),
         "429": {"$ref": "#/components/responses/RateLimited"}},
        body={"type": "object", "required": ["username", "password"], "properties": {
            "username": {"type": "string"}, "password": {"type": "string"}}}, secure=False)},
    "/api/v1/quizzes": {"get": _op("The syllabus quizzes",
                                   {"200": _json({"type": "array", "items": _ref("Quiz")})})},
    "/api/v1/quizzes/{quiz_id}/attempts": {"post": _op(
        "Start an attempt with fresh variants",
        {"201": _json({"type": "object", "required": ["attempt_id", "questions"], "properties": {
            "attempt_id": {"type": "integer"},
            "questions": {"type": "array", "items": _ref("Question")}}}, "Created"),
         "409": {"$ref": "#/components/responses/Conflict"}}, params=[_QUIZ])},
    "/api/v1/attempts/{attempt_id}": {"get": _op(
        "An attempt of yours with its questions",
        {"200": _json({"type": "object", "properties": {
            "attempt_id": {"type": "integer"}, "quiz_id": {"type": "string"},
            "finished": {"type": "boolean"}, "score": {"type": ["number", "null"]},
            "max_score": {"type": ["number", "null"]},
            "questions": {"type": "array", "items": _ref("Question")}}})}, params=[_ATTEMPT])},
    "/api/v1/questions/{question_id}/validate": {"post": _op(
        "How an answer reads (\"we read your answer as …\"), without grading or storing it",
        {"200": _json({"type": "object", "required": ["valid", "latex", "message"],
                       "properties": {"valid": {"type": "boolean"}, "latex": {"type": "string"},
                                      "message": {"type": "string"}}})},
        body={"type": "object", "required": ["part_id", "answer"], "properties": {
            "part_id": {"type": "string"}, "answer": {"type": "string"}}}, params=[_ID])},
    "/api/v1/questions/{question_id}/submit": {"post": _op(
        "Grade and store answers; a repeat with the same Idempotency-Key returns the first "
        "result (header Idempotent-Replayed: true) and stores nothing",
        {"200": _json(_ref("SubmitResult")), "409": {"$ref": "#/components/responses/Conflict"}},
        body={"type": "object", "required": ["answers"], "properties": {"answers": {
            "type": "object", "additionalProperties": {"type": "string"}}}},
        params=[_ID, {"name": "Idempotency-Key", "in": "header", "required": False,
                      "schema": {"type": "string", "maxLength": 64}}])},
    "/api/v1/attempts/{attempt_id}/finish": {"post": _op(
        "Finish an attempt (idempotent) and get its score",
        {"200": _json({"type": "object", "properties": {"score": {"type": "number"},
                                                        "max_score": {"type": "number"}}})},
        params=[_ATTEMPT])},
    "/api/v1/me/mastery": {"get": _op(
        "Your mastery estimate per skill: every syllabus skill, in syllabus order (forgetting "
        "applied; a skill never practised shows its prior)",
        {"200": _json({"type": "object", "required": ["skills"], "properties": {"skills": {
            "type": "array", "items": {
                "type": "object", "required": ["skill", "mastery", "attempts"],
                "properties": {"skill": {"type": "string"},
                               "mastery": {"type": "number", "minimum": 0, "maximum": 1},
                               "attempts": {"type": "integer",
                                            "description": "graded parts behind it"}}}}}})})},
    "/api/v1/practice/next": {"post": _op(
        "A practice question chosen for you, with the skill and the reason. While your last "
        "practice question is unanswered, that same question is returned (pending: true) unless "
        "you send {\"skip\": true}; a skip is recorded. Answer it with "
        "POST /api/v1/questions/{question_id}/submit, which updates your mastery.",
        {"200": _json({"allOf": [_ref("Question"), {
            "type": "object", "required": ["skill", "reason", "pending"], "properties": {
                "skill": {"type": "string"}, "reason": {"type": "string"},
                "pending": {"type": "boolean",
                            "description": "true: your unanswered question, served again"}}}]}),
         "409": {"$ref": "#/components/responses/Conflict"}},
        body={"type": "object", "properties": {"skip": {
            "type": "boolean", "default": False,
            "description": "skip the unanswered question and get a new one"}}},
        optional_body=True)},
    "/api/v1/reports/grades": {"get": _op(
        "Grades per student and quiz (instructors and admins)",
        {"200": {"description": "A file", "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                {"schema": {"type": "string", "contentEncoding": "binary"}}}},
         "403": {"$ref": "#/components/responses/Forbidden"}},
        params=[{"name": "format", "in": "query", "schema": {"enum": ["csv", "xlsx"],
                                                              "default": "csv"}},
                {"name": "quiz", "in": "query", "schema": {"type": "string"}}])},
}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "quizengine API", "version": __version__,
             "description": "Adaptive quizzes for multivariate calculus. Errors are 4xx with "
                            "{\"error\": {\"code\", \"message\"}}. Browser calls that use the "
                            "session cookie must send X-CSRFToken."},
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}, {"session": []}],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "from POST /api/v1/auth/login; expires"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        "responses": {
            "Unauthorized": _error("Not logged in, or the token is invalid or expired"),
            "Forbidden": _error("Your role may not do this"),
            "NotFound": _error("No such thing (or not yours)"),
            "Conflict": _error("Not possible now (quiz closed, attempt finished, ...)"),
            "Invalid": _error("The request body or a field is invalid"),
            "RateLimited": _error("Too many failed logins"),
        },
    },
}


@bp.get("/openapi.json")
def openapi_document() -> Any:
    return jsonify(DOCUMENT)
