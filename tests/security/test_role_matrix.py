"""Every route in ``app.url_map`` × every role × its methods: nobody gets past their role, and
nobody but the owner reaches a student's attempt or question.

Routes are enumerated, not listed, so a new route is covered the day it is added. URL parameters
are filled with real ids made here (student A's attempt and question, a quiz, a template, a user).
Expected access comes from the blueprint (``admin`` → admin; ``instructor`` → instructors and
admins; ``student``/``auth``/``api`` → any logged-in user; an API operation whose OpenAPI entry
documents a 403 → staff) with a short list of public endpoints. A route in a new blueprint fails
until it is classified below.

Denied: anonymous → 302 to the login page (HTML) or 401 (API); logged in with the wrong role →
403. Owned resources: the owner passes, every other account gets 404 (or 403), through pages and
API alike, and nothing is stored or finished on the owner's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from quizengine.web.api.openapi import DOCUMENT

PASSWORD = "correct horse battery"
ROLES = ("anonymous", "student", "other_student", "instructor", "admin")
ACCOUNTS = {"student": ("amy", "student"), "other_student": ("bob", "student"),
            "instructor": ("ivy", "instructor"), "admin": ("ada", "admin")}
LOGGED_IN = frozenset(ACCOUNTS)
STAFF = frozenset({"instructor", "admin"})
PUBLIC = frozenset({"static", "auth.login", "auth.register", "api.openapi_document", "api.login"})
OWNED_PARAMS = frozenset({"attempt_id", "question_id"})
BY_BLUEPRINT = {"admin": frozenset({"admin"}), "instructor": STAFF, "student": LOGGED_IN,
                "auth": LOGGED_IN, "api": LOGGED_IN}


@dataclass(frozen=True)
class World:
    """Ids the URL parameters are filled with, and the owner's secrets for the API bodies."""

    params: dict[str, Any]
    part_id: str
    attempt_id: int
    question_id: int


@pytest.fixture
def world(app, make_user, chain_quiz, imported_bank) -> World:
    return build_world(app, make_user, chain_quiz, imported_bank)


def build_world(app, make_user, chain_quiz: str, imported_bank: dict) -> World:
    """The accounts of ``ACCOUNTS`` plus a victim user, and student A's attempt on the quiz."""
    from quizengine.services import attempts

    ids = {role: make_user(name, kind) for role, (name, kind) in ACCOUNTS.items()}
    victim = make_user("vic", "student")
    with app.extensions["quizengine.db"].session() as session, session.begin():
        attempt = attempts.start_attempt(session, user_id=ids["student"], quiz_id=chain_quiz,
                                         secret=app.config["SECRET_KEY"])
        question = attempt.questions[0]
        attempt_id, question_id = attempt.id, question.id
    with app.extensions["quizengine.db"].session() as session:
        from quizengine.db.models import QuestionInstance
        from quizengine.services import variants

        variant = variants.variant_of(session, session.get(QuestionInstance, question_id))
    params = {"quiz_id": chain_quiz, "attempt_id": attempt_id, "question_id": question_id,
              "template_id": sorted(imported_bank)[0], "user_id": victim, "fmt": "csv",
              "filename": "css/app.css"}
    return World(params, variant.parts[0].part_id, attempt_id, question_id)


def client_for(app, role: str):
    client = app.test_client()
    if role != "anonymous":
        reply = client.post("/auth/login", data={"username": ACCOUNTS[role][0],
                                                 "password": PASSWORD})
        assert reply.status_code == 302, reply.text
    return client


def allowed_roles(rule, method: str) -> frozenset[str] | None:
    """Who may use ``rule`` with ``method``: None for public endpoints."""
    if rule.endpoint in PUBLIC:
        return None
    blueprint = rule.endpoint.split(".")[0]
    if blueprint not in BY_BLUEPRINT:
        pytest.fail(f"classify the access rule of {rule.rule} ({rule.endpoint}) in this test")
    if blueprint == "api":
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        documented = DOCUMENT["paths"].get(path, {}).get(method.lower(), {})
        if "403" in documented.get("responses", {}):
            return STAFF
    return BY_BLUEPRINT[blueprint]


def routes(app) -> list[tuple[Any, str]]:
    """Every (rule, method) pair, logout last (it ends the session the others rely on)."""
    pairs = [(rule, method) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(pairs, key=lambda p: (p[0].endpoint == "auth.logout", p[0].rule, p[1]))


def request(app, client, rule, method: str, world: World):
    """Send ``method`` to ``rule`` with its parameters filled in and a plausible body."""
    missing = set(rule.arguments) - set(world.params)
    assert not missing, f"give the route parameter(s) {missing} of {rule.rule} a value"
    url = app.url_map.bind("localhost").build(
        rule.endpoint, {name: world.params[name] for name in rule.arguments}, method=method)
    if method == "GET":
        return url, client.get(url)
    if rule.rule.startswith("/api/"):
        body = {"part_id": world.part_id, "answer": "1", "answers": {world.part_id: "1"}}
        return url, client.post(url, json=body, headers={"Idempotency-Key": "matrix"})
    form = {f"answer-{world.part_id}": "1", "idempotency_key": "matrix"}
    return url, client.open(url, method=method, data=form)


def problem(rule, method: str, role: str, response) -> str | None:
    """Why ``response`` breaks the access rules, or None when it keeps them."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    allowed = allowed_roles(rule, method)
    is_api = rule.rule.startswith("/api/")
    if allowed is None:
        return "403 on a public route" if status == 403 else None
    if role == "anonymous":
        location = response.headers.get("Location", "")
        refused = status == 401 if is_api else (status == 302
                                                and location.startswith("/auth/login"))
        return None if refused else f"anonymous got {status} {location}"
    if role not in allowed:
        return None if status == 403 else f"{role} got {status}, expected 403"
    owned = OWNED_PARAMS & set(rule.arguments) and rule.endpoint.split(".")[0] in (
        "student", "api")
    if owned and role != "student":
        return None if status in (403, 404) else f"{role} reached student A's work: {status}"
    if status in (401, 403) or (owned and status == 404):
        return f"{role} refused with {status} on a route of its role"
    to_login = response.headers.get("Location", "").startswith("/auth/login")
    if status == 302 and to_login and rule.endpoint != "auth.logout":
        return f"{role} sent to the login page"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_route_keeps_to_its_role(app, world, role):
    client = client_for(app, role)
    failures = []
    for rule, method in routes(app):
        url, response = request(app, client, rule, method, world)
        why = problem(rule, method, role, response)
        response.close()  # static files are streamed from an open file
        if why:
            failures.append(f"{method} {url} [{rule.endpoint}]: {why}")
    assert not failures, "\n".join(failures)


def test_the_matrix_reaches_every_blueprint(app):
    blueprints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert {"auth", "student", "instructor", "admin", "api"} <= blueprints
    owned = [rule for rule in app.url_map.iter_rules() if OWNED_PARAMS & set(rule.arguments)]
    assert {r.endpoint for r in owned} >= {
        "student.attempt", "student.finish_attempt", "student.submit", "api.get_attempt",
        "api.validate", "api.submit", "api.finish"}


def _bearer(client, username: str) -> dict[str, str]:
    reply = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {reply.json['token']}"}


def test_another_student_cannot_touch_a_students_work(app, client, world, answers_for):
    """Student B, with good answers to A's question, through pages and API: all 404, and A's
    attempt stays unanswered and unfinished."""
    from quizengine.db.models import Attempt, Submission

    answers = answers_for(world.question_id)
    bob = client_for(app, "other_student")
    token = _bearer(client, "bob")
    q, a = world.question_id, world.attempt_id
    form = {f"answer-{pid}": text for pid, text in answers.items()} | {"idempotency_key": "b"}
    replies = [
        bob.get(f"/attempts/{a}"), bob.post(f"/questions/{q}/submit", data=form),
        bob.post(f"/attempts/{a}/finish"),
        client.get(f"/api/v1/attempts/{a}", headers=token),
        client.post(f"/api/v1/questions/{q}/validate", headers=token,
                    json={"part_id": world.part_id, "answer": answers[world.part_id]}),
        client.post(f"/api/v1/questions/{q}/submit", headers=token, json={"answers": answers}),
        client.post(f"/api/v1/attempts/{a}/finish", headers=token),
    ]
    assert [r.status_code for r in replies] == [404] * len(replies)
    with app.extensions["quizengine.db"].session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0
        assert session.get(Attempt, a).finished_at is None


def test_owner_reaches_the_same_routes(app, client, world, answers_for):
    """The control for the test above: the same requests by A succeed."""
    token = _bearer(client, "amy")
    answers = answers_for(world.question_id)
    q, a = world.question_id, world.attempt_id
    assert client.get(f"/api/v1/attempts/{a}", headers=token).status_code == 200
    reply = client.post(f"/api/v1/questions/{q}/submit", headers=token, json={"answers": answers})
    assert reply.status_code == 200 and reply.json["stored"] is True
    assert client.post(f"/api/v1/attempts/{a}/finish", headers=token).status_code == 200
