"""Configuration classes, chosen by ``QUIZENGINE_CONFIG`` (development | production | testing).

Everything that differs between machines comes from environment variables:

- ``QUIZENGINE_DATABASE_URL``: SQLAlchemy URL; default a SQLite file under ``instance/``.
- ``QUIZENGINE_SECRET_KEY``: signs sessions and derives question seeds; when unset, a random key
  is generated once and kept in ``instance/secret_key`` (never a constant in code).
- ``QUIZENGINE_CONFIG``: which class below to use.
- ``QUIZENGINE_BANK_PATH``: folder of question templates; default ``question_bank/``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_PATH = Path(os.environ.get("QUIZENGINE_INSTANCE_PATH", PROJECT_ROOT / "instance"))


def instance_secret_key(instance_path: Path = INSTANCE_PATH) -> str:
    """Return the secret key from the environment, or the one kept in ``instance/`` (made once)."""
    from_env = os.environ.get("QUIZENGINE_SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def default_database_url(instance_path: Path = INSTANCE_PATH) -> str:
    """The embedded default: a SQLite file under ``instance/``."""
    return f"sqlite:///{instance_path / 'quizengine.sqlite3'}"


class Config:
    """Settings shared by every environment."""

    DEBUG = False
    TESTING = False
    DATABASE_URL = os.environ.get("QUIZENGINE_DATABASE_URL") or default_database_url()
    BANK_PATH = Path(os.environ.get("QUIZENGINE_BANK_PATH", PROJECT_ROOT / "question_bank"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_ENABLED = True
    CHECK_TIMEOUT_SECONDS = 2.0
    MASTERY_THRESHOLD = float(os.environ.get("QUIZENGINE_MASTERY_THRESHOLD", "0.95"))
    LOGIN_RATE_LIMIT = (10, 60)  # attempts per window of seconds, per username and address
    API_TOKEN_MAX_AGE_SECONDS = 12 * 3600
    # How long a worker reuses a user's (role, active) after reading it: a role change or a
    # deactivation made in another process takes effect within this many seconds.
    AUTH_CACHE_SECONDS = float(os.environ.get("QUIZENGINE_AUTH_CACHE_SECONDS", "5"))


class DevelopmentConfig(Config):
    DEBUG = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = os.environ.get("QUIZENGINE_INSECURE_COOKIES") != "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    LOGIN_RATE_LIMIT = (1000, 60)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_class(name: str | None = None) -> type[Config]:
    """Pick the class named by ``name`` or ``QUIZENGINE_CONFIG`` (default: development)."""
    chosen = name or os.environ.get("QUIZENGINE_CONFIG", "development")
    try:
        return CONFIGS[chosen]
    except KeyError:
        raise ValueError(
            f"QUIZENGINE_CONFIG must be one of {sorted(CONFIGS)}, not {chosen!r}"
        ) from None
