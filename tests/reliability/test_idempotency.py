"""Repeated and concurrent submissions over real HTTP (werkzeug live server, real database).

Contract (DESIGN.md, services/submissions.py): a repeat with the same ``Idempotency-Key``
returns the first result and stores nothing new; different keys are different submissions,
each stored with its own verdict (the latest one counts when the attempt is finished).
"""

from __future__ import annotations

import threading

from .conftest import login, submission_rows


def _fire_together(count: int, send) -> list:
    """Call ``send(i)`` from ``count`` threads released at once by a barrier."""
    barrier = threading.Barrier(count)
    replies: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        replies[i] = send(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


def _first_question(http, base: str, quiz: str) -> tuple[int, int]:
    started = http.post(f"{base}/api/v1/quizzes/{quiz}/attempts", timeout=60)
    assert started.status_code == 201, started.text
    return started.json()["attempt_id"], started.json()["questions"][0]["question_id"]


def test_double_click_with_one_key_stores_one_submission(
        app, live_server, make_user, chain_quiz, answers_for):
    make_user("clicker")
    sessions = [login(live_server, "clicker") for _ in range(3)]  # one connection per click
    _, qid = _first_question(sessions[0], live_server, chain_quiz)
    answers = answers_for(qid)

    replies = _fire_together(3, lambda i: sessions[i].post(
        f"{live_server}/api/v1/questions/{qid}/submit", timeout=60,
        headers={"Idempotency-Key": "double-click"}, json={"answers": answers}))

    assert [r.status_code for r in replies] == [200, 200, 200]
    bodies = [r.json() for r in replies]
    assert bodies[0] == bodies[1] == bodies[2] and bodies[0]["stored"] is True
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in replies) == ["", "true", "true"]
    rows = submission_rows(app, qid)
    assert [(row[0], row[1]) for row in rows] == [(bodies[0]["submission_id"], "double-click")]


def test_retry_after_a_client_timeout_replays_the_stored_result(
        app, live_server, make_user, chain_quiz, answers_for):
    """The client gave up waiting (its reply was lost), then sends the same request again,
    even with other answers typed meanwhile: the first result comes back, nothing is stored."""
    make_user("patient")
    http = login(live_server, "patient")
    _, qid = _first_question(http, live_server, chain_quiz)
    url = f"{live_server}/api/v1/questions/{qid}/submit"
    first = http.post(url, timeout=60, headers={"Idempotency-Key": "k-1"},
                      json={"answers": answers_for(qid)})
    again = http.post(url, timeout=60, headers={"Idempotency-Key": "k-1"},
                      json={"answers": answers_for(qid, wrong=True)})

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()["score"] == 1.0
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(submission_rows(app, qid)) == 1


def test_two_tabs_submitting_at_once_store_two_submissions(
        app, live_server, make_user, chain_quiz, answers_for):
    """Two tabs, two keys, one right and one wrong answer, at the same moment: both are stored,
    each with its own verdict; finishing counts the later one (the latest submission)."""
    make_user("tabs")
    tabs = [login(live_server, "tabs") for _ in range(2)]
    attempt_id, qid = _first_question(tabs[0], live_server, chain_quiz)
    answers = [answers_for(qid), answers_for(qid, wrong=True)]

    replies = _fire_together(2, lambda i: tabs[i].post(
        f"{live_server}/api/v1/questions/{qid}/submit", timeout=60,
        headers={"Idempotency-Key": f"tab-{i}"}, json={"answers": answers[i]}))

    assert [r.status_code for r in replies] == [200, 200], [r.text for r in replies]
    assert [r.json()["score"] for r in replies] == [1.0, 0.0]
    assert all("Idempotent-Replayed" not in r.headers for r in replies)
    rows = submission_rows(app, qid)
    assert sorted((key, score) for _, key, score in rows) == [("tab-0", 1.0), ("tab-1", 0.0)]
    assert {r.json()["submission_id"] for r in replies} == {row[0] for row in rows}
    finished = tabs[0].post(f"{live_server}/api/v1/attempts/{attempt_id}/finish", timeout=60)
    assert finished.json()["score"] == rows[-1][2]
