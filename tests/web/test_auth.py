"""Login, logout, registration, safe redirects, role checks, CSRF and security headers."""

import re

import pytest

from quizengine.web import create_app

PASSWORD = "correct horse battery"


def test_dashboard_requires_login_and_keeps_next(client):
    response = client.get("/history")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/history")


def test_register_logs_in_then_logout(client, engine):
    response = client.post("/auth/register", data={
        "username": "newbie", "password": "long enough", "password2": "long enough"})
    assert response.status_code == 302
    assert client.get("/history").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/history").status_code == 302


def test_wrong_password_is_refused(client, make_user):
    make_user("ada")
    response = client.post("/auth/login", data={"username": "ada", "password": "nope nope"})
    assert response.status_code == 401
    assert b"Unknown username or wrong password" in response.data


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/history", "/history"), ("//evil.example/x", "/"), ("https://evil.example/", "/"),
     ("/\\evil.example", "/")],
)
def test_next_redirects_stay_on_site(client, make_user, target, expected):
    make_user("ada")
    response = client.post("/auth/login", data={"username": "ada", "password": PASSWORD,
                                                "next": target})
    assert response.headers["Location"] == expected


def test_login_is_rate_limited(app, client, make_user):
    make_user("ada")
    app.config["LOGIN_RATE_LIMIT"] = (2, 60)
    for _ in range(2):
        client.post("/auth/login", data={"username": "ada", "password": "wrong pass"})
    response = client.post("/auth/login", data={"username": "ada", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [("student", "/instructor/", 403), ("student", "/admin/users", 403),
     ("instructor", "/admin/users", 403), ("instructor", "/instructor/", 200),
     ("admin", "/admin/users", 200), ("admin", "/instructor/", 200)],
)
def test_roles_are_checked(client, login_as, role, path, status):
    login_as(role)
    assert client.get(path).status_code == status


def test_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert b"<script>" not in response.data  # no inline scripts anywhere


def test_html_errors_are_pages(client, login_as):
    login_as("student")
    response = client.get("/quizzes/no-such-quiz")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.fixture
def csrf_app(engine, database_url, tmp_path):
    application = create_app("testing", DATABASE_URL=database_url, SECRET_KEY="csrf-test",
                             WTF_CSRF_ENABLED=True, INSTANCE_PATH=tmp_path)
    yield application
    application.extensions["quizengine.db"].dispose()


def test_forms_need_a_csrf_token(csrf_app, make_user):
    client = csrf_app.test_client()
    from quizengine.services import users

    with csrf_app.extensions["quizengine.db"].session() as s, s.begin():
        users.create_user(s, username="ada", password=PASSWORD)
    response = client.post("/auth/login", data={"username": "ada", "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"username": "ada", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    # the API with the session cookie needs the header too; with a bearer token it does not
    assert client.post("/api/v1/attempts/1/finish").status_code == 400
    assert client.post("/api/v1/attempts/1/finish",
                       headers={"X-CSRFToken": token}).status_code == 404
