"""Accounts: create, authenticate (rate-limited), change role, deactivate, import from CSV.

Login rate limit: failed logins are rows in ``login_failure`` keyed by ``username|address``; when a
key has ``limit`` failures within ``window`` seconds, further logins for it are refused (429) until
the oldest falls out of the window. A success clears the key. The counter lives in the database so
that every gunicorn worker sees the same count.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Table, bindparam, delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from quizengine.core.lru import LRU
from quizengine.db.base import utcnow
from quizengine.db.memo import memo
from quizengine.db.models import ROLES, LoginFailure, User
from quizengine.services import audit
from quizengine.services.errors import AuthError, NotFoundError, RateLimited, ValidationFailed

MAX_USERNAME_LENGTH = 80  # user.username is String(80)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # NIST SP 800-63B: accept at least 64; the cap bounds hashing work
# Words that, padded with digits or symbols, make the passwords tried first (NIST SP 800-63B asks
# for a check against commonly used values; a short list of the worst is enough at 10+ chars).
COMMON_PASSWORD_WORDS = frozenset({
    "password", "passw0rd", "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "letmein", "welcome",
    "admin", "administrator", "iloveyou", "monkey", "dragon", "football", "baseball", "sunshine",
    "princess", "master", "shadow", "superman", "trustno", "whatever", "secret", "changeme",
    "student", "instructor", "teacher", "quizengine", "calculus", "mathematics", "login",
})
# werkzeug's default (scrypt). The test suite lowers the cost (tests/conftest.py); nothing else may.
HASH_METHOD = "scrypt"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked for unknown names, so that they cost as much time as known ones."""
    return hash_password("not a real password")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def create_user(session: Session, *, username: str, password: str, role: str = "student") -> User:
    """Add a user with a hashed password; raises ValidationFailed on bad or taken names."""
    username = username.strip()
    problems = _problems(session, username, password, role)
    if problems:
        raise ValidationFailed(problems[0], messages=problems)
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def _problems(session: Session, username: str, password: str, role: str) -> list[str]:
    problems = []
    plain = username.replace("_", "").replace(".", "").replace("-", "")
    if not username or len(username) > MAX_USERNAME_LENGTH or not plain.isalnum():
        problems.append("Usernames are 1-80 letters, digits, '.', '_' or '-'.")
    problems.extend(password_problems(password, username=username))
    if role not in ROLES:
        problems.append(f"Role must be one of {', '.join(ROLES)}.")
    if username and session.scalar(select(User.id).where(User.username == username)) is not None:
        problems.append(f"The username {username!r} is taken.")
    return problems


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Why ``password`` is refused (empty when it is acceptable), NIST SP 800-63B style: a length
    floor, no composition rules, and a refusal of guessable values.

    >>> password_problems("violet kettle sings")
    []
    >>> password_problems("short")
    ['Passwords need at least 10 characters.']
    >>> password_problems("Password123!"), password_problems("1234567890")[0][:25]
    (['This password is too common or easy to guess; try a few unrelated words.'], \
'This password is too comm')
    >>> password_problems("ada-lovelace-1815", username="lovelace")
    ['The password must not contain the username.']
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"Passwords need at least {MIN_PASSWORD_LENGTH} characters."]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"Passwords are at most {MAX_PASSWORD_LENGTH} characters."]
    lowered, name = password.lower(), username.strip().lower()
    if name and (lowered == name or (len(name) >= 4 and name in lowered)):
        return ["The password must not contain the username."]
    if _is_guessable(lowered):
        return ["This password is too common or easy to guess; try a few unrelated words."]
    return []


def _is_guessable(lowered: str) -> bool:
    """A common word padded with digits/symbols, one repeated character, or a keyboard run."""
    if len(set(lowered)) <= 3 or _is_padded_common_word(lowered):
        return True
    runs = ("0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "1q2w3e4r5t")
    return any(lowered in run * 2 for run in runs)


_LEET = str.maketrans("@4031$57!", "aaoelssti")


def _is_padded_common_word(lowered: str) -> bool:
    """A common word (leetspeak undone: p@ssw0rd) with nothing but digits and symbols around it."""
    plain = lowered.translate(_LEET)
    for word in COMMON_PASSWORD_WORDS:
        at = plain.find(word)
        rest = lowered[:at] + lowered[at + len(word):]
        if at >= 0 and not any(ch.isalpha() for ch in rest):
            return True
    return False


def authenticate(
    session: Session, *, username: str, password: str, address: str,
    limit: tuple[int, int], now: datetime | None = None,
) -> User:
    """The active user with these credentials; raises RateLimited or AuthError otherwise."""
    now = now or utcnow()
    name = username.strip()
    key = f"{name.lower()[:MAX_USERNAME_LENGTH]}|{address[:64]}"  # fits login_failure.key
    max_failures, window = limit
    since = now - timedelta(seconds=window)
    failures = session.scalar(
        select(func.count()).where(LoginFailure.key == key, LoginFailure.created_at > since)
    )
    if failures is not None and failures >= max_failures:
        raise RateLimited("Too many failed logins; wait a minute and try again.")
    user = (session.scalar(select(User).where(User.username == name))
            if len(name) <= MAX_USERNAME_LENGTH else None)
    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not password_ok or not user.is_active:
        session.add(LoginFailure(key=key, created_at=now))
        session.execute(delete(LoginFailure).where(LoginFailure.created_at <= since))
        raise AuthError("Unknown username or wrong password.")
    session.execute(delete(LoginFailure).where(LoginFailure.key == key))
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    return user


_USERS: Table = User.__table__  # type: ignore[assignment]
_ACTIVE_IDENTITY = (select(_USERS.c.id, _USERS.c.username, _USERS.c.role)
                    .where(_USERS.c.id == bindparam("user_id"), _USERS.c.is_active.is_(True)))


Identity = tuple[int, str, str]
RECENT_IDENTITIES = 50_000


def active_identity(session: Session, user_id: int, *,
                    max_age: float = 0.0) -> Identity | None:
    """(id, username, role) of the user ``user_id`` when active, else None: what every
    authenticated request needs, in one small prebuilt query (no ORM object).

    With ``max_age`` > 0 an answer read at most that many seconds ago in this process is reused
    (the web app's ``AUTH_CACHE_SECONDS``): a role change or deactivation made here takes effect
    at once (:func:`set_role` and :func:`set_active` forget the user), one made by another
    process within ``max_age`` seconds.
    """
    if max_age <= 0:
        return _read_identity(session, user_id)
    recent = _recent_identities(session)
    now = time.monotonic()
    hit = recent.get(user_id)
    if hit is not None and hit[1] > now:
        return hit[0]
    identity = _read_identity(session, user_id)
    recent.put(user_id, (identity, now + max_age))
    return identity


def _read_identity(session: Session, user_id: int) -> Identity | None:
    row = session.execute(_ACTIVE_IDENTITY, {"user_id": user_id}).first()
    return (row.id, row.username, row.role) if row is not None else None


def _recent_identities(session: Session) -> LRU[tuple[Identity | None, float]]:
    """User id -> (identity or None, monotonic time it expires), for this database."""
    return memo(session, "identities", RECENT_IDENTITIES)


def forget_identity(session: Session, user_id: int) -> None:
    """Drop what :func:`active_identity` remembers of ``user_id`` (its role or state changed)."""
    _recent_identities(session).discard(user_id)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def set_role(session: Session, *, user_id: int, role: str, actor_id: int | None) -> User:
    if role not in ROLES:
        raise ValidationFailed(f"Role must be one of {', '.join(ROLES)}.")
    user = get_user(session, user_id)
    audit.record(session, user_id=actor_id, action="set_role", target_type="user",
                 target_id=str(user_id), detail={"from": user.role, "to": role})
    user.role = role
    forget_identity(session, user_id)
    return user


def set_active(session: Session, *, user_id: int, active: bool, actor_id: int | None) -> User:
    user = get_user(session, user_id)
    if not active and user_id == actor_id:
        raise ValidationFailed("You cannot deactivate your own account.")
    audit.record(session, user_id=actor_id, action="activate" if active else "deactivate",
                 target_type="user", target_id=str(user_id))
    user.is_active = active
    forget_identity(session, user_id)
    return user


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def import_users_csv(session: Session, text: str, *, actor_id: int | None) -> ImportResult:
    """Create users from ``username,password,role`` lines (a header line is allowed).

    Each bad line is reported and skipped; the good ones are created.
    """
    result = ImportResult()
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (number == 1 and [c.strip().lower() for c in row[:1]] == ["username"]):
            continue
        if len(row) != 3:
            result.errors.append(f"line {number}: expected username,password,role")
            continue
        username, password, role = (cell.strip() for cell in row)
        try:
            with session.begin_nested():
                create_user(session, username=username, password=password, role=role or "student")
        except ValidationFailed as error:
            result.errors.append(f"line {number}: {error.message}")
            continue
        result.created.append(username)
    if result.created:
        audit.record(session, user_id=actor_id, action="import_users", target_type="user",
                     target_id="csv", detail={"created": result.created})
    return result
