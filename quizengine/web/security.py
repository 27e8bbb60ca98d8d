"""Login, roles, CSRF, tokens, safe redirects and security headers.

- Sessions: Flask-Login with a small ``SessionUser`` (models never import Flask).
- API clients send ``Authorization: Bearer <token>`` (itsdangerous, expiring); such requests skip
  CSRF. Browser JS calling the API with the session cookie must send ``X-CSRFToken``.
- ``role_required(*roles)`` guards every view.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, jsonify, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from quizengine.db.models import User
from quizengine.services import users
from quizengine.services.errors import ValidationFailed
from quizengine.services.tokens import read_token
from quizengine.web.database import db_session

csrf = CSRFProtect()
login_manager = LoginManager()
F = TypeVar("F", bound=Callable[..., Any])

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


@dataclass(frozen=True)
class SessionUser:
    """What a request knows about its user (a plain value, detached from the database)."""

    id: int
    username: str
    role: str
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    @classmethod
    def of(cls, user: User) -> SessionUser:
        return cls(id=user.id, username=user.username, role=user.role, is_active=user.is_active)


# The largest id the database stores (PostgreSQL ``integer``); SQLite overflows past 2**63 - 1.
MAX_DATABASE_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to ASCII digits and the database's id range, so that a huge id in a
    URL is a 404 rather than an overflow (500) in the driver."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)


MAX_REQUEST_BYTES = 4 * 1024 * 1024


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered (the ``int`` converter applies to their rules)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    _trust_proxies(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # Uploads are TOML templates and CSV user lists; nothing legitimate comes near this.
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_REQUEST_BYTES)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies (``TRUSTED_PROXIES`` / ``QUIZENGINE_TRUSTED_PROXIES``), take the
    client address and scheme from their ``X-Forwarded-*`` headers, so that the login limit counts
    per client rather than per proxy. With no proxy trusted (the default), those headers are
    ignored: a client cannot dodge the limit by inventing an ``X-Forwarded-For``."""
    proxies = int(app.config.get("TRUSTED_PROXIES",
                                 os.environ.get("QUIZENGINE_TRUSTED_PROXIES", "0")))
    if proxies > 0:
        wrapped = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
        app.wsgi_app = wrapped  # type: ignore[method-assign]


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    return _active_user(int(user_id)) if user_id.isdigit() else None


@login_manager.request_loader
def _load_user_from_token(req: Any) -> SessionUser | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user_id = read_token(current_app.config["SECRET_KEY"], header[7:].strip(),
                         max_age=current_app.config["API_TOKEN_MAX_AGE_SECONDS"])
    user = _active_user(user_id) if user_id is not None else None
    if user is not None:
        g.auth_by_token = True
    return user


def _active_user(user_id: int) -> SessionUser | None:
    identity = users.active_identity(db_session(), user_id,
                                     max_age=current_app.config["AUTH_CACHE_SECONDS"])
    return SessionUser(*identity) if identity is not None else None


@login_manager.unauthorized_handler
def _unauthorized() -> Any:
    if request.path.startswith("/api/"):
        body = {"error": {"code": "unauthorized", "message": "Log in or send a bearer token."}}
        return jsonify(body), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(*roles: str) -> Callable[[F], F]:
    """Allow the view only to logged-in users whose role is in ``roles`` (401 / 403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


ANY_ROLE = ("student", "instructor", "admin")
STAFF = ("instructor", "admin")


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a relative path on this site, else ``default`` (no open redirects).

    >>> safe_next("/quizzes/x?y=1", "/"), safe_next("//evil.example", "/")
    ('/quizzes/x?y=1', '/')
    >>> safe_next("https://evil.example/", "/"), safe_next("/\\\\evil", "/")
    ('/', '/')
    """
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    return target


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_nul_characters() -> None:
    """Refuse a NUL character anywhere in the path, query, form, upload or JSON body (422).

    No text a person types holds one, and PostgreSQL cannot store or even compare it: left to
    reach a query, it turns a harmless bad request into a 500.
    """
    req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup
    found = ("\0" in req.path or b"%00" in req.query_string
             or any("\0" in value for value in req.headers.values()))
    if not found and req.is_json:
        body = req.get_data(cache=True)
        found = b"\0" in body or b"\\u0000" in body
    elif not found and req.mimetype in _FORM_TYPES:
        found = any("\0" in key or any("\0" in v for v in values)
                    for key, values in req.form.lists())
        for upload in req.files.values() if not found else ():
            found = found or b"\0" in upload.stream.read()
            upload.stream.seek(0)
    if found:
        raise ValidationFailed("Text may not contain NUL characters.", code="nul_character")


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
