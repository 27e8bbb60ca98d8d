"""One place that turns errors into responses: JSON under ``/api``, an HTML page elsewhere.

Body of every API error: ``{"error": {"code": ..., "message": ...}}`` with a 4xx status; a
database that cannot be reached (restarting, failing over) is a 503 with ``Retry-After``, which
clients retry with the same idempotency key: nothing of that request was stored.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from quizengine.core.errors import NotFoundError, QuizengineError
from quizengine.services.errors import ServiceError, ValidationFailed


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, **extra: Any) -> Any:
    if wants_json():
        body: dict[str, Any] = {"code": code, "message": message, **extra}
        return jsonify({"error": body}), status
    return render_template("error.html", status=status, code=code, message=message,
                           **extra), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Any:
        return error_response(400, "csrf", error.description or "CSRF token missing or invalid.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(NotFoundError)
    def _not_found(error: NotFoundError) -> Any:
        return error_response(404, "not_found", "Not found.")

    @app.errorhandler(ValidationFailed)
    def _invalid(error: ValidationFailed) -> Any:
        return error_response(422, error.code, error.message, messages=error.messages)

    @app.errorhandler(ServiceError)
    def _service(error: ServiceError) -> Any:
        return error_response(error.status, error.code, error.message)

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError) -> Any:
        app.logger.warning("database unavailable: %s", error.orig)
        response, status = error_response(
            503, "unavailable", "The database is unavailable for a moment; please try again.")
        response = app.make_response((response, status))
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(QuizengineError)
    def _other(error: QuizengineError) -> Any:
        return error_response(400, error.code, error.message)
