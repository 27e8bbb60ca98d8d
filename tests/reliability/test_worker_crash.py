"""A gunicorn worker SIGKILLed in the middle of a submission, and a check that overruns its
deadline, on a real multi-process server (gunicorn subprocess, the test database).

The worker is killed at a hold point (``_gunicorn_app.py``): ``before`` the app sees the request
(nothing stored) or ``after`` the view committed and before the reply is sent (stored, reply
lost). Either way the client sees a connection error, retries with the same key, and exactly one
row exists afterwards; after a commit the retry replays the stored result.
"""

from __future__ import annotations

import http.client as httpclient
import json
import os
import signal
from urllib.parse import urlsplit

import pytest
import requests

from .conftest import SLOW_ANSWER, listen, login, read_pid, submission_rows


def _start(http, base: str, quiz: str) -> dict:
    reply = http.post(f"{base}/api/v1/quizzes/{quiz}/attempts", timeout=60)
    assert reply.status_code == 201, reply.text
    return reply.json()


@pytest.mark.parametrize("when", ["before", "after"])
def test_worker_killed_mid_submit_then_retry_stores_exactly_one(
        app, gunicorn, make_user, chain_quiz, answers_for, when):
    make_user(f"crash-{when}")
    http = login(gunicorn.url, f"crash-{when}")
    qid = _start(http, gunicorn.url, chain_quiz)["questions"][0]["question_id"]
    answers = answers_for(qid)
    path = f"/api/v1/questions/{qid}/submit"
    headers = {"Idempotency-Key": f"crash-{when}", "Content-Type": "application/json",
               "Authorization": http.headers["Authorization"]}
    hold = listen(gunicorn.hold_path)
    parts = urlsplit(gunicorn.url)
    doomed = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        doomed.request("POST", path, body=json.dumps({"answers": answers}),
                       headers={**headers, "X-Test-Hold": when})
        pid, held = read_pid(hold)  # the worker is now inside this very request
        assert pid in gunicorn.workers or gunicorn.process.poll() is None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises((ConnectionError, httpclient.HTTPException)):
            doomed.getresponse().read()
        held.close()
    finally:
        doomed.close()
        hold.close()
        gunicorn.hold_path.unlink(missing_ok=True)

    http.close()  # its kept-alive connection may have been to the killed worker too
    retry = http.post(f"{gunicorn.url}{path}", json={"answers": answers},
                      headers={"Idempotency-Key": f"crash-{when}"}, timeout=60)
    assert retry.status_code == 200, retry.text
    assert retry.json()["stored"] is True and retry.json()["score"] == 1.0
    assert retry.headers.get("Idempotent-Replayed") == ("true" if when == "after" else None)
    assert [(r[0], r[1]) for r in submission_rows(app, qid)] == [
        (retry.json()["submission_id"], f"crash-{when}")]


def test_check_overrunning_its_deadline_is_invalid_and_server_stays_healthy(
        app, gunicorn, make_user, slow_quiz):
    make_user("slowpoke")
    http = login(gunicorn.url, "slowpoke")
    started = _start(http, gunicorn.url, slow_quiz)
    by_template = {q["template_id"].split("/")[1]: q["question_id"] for q in started["questions"]}
    url = f"{gunicorn.url}/api/v1/questions/{{}}/submit"

    overrun = http.post(url.format(by_template["overrun"]), timeout=60,
                        headers={"Idempotency-Key": "slow-1"}, json={"answers": {"a": SLOW_ANSWER}})
    assert overrun.status_code == 200, overrun.text
    assert overrun.json()["stored"] is False
    assert [(p["verdict"], p["score"]) for p in overrun.json()["parts"]] == [("invalid", 0.0)]
    assert "not marked wrong" in overrun.json()["parts"][0]["feedback"]
    assert submission_rows(app, by_template["overrun"]) == []  # costs the student nothing

    # the same symbolic check with room to finish: the checker pool recovered from the kill
    roomy = http.post(url.format(by_template["roomy"]), timeout=60,
                      headers={"Idempotency-Key": "slow-2"}, json={"answers": {"a": SLOW_ANSWER}})
    assert roomy.status_code == 200 and roomy.json()["parts"][0]["verdict"] == "correct"
    assert gunicorn.process.poll() is None
    assert requests.get(f"{gunicorn.url}/api/openapi.json", timeout=60).status_code == 200


def test_check_timeout_code_is_reported_by_the_service(app, make_user, slow_quiz):
    """The API reply carries verdict and feedback; the code ``timeout`` is the service's."""
    from quizengine.services import attempts, submissions

    user_id = make_user("coded")
    with app.extensions["quizengine.db"].session() as session:
        attempt = attempts.start_attempt(session, user_id=user_id, quiz_id=slow_quiz,
                                         secret="coded")
        qid = next(q.id for q in attempt.questions if q.template_id.endswith("/overrun"))
        view = submissions.submit_answers(session, question_id=qid, user_id=user_id,
                                          answers={"a": SLOW_ANSWER}, idempotency_key="c")
        session.rollback()
    assert not view.stored
    assert [(p.verdict, p.code) for p in view.parts] == [("invalid", "timeout")]
