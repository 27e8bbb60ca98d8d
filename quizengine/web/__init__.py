"""The Flask app factory: configuration, database, security, blueprints per audience."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config import INSTANCE_PATH, config_class, instance_secret_key


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the app for ``config_name`` (development | production | testing).

    ``overrides`` replace configuration keys (tests pass ``DATABASE_URL``, ``SECRET_KEY``, ...).
    The schema is not created here: run ``quizengine db upgrade``.
    """
    instance_path = Path(overrides.pop("INSTANCE_PATH", INSTANCE_PATH))
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=False)
    app.config.from_object(config_class(config_name))
    if "SECRET_KEY" not in overrides:
        app.config["SECRET_KEY"] = instance_secret_key(instance_path)
    app.config.update(overrides)
    if app.config.get("DATABASE_URL", "").startswith("sqlite"):
        instance_path.mkdir(parents=True, exist_ok=True)

    from quizengine.web import database, errors, security

    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from quizengine.web.admin import bp as admin_bp
    from quizengine.web.api import bp as api_bp
    from quizengine.web.auth import bp as auth_bp
    from quizengine.web.instructor import bp as instructor_bp
    from quizengine.web.student import bp as student_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(student_bp)
    app.register_blueprint(instructor_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
