"""The app factory: configuration classes, secret key handling, cookies."""

from quizengine.web import create_app


def test_secret_key_is_generated_once_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("QUIZENGINE_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    first = create_app("testing", DATABASE_URL=url, INSTANCE_PATH=tmp_path)
    second = create_app("testing", DATABASE_URL=url, INSTANCE_PATH=tmp_path)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    for app in (first, second):
        app.extensions["quizengine.db"].dispose()


def test_production_cookies_are_secure(tmp_path):
    app = create_app("production", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                     SECRET_KEY="k", INSTANCE_PATH=tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_ENABLED"] is True
    app.extensions["quizengine.db"].dispose()
