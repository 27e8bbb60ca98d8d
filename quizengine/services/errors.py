"""Errors raised by services, under the one ``QuizengineError`` root.

    QuizengineError
    ├── NotFoundError (core)      404: no such thing, or not yours to see
    └── ServiceError
        ├── AuthError             401: wrong credentials or inactive account
        ├── PermissionDenied      403: your role may not do this
        ├── ConflictError         409: the state does not allow it (quiz closed, attempt finished)
        ├── ValidationFailed      422: input refused; ``messages`` lists why
        └── RateLimited           429: too many failed logins for this username and address
"""

from __future__ import annotations

from quizengine.core.errors import NotFoundError, QuizengineError

__all__ = [
    "AuthError",
    "ConflictError",
    "NotFoundError",
    "PermissionDenied",
    "RateLimited",
    "ServiceError",
    "ValidationFailed",
]


class ServiceError(QuizengineError):
    code = "service_error"
    status = 400


class AuthError(ServiceError):
    code = "unauthorized"
    status = 401


class PermissionDenied(ServiceError):
    code = "forbidden"
    status = 403


class ConflictError(ServiceError):
    code = "conflict"
    status = 409


class ValidationFailed(ServiceError):
    code = "invalid"
    status = 422

    def __init__(self, message: str, *, messages: list[str] | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.messages = messages or [message]


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429
