"""Browser-facing defences: security headers and no inline script on every page of every role
(even with a hostile template), cookie flags, CSRF on every POST, the login rate limit per
username and address, and ``next=`` redirects that stay on the site."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from quizengine.web import create_app
from tests.security.test_role_matrix import ROLES, build_world, client_for, request, routes

PASSWORD = "correct horse battery"
REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin",
                     "strict-origin-when-cross-origin"}


@pytest.fixture
def world(app, make_user, chain_quiz, imported_bank):
    return build_world(app, make_user, chain_quiz, imported_bank)


# --- headers and inline script -------------------------------------------------------------

class InlineCode(HTMLParser):
    """Collects what a strict CSP would block or what runs script without a file: inline
    ``<script>`` blocks, ``on*=`` handler attributes and ``javascript:`` URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_src: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._script_src = values.get("src") or ""
            if not self._script_src:
                self.found.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value and \
                    re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_src = None

    def handle_data(self, data: str) -> None:
        if self._script_src and data.strip():
            self.found.append("<script src> with a body")


def inline_code(page: str) -> list[str]:
    parser = InlineCode()
    parser.feed(page)
    parser.close()
    return parser.found


def header_problems(response) -> list[str]:
    headers = response.headers
    csp = dict((d.strip().split(" ", 1) + [""])[:2] for d in
               headers.get("Content-Security-Policy", "").split(";") if d.strip())
    script_src = csp.get("script-src", csp.get("default-src", "*"))
    problems = [f"script-src allows {bad}" for bad in ("'unsafe-inline'", "'unsafe-eval'",
                                                       "data:", "*") if bad in script_src.split()]
    if csp.get("frame-ancestors") != "'none'" or headers.get("X-Frame-Options") != "DENY":
        problems.append("framing is not refused")
    if csp.get("object-src") != "'none'" or csp.get("base-uri") != "'self'":
        problems.append("object-src/base-uri not locked")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_the_headers_and_no_inline_code(app, world, answers_for, role):
    """Every GET route (pages, JSON, static, error pages) as every role, with student A's
    question answered so that feedback and the worked solution are rendered too."""
    client_for(app, "student").post(
        f"/questions/{world.question_id}/submit",
        data={f"answer-{k}": v for k, v in answers_for(world.question_id).items()}
        | {"idempotency_key": "k1"})
    client = client_for(app, role)
    failures, pages = [], 0
    for rule, method in routes(app):
        if method != "GET":
            continue
        url, response = request(app, client, rule, method, world)
        found = header_problems(response)
        if response.mimetype == "text/html":
            pages += 1
            found += inline_code(response.get_data(as_text=True))
        response.close()
        failures += [f"{url}: {problem}" for problem in found]
    assert pages >= 3
    assert not failures, "\n".join(failures)


HOSTILE = ("<script>alert(1)</script> <img src=x onerror=alert(2)> "
           "[click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a> "
           "<svg onload=alert(5)></svg>")


def test_the_scanner_finds_inline_code():
    page = ('<script>alert(1)</script><script src="/a.js"></script><a onclick="x">a</a>'
            '<a href=" JavaScript:alert(1)">b</a><img src=x onerror=y>')
    assert len(inline_code(page)) == 4
    assert header_problems(type("R", (), {"headers": {}})()) != []


def test_a_hostile_template_renders_no_code(app, client, login_as, make_user, chain_quiz):
    """A template author's markup is text: prompt, hints and solution full of script and handlers
    render as escaped text on the preview and on the student's attempt page."""
    from quizengine.core.questions import load_template_text
    from quizengine.db.models import Quiz
    from quizengine.services import authoring

    source = (app.config["BANK_PATH"] / "week1/w1-chain-rule/nested-composite.toml").read_text()
    source = source.replace("Find \\(f'(x)\\).", f"Find \\(f'(x)\\). {HOSTILE}", 1)
    source = source.replace("The last factor", f"{HOSTILE} The last factor", 1)
    source = source.replace("'''Peel the layers", f"'''{HOSTILE} Peel the layers", 1)
    template_id = load_template_text(source).id
    with app.extensions["quizengine.db"].session() as session, session.begin():
        authoring.save_source(session, source=source, user_id=None, seeds=2)
        every = len(list((app.config["BANK_PATH"] / "week1/w1-chain-rule").glob("*.toml")))
        session.get(Quiz, chain_quiz).questions_per_attempt = every  # every template of the quiz
    login_as("instructor")
    preview = client.get(f"/instructor/templates/{template_id}")
    assert "alert(1)" in preview.get_data(as_text=True)  # the markup is there, as text
    assert inline_code(preview.get_data(as_text=True)) == []
    make_user("sam")
    student = app.test_client()
    student.post("/auth/login", data={"username": "sam", "password": PASSWORD})
    attempt = student.post(f"/quizzes/{chain_quiz}/attempts")
    page = student.get(attempt.headers["Location"]).get_data(as_text=True)
    assert "alert(2)" in page and inline_code(page) == []


# --- cookies -------------------------------------------------------------------------------

def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user("ada")
    cookie = _session_cookie(client.post("/auth/login", data={"username": "ada",
                                                              "password": PASSWORD}))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def production_app(engine, database_url, tmp_path, monkeypatch):
    import config

    if not config.ProductionConfig.SESSION_COOKIE_SECURE:
        pytest.skip("QUIZENGINE_INSECURE_COOKIES=1 is set in this environment")
    application = create_app("production", DATABASE_URL=database_url,
                             SECRET_KEY="production-test-key", INSTANCE_PATH=tmp_path)
    yield application
    application.extensions["quizengine.db"].dispose()


def _csrf_token(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_production_cookies_are_secure_and_https_is_pinned(production_app):
    from quizengine.services import users

    with production_app.extensions["quizengine.db"].session() as s, s.begin():
        users.create_user(s, username="ada", password=PASSWORD)
    client = production_app.test_client()
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/"}}
    page = client.get("/auth/login", **https)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    reply = client.post("/auth/login", data={"username": "ada", "password": PASSWORD,
                                             "csrf_token": _csrf_token(page)}, **https)
    assert reply.status_code == 302
    cookie = _session_cookie(reply)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- CSRF ----------------------------------------------------------------------------------

@pytest.fixture
def csrf_app(engine, database_url, bank_path, tmp_path):
    application = create_app("testing", DATABASE_URL=database_url, SECRET_KEY="csrf-test",
                             WTF_CSRF_ENABLED=True, BANK_PATH=bank_path, INSTANCE_PATH=tmp_path)
    yield application
    application.extensions["quizengine.db"].dispose()


DUMMY = {"quiz_id": "w1-chain-rule", "attempt_id": 1, "question_id": 1, "user_id": 1,
         "template_id": "w1-chain-rule/nested-composite", "fmt": "csv", "filename": "x"}


def _post_urls(app, *, api: bool) -> list[str]:
    adapter = app.url_map.bind("localhost")
    return [adapter.build(rule.endpoint, {a: DUMMY[a] for a in rule.arguments}, method="POST")
            for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and rule.rule.startswith("/api/") == api
            and rule.endpoint != "api.login"]


def _logged_in_admin(app):
    from quizengine.services import users

    with app.extensions["quizengine.db"].session() as s, s.begin():
        users.create_user(s, username="root", password=PASSWORD, role="admin")
    client = app.test_client()
    token = _csrf_token(client.get("/auth/login"))
    assert client.post("/auth/login", data={"username": "root", "password": PASSWORD,
                                            "csrf_token": token}).status_code == 302
    return client, _csrf_token(client.get("/admin/users"))


def test_every_form_post_needs_the_token(csrf_app):
    anonymous = csrf_app.test_client()
    client, token = _logged_in_admin(csrf_app)
    urls = _post_urls(csrf_app, api=False)
    assert len(urls) >= 10 and "/auth/logout" in urls
    for url in urls:
        for who, extra in ((client, {}), (client, {"csrf_token": "forged"}), (anonymous, {})):
            reply = who.post(url, data={"username": "root", "password": PASSWORD, **extra})
            assert reply.status_code == 400, url
            assert "CSRF" in reply.get_data(as_text=True), url
    # the control: with the session's token the same POST goes through
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302


def test_api_needs_the_header_with_a_cookie_but_not_with_a_bearer_token(csrf_app):
    client, token = _logged_in_admin(csrf_app)
    urls = _post_urls(csrf_app, api=True)
    assert len(urls) >= 5
    bearer = csrf_app.test_client().post(
        "/api/v1/auth/login", json={"username": "root", "password": PASSWORD}).json["token"]
    for url in urls:
        refused = client.post(url, json={})
        assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf", url
        with_header = client.post(url, json={}, headers={"X-CSRFToken": token})
        assert with_header.status_code != 400 or with_header.json["error"]["code"] != "csrf"
        by_token = csrf_app.test_client().post(
            url, json={}, headers={"Authorization": f"Bearer {bearer}"})
        assert by_token.status_code != 400 or by_token.json["error"]["code"] != "csrf"


# --- login rate limit ----------------------------------------------------------------------

def _login(client, username: str, password: str, address: str, *, api: bool = False,
           forwarded: str | None = None):
    environ = {"REMOTE_ADDR": address}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    if api:
        return client.post("/api/v1/auth/login", json={"username": username,
                                                       "password": password},
                           environ_base=environ, headers=headers)
    return client.post("/auth/login", data={"username": username, "password": password},
                       environ_base=environ, headers=headers)


@pytest.mark.parametrize("api", [False, True])
def test_login_limit_is_per_username_and_address(app, make_user, api):
    make_user("ada")
    make_user("bob")
    app.config["LOGIN_RATE_LIMIT"] = (3, 60)
    client = app.test_client()
    for _ in range(3):
        assert _login(client, "ada", "wrong password", "10.0.0.1", api=api).status_code == 401
    refused = _login(client, "ada", PASSWORD, "10.0.0.1", api=api)  # even the right password
    assert refused.status_code == 429
    if api:
        assert refused.json["error"]["code"] == "rate_limited"
    else:
        assert "Too many failed logins" in refused.get_data(as_text=True)
    assert _login(client, "ADA ", PASSWORD, "10.0.0.1", api=api).status_code == 429
    # a spoofed X-Forwarded-For is ignored when no proxy is trusted
    assert _login(client, "ada", PASSWORD, "10.0.0.1", api=api,
                  forwarded="203.0.113.9").status_code == 429
    assert _login(client, "bob", PASSWORD, "10.0.0.1", api=api).status_code in (200, 302)
    assert _login(client, "ada", PASSWORD, "10.0.0.2", api=api).status_code in (200, 302)


def test_unknown_usernames_count_too(app):
    app.config["LOGIN_RATE_LIMIT"] = (2, 60)
    client = app.test_client()
    for _ in range(2):
        assert _login(client, "ghost", "whatever123", "10.0.0.1").status_code == 401
    assert _login(client, "ghost", "whatever123", "10.0.0.1").status_code == 429


@pytest.mark.parametrize("username", ["a" * 5000, "ada\x00", "\x00"])
def test_absurd_usernames_are_refused_not_crashed(client, make_user, username):
    """Over-long names and NUL characters (PostgreSQL cannot hold them) get a 4xx, never a
    500, on both login doors and on the forms that store text."""
    make_user("ada")
    api = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    page = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert api.status_code in (401, 422) and page.status_code in (401, 422)
    assert client.get("/quizzes/%00").status_code in (302, 422)
    assert client.post("/auth/register", data={"username": username, "password": PASSWORD,
                                               "password2": PASSWORD}).status_code == 422


def test_behind_a_trusted_proxy_the_limit_counts_per_client(engine, database_url, tmp_path,
                                                              make_user):
    proxied = create_app("testing", DATABASE_URL=database_url, SECRET_KEY="proxy-test",
                         INSTANCE_PATH=tmp_path, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT=(2, 60))
    try:
        make_user("ada")
        client = proxied.test_client()
        for _ in range(2):
            _login(client, "ada", "wrong password", "10.0.0.254", forwarded="198.51.100.1")
        assert _login(client, "ada", PASSWORD, "10.0.0.254",
                      forwarded="198.51.100.1").status_code == 429
        assert _login(client, "ada", PASSWORD, "10.0.0.254",
                      forwarded="198.51.100.2").status_code == 302
    finally:
        proxied.extensions["quizengine.db"].dispose()


# --- next= redirects -----------------------------------------------------------------------

OFF_SITE = ["https://evil.example/", "http:evil.example", "//evil.example", "///evil.example",
            "\\\\evil.example", "/\\evil.example", "\\/evil.example", " //evil.example",
            "/\t/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>", "evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leaves_the_site(client, make_user, target):
    make_user("ada")
    reply = client.post("/auth/login", data={"username": "ada", "password": PASSWORD,
                                             "next": target})
    assert reply.status_code == 302 and reply.headers["Location"] == "/"
    again = client.get("/auth/login", query_string={"next": target})  # already logged in
    assert again.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/history", "/quizzes/w1-chain-rule?tab=2"])
def test_next_keeps_on_site_paths(client, make_user, target):
    make_user("ada")
    reply = client.post("/auth/login", data={"username": "ada", "password": PASSWORD,
                                             "next": target})
    assert reply.headers["Location"] == target
