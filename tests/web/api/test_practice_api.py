"""Practice through the JSON API: the chosen question in the attempt questions' shape with its
skill and reason, the pending question served again, explicit skips, mastery after submitting."""

import pytest
from sqlalchemy import select

from quizengine.core.mastery import SKILLS
from quizengine.db.models import PracticeItem, QuestionInstance

PASSWORD = "correct horse battery"


@pytest.fixture
def auth(client, make_user, imported_bank):
    make_user("sam")
    token = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json['token']}"}


def _next(client, auth, **body):
    reply = client.post("/api/v1/practice/next", headers=auth, json=body or None)
    assert reply.status_code == 200, reply.json
    return reply.json


def test_next_has_the_attempt_question_shape_plus_skill_and_reason(app, client, auth):
    question = _next(client, auth)
    assert {"question_id", "prompt_html", "parts", "skill", "reason", "pending"} <= set(question)
    assert question["skill"] in SKILLS and question["reason"] and question["pending"] is False
    assert all({"part_id", "kind"} <= set(p) for p in question["parts"])
    assert not {"seed", "solution_html", "expected_latex"} & set(question)
    assert all("expected" not in p for p in question["parts"])
    with app.extensions["quizengine.db"].session() as s:
        attempt_id = s.get(QuestionInstance, question["question_id"]).attempt_id
    listed = client.get(f"/api/v1/attempts/{attempt_id}", headers=auth).json["questions"]
    same = {k: v for k, v in question.items() if k not in ("skill", "reason", "pending")}
    assert listed == [same]  # plots and choices exactly as an attempt's questions carry them


def test_next_returns_the_pending_question_until_answered(client, auth, answers_for):
    first = _next(client, auth)
    again = _next(client, auth)
    assert again["question_id"] == first["question_id"] and again["pending"] is True
    assert (again["skill"], again["reason"]) == (first["skill"], first["reason"])
    reply = client.post(f"/api/v1/questions/{first['question_id']}/submit", headers=auth,
                        json={"answers": answers_for(first["question_id"])})
    assert reply.status_code == 200 and reply.json["score"] == pytest.approx(1.0)
    after = _next(client, auth)
    assert after["question_id"] != first["question_id"] and after["pending"] is False


def test_skip_is_explicit_and_recorded(app, client, auth):
    first = _next(client, auth)
    assert _next(client, auth, skip=False)["question_id"] == first["question_id"]
    skipped = _next(client, auth, skip=True)
    assert skipped["question_id"] != first["question_id"]
    with app.extensions["quizengine.db"].session() as s:
        item = s.get(PracticeItem, first["question_id"])
        assert item.skipped_at is not None
        assert s.scalars(select(PracticeItem.skipped_at)
                         .where(PracticeItem.skipped_at.is_(None))).all() == [None]


@pytest.mark.parametrize("body", [{"skip": "yes"}, [1], {"skip": 1}])
def test_a_bad_body_is_refused(client, auth, body):
    reply = client.post("/api/v1/practice/next", headers=auth, json=body)
    assert reply.status_code == 422 and reply.json["error"]["code"] in {"bad_field", "bad_json"}


def test_submitting_a_practice_question_updates_mastery(client, auth, answers_for):
    before = client.get("/api/v1/me/mastery", headers=auth).json["skills"]
    question = _next(client, auth)
    client.post(f"/api/v1/questions/{question['question_id']}/submit", headers=auth,
                json={"answers": answers_for(question["question_id"])})
    after = client.get("/api/v1/me/mastery", headers=auth).json["skills"]
    old, new = ({s["skill"]: s for s in rows} for rows in (before, after))
    assert new[question["skill"]]["attempts"] > old[question["skill"]]["attempts"] == 0
    assert new[question["skill"]]["mastery"] > old[question["skill"]]["mastery"]


def test_my_mastery_lists_every_syllabus_skill_in_order(client, auth):
    skills = client.get("/api/v1/me/mastery", headers=auth).json["skills"]
    assert [s["skill"] for s in skills] == list(SKILLS)
    assert all(set(s) == {"skill", "mastery", "attempts"} and 0 < s["mastery"] < 1
               for s in skills)


def test_openapi_documents_skip_and_pending(client):
    doc = client.get("/api/openapi.json").json
    op = doc["paths"]["/api/v1/practice/next"]["post"]
    assert op["requestBody"]["required"] is False
    assert op["requestBody"]["content"]["application/json"]["schema"]["properties"]["skip"]
    extra = op["responses"]["200"]["content"]["application/json"]["schema"]["allOf"][1]
    assert set(extra["required"]) == {"skill", "reason", "pending"}
