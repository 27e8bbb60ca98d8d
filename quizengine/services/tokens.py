"""Bearer tokens for the JSON API: itsdangerous-signed user ids with an expiry."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_SALT = "quizengine.api-token"


def issue_token(secret: str, user_id: int) -> str:
    """A token that identifies ``user_id``; :func:`read_token` checks its age."""
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps({"uid": user_id})


def read_token(secret: str, token: str, *, max_age: int) -> int | None:
    """The user id in ``token``, or None when it is forged, malformed or older than ``max_age``."""
    try:
        data = URLSafeTimedSerializer(secret, salt=_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None
