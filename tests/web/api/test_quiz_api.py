"""The JSON API end to end through the test client, with a bearer token."""

import pytest
from sqlalchemy import func, select

from quizengine.db.models import Submission

PASSWORD = "correct horse battery"


@pytest.fixture
def auth(client, make_user):
    make_user("sam")
    token = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json['token']}"}


def _walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def test_quiz_flow(app, client, auth, chain_quiz, answers_for):
    quizzes = client.get("/api/v1/quizzes", headers=auth).json
    assert len(quizzes) == 19 and set(quizzes[0]) == {"id", "week", "title", "skills"}

    started = client.post(f"/api/v1/quizzes/{chain_quiz}/attempts", headers=auth)
    assert started.status_code == 201
    body = started.json
    keys = set(_walk(body))
    assert not keys & {"seed", "expected", "solution_html", "expected_latex", "solution"}
    question = body["questions"][0]
    qid, part = question["question_id"], question["parts"][0]
    assert {"part_id", "kind"} <= set(part)

    answers = answers_for(qid)
    if part["kind"] != "choice":
        check = client.post(f"/api/v1/questions/{qid}/validate", headers=auth,
                            json={"part_id": part["part_id"], "answer": answers[part["part_id"]]})
        assert check.json["valid"] is True and check.json["latex"]
        bad = client.post(f"/api/v1/questions/{qid}/validate", headers=auth,
                          json={"part_id": part["part_id"], "answer": "2x*("})
        assert bad.json["valid"] is False and bad.json["message"]

    headers = {**auth, "Idempotency-Key": "api-key-1"}
    first = client.post(f"/api/v1/questions/{qid}/submit", headers=headers,
                        json={"answers": answers})
    again = client.post(f"/api/v1/questions/{qid}/submit", headers=headers,
                        json={"answers": answers})
    assert first.json["score"] == pytest.approx(1.0)
    assert {p["verdict"] for p in first.json["parts"]} == {"correct"}
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    with app.extensions["quizengine.db"].session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 1

    finished = client.post(f"/api/v1/attempts/{body['attempt_id']}/finish", headers=auth)
    assert finished.json == {"score": pytest.approx(1.0), "max_score": 2.0}
    late = client.post(f"/api/v1/questions/{qid}/submit", headers=auth,
                       json={"answers": answers})
    assert late.status_code == 409

    mastery = client.get("/api/v1/me/mastery", headers=auth).json["skills"]
    chain = next(s for s in mastery if s["skill"] == "chain-rule")
    assert chain["attempts"] >= 1


def test_invalid_submission_returns_invalid_and_stores_nothing(app, client, auth, chain_quiz):
    body = client.post(f"/api/v1/quizzes/{chain_quiz}/attempts", headers=auth).json
    question = body["questions"][0]
    answers = {p["part_id"]: "2x*(" for p in question["parts"]}
    reply = client.post(f"/api/v1/questions/{question['question_id']}/submit", headers=auth,
                        json={"answers": answers}).json
    assert reply["stored"] is False and reply["parts"][0]["verdict"] == "invalid"
    assert reply["parts"][0]["feedback"]


def test_practice_next_says_why(client, auth, imported_bank):
    reply = client.post("/api/v1/practice/next", headers=auth)
    assert reply.status_code == 200
    assert reply.json["skill"] and reply.json["reason"] and reply.json["question_id"]
    assert "solution_html" not in reply.json


def test_grade_report_csv_for_staff(client, make_user, chain_quiz):
    make_user("teach", "instructor")
    token = client.post("/api/v1/auth/login", json={"username": "teach", "password": PASSWORD})
    reply = client.get("/api/v1/reports/grades?format=csv",
                       headers={"Authorization": f"Bearer {token.json['token']}"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    assert reply.data.decode().splitlines()[0].startswith("username,quiz_id,best")
