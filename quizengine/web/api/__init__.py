"""JSON API v1 under ``/api/v1`` (see DESIGN.md) and its OpenAPI document at ``/api/openapi.json``.

Bearer-token requests skip CSRF; requests authenticated by the session cookie (the browser's
preview JS) must send ``X-CSRFToken`` on POST.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from quizengine.web.security import csrf

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)


@bp.before_request
def _csrf_for_cookie_sessions() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not current_user.is_authenticated or g.get("auth_by_token"):
        return
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


from quizengine.web.api import openapi, routes  # noqa: E402,F401  (registers the views)
