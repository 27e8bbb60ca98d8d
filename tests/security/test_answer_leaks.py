"""Before submitting, no page or JSON a student receives holds a seed, an expected answer (text
or LaTeX), a computed template value or the worked solution.

The secrets come from the core's ``Variant.to_dict()`` for the student's own variants, minus
anything also in ``public_dict()`` (a value printed in the prompt is not a secret) and minus
strings too short to be distinctive. A control shows the detector works: once the quiz settings
show solutions, the same secrets do appear.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest

PASSWORD = "correct horse battery"
MIN_SECRET_LENGTH = 5


def secrets_of(variant: Any) -> set[str]:
    """Distinctive strings of ``variant`` that a student may not see before submitting."""
    full = variant.to_dict()
    public = json.dumps(variant.public_dict()) + "".join(_strings(variant.public_dict()))
    found = {str(full["seed"]), full["solution_html"].strip()}
    for part in full["parts"]:
        found |= {part["expected"], part["expected_latex"]}
    found |= set(full["values"].values())
    return {s for s in found if len(s) >= MIN_SECRET_LENGTH and s not in public}


def _strings(node: Any):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str | int | float) and not isinstance(node, bool):
        yield str(node)


def leaked(secrets: set[str], response) -> set[str]:
    """The secrets found in a page (raw or HTML-escaped) or anywhere in a JSON body."""
    if response.is_json:
        values = list(_strings(response.json))
        return {s for s in secrets if any(s in value for value in values)}
    page = response.get_data(as_text=True)
    return {s for s in secrets if s in page or html.escape(s) in page}


def _variants(app, question_ids) -> list[Any]:
    from quizengine.db.models import QuestionInstance
    from quizengine.services import variants

    with app.extensions["quizengine.db"].session() as session:
        return [variants.variant_of(session, session.get(QuestionInstance, qid))
                for qid in question_ids]


@pytest.fixture
def student(client, make_user) -> dict[str, str]:
    make_user("amy", "student")
    client.post("/auth/login", data={"username": "amy", "password": PASSWORD})
    token = client.post("/api/v1/auth/login", json={"username": "amy", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json['token']}"}


def _student_pages(client, attempt_id: int, quiz_id: str) -> list[str]:
    return [f"/attempts/{attempt_id}", f"/quizzes/{quiz_id}", "/", "/history", "/practice"]


def test_no_secret_before_submitting_then_shown_when_settings_allow(app, client, student,
                                                                     chain_quiz, answers_for):
    started = client.post(f"/api/v1/quizzes/{chain_quiz}/attempts", headers=student)
    attempt_id = started.json["attempt_id"]
    question_ids = [q["question_id"] for q in started.json["questions"]]
    secrets = set().union(*(secrets_of(v) for v in _variants(app, question_ids)))
    assert len(secrets) >= 4, secrets  # seeds, answers, solutions: the test has teeth
    qid = question_ids[0]
    part_id = started.json["questions"][0]["parts"][0]["part_id"]

    replies = [started, client.get(f"/api/v1/attempts/{attempt_id}", headers=student),
               client.post(f"/api/v1/questions/{qid}/validate", headers=student,
                           json={"part_id": part_id, "answer": "1"}),
               client.post(f"/api/v1/questions/{qid}/submit", headers=student,
                           json={"answers": {part_id: "2x*("}}),  # invalid: not stored
               *(client.get(url) for url in _student_pages(client, attempt_id, chain_quiz))]
    for reply in replies:
        assert reply.status_code in (200, 201), reply.request.path
        assert not leaked(secrets, reply), reply.request.path

    # the control: the quiz shows solutions immediately, so after a real submission they appear
    client.post(f"/api/v1/questions/{qid}/submit", headers=student,
                json={"answers": answers_for(qid)})
    assert leaked(secrets, client.get(f"/attempts/{attempt_id}"))
    assert leaked(secrets, client.get(f"/api/v1/attempts/{attempt_id}", headers=student))


def test_solutions_never_shown_stay_hidden_after_finishing(app, client, student, chain_quiz,
                                                           answers_for):
    from quizengine.db.models import Quiz

    with app.extensions["quizengine.db"].session() as session, session.begin():
        session.get(Quiz, chain_quiz).solutions_when = "never"
    started = client.post(f"/api/v1/quizzes/{chain_quiz}/attempts", headers=student).json
    question_ids = [q["question_id"] for q in started["questions"]]
    for qid in question_ids:
        client.post(f"/api/v1/questions/{qid}/submit", headers=student,
                    json={"answers": answers_for(qid)})
    client.post(f"/api/v1/attempts/{started['attempt_id']}/finish", headers=student)
    secrets = {s for v in _variants(app, question_ids) for s in secrets_of(v)
               if s == str(v.seed) or s == v.solution_html.strip()}
    assert len(secrets) >= 2
    for reply in (client.get(f"/attempts/{started['attempt_id']}"),
                  client.get(f"/api/v1/attempts/{started['attempt_id']}", headers=student)):
        assert not leaked(secrets, reply)


def test_practice_question_holds_no_secret(app, client, student, imported_bank):
    reply = client.post("/api/v1/practice/next", headers=student)
    assert reply.status_code == 200, reply.text
    secrets = secrets_of(_variants(app, [reply.json["question_id"]])[0])
    assert secrets
    assert not leaked(secrets, reply)
    assert not leaked(secrets, client.get("/practice"))
