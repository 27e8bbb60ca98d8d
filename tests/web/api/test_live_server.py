"""The API over real HTTP (werkzeug server in a thread, requests as the client)."""

import pytest
import requests
from sqlalchemy import func, select

from quizengine.db.models import Submission

PASSWORD = "correct horse battery"


def test_attempt_over_http(app, live_server, make_user, chain_quiz, answers_for):
    make_user("sam")
    http = requests.Session()
    login = http.post(f"{live_server}/api/v1/auth/login",
                      json={"username": "sam", "password": PASSWORD}, timeout=30)
    http.headers["Authorization"] = f"Bearer {login.json()['token']}"

    started = http.post(f"{live_server}/api/v1/quizzes/{chain_quiz}/attempts", timeout=30)
    assert started.status_code == 201
    question = started.json()["questions"][0]
    qid = question["question_id"]
    answers = answers_for(qid)
    text_parts = [p["part_id"] for p in question["parts"] if p["kind"] != "choice"]
    if text_parts:
        preview = http.post(f"{live_server}/api/v1/questions/{qid}/validate", timeout=30,
                            json={"part_id": text_parts[0], "answer": answers[text_parts[0]]})
        assert preview.json()["valid"] is True

    replies = [http.post(f"{live_server}/api/v1/questions/{qid}/submit", timeout=30,
                         headers={"Idempotency-Key": "over-http"}, json={"answers": answers})
               for _ in range(2)]
    assert replies[0].json() == replies[1].json()
    assert replies[0].json()["score"] == pytest.approx(1.0)
    with app.extensions["quizengine.db"].session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 1

    attempt_id = started.json()["attempt_id"]
    finished = http.post(f"{live_server}/api/v1/attempts/{attempt_id}/finish", timeout=30)
    assert finished.json()["max_score"] == 2.0
    assert "script-src 'self'" in finished.headers["Content-Security-Policy"]
