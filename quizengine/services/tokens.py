"""Bearer tokens for the JSON API: itsdangerous-signed user ids with an expiry."""

from __future__ import annotations

from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_SALT = "quizengine.api-token"


def issue_token(secret: str, user_id: int) -> str:
    """A token that identifies ``user_id``; :func:`read_token` checks its age."""
    return _serializer(secret).dumps({"uid": user_id})


def read_token(secret: str, token: str, *, max_age: int) -> int | None:
    """The user id in ``token``, or None when it is forged, malformed or older than ``max_age``."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None


@lru_cache(maxsize=4)
def _serializer(secret: str) -> URLSafeTimedSerializer:
    """One serializer per secret (every API request reads a token; building one is not free)."""
    return URLSafeTimedSerializer(secret, salt=_SALT)
