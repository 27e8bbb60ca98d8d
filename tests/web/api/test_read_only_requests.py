"""Views marked ``read_only`` run on an autocommit session (no BEGIN/ROLLBACK round trips);
every other view keeps its transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from quizengine.web.api import routes

PASSWORD = "correct horse battery"


@pytest.fixture
def isolation_seen(app):
    """The isolation level each SQL statement of the test ran under."""
    engine = app.extensions["quizengine.db"].engine
    seen: list[str] = []

    def record(conn, *_args) -> None:
        seen.append(conn.get_execution_options().get("isolation_level", "transaction"))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_validate_is_read_only_and_submit_is_not(client, make_user, chain_quiz, answers_for,
                                                 isolation_seen):
    make_user("ada")
    token = client.post("/api/v1/auth/login",
                        json={"username": "ada", "password": PASSWORD}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    attempt = client.post(f"/api/v1/quizzes/{chain_quiz}/attempts", headers=auth).json
    qid = attempt["questions"][0]["question_id"]
    answers = answers_for(qid)
    part, text = next(iter(answers.items()))

    isolation_seen.clear()
    assert client.post(f"/api/v1/questions/{qid}/validate", headers=auth,
                       json={"part_id": part, "answer": text}).json["valid"]
    assert isolation_seen and set(isolation_seen) == {"AUTOCOMMIT"}

    isolation_seen.clear()
    reply = client.post(f"/api/v1/questions/{qid}/submit",
                        headers={**auth, "Idempotency-Key": "k1"}, json={"answers": answers})
    assert reply.status_code == 200 and reply.json["score"] == 1.0
    assert isolation_seen and "AUTOCOMMIT" not in isolation_seen


@pytest.mark.parametrize("view", [routes.validate, routes.get_attempt, routes.list_quizzes,
                                  routes.my_mastery])
def test_read_only_views_are_marked(view):
    assert view.read_only
