"""An attempt finished while a submission is in flight.

Defined outcome: a submission acknowledged before the attempt is finished counts in its score;
once it is finished, a submission is refused with 409 ``conflict`` (services/submissions.py,
``_check_open``) and nothing is stored. Never both: acknowledged *and* left out of the score.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from .conftest import is_postgres, login, submission_rows


def test_submission_before_finish_counts_and_after_finish_is_refused(
        app, live_server, make_user, chain_quiz, answers_for):
    make_user("finisher")
    http = login(live_server, "finisher")
    started = http.post(f"{live_server}/api/v1/quizzes/{chain_quiz}/attempts", timeout=60).json()
    qid = started["questions"][0]["question_id"]
    url = f"{live_server}/api/v1/questions/{qid}/submit"

    before = http.post(url, timeout=60, headers={"Idempotency-Key": "before"},
                       json={"answers": answers_for(qid)})
    finished = http.post(f"{live_server}/api/v1/attempts/{started['attempt_id']}/finish",
                         timeout=60)
    after = http.post(url, timeout=60, headers={"Idempotency-Key": "after"},
                      json={"answers": answers_for(qid, wrong=True)})
    replay = http.post(url, timeout=60, headers={"Idempotency-Key": "before"},
                       json={"answers": answers_for(qid)})

    assert before.status_code == 200 and before.json()["score"] == 1.0
    assert finished.json() == {"score": 1.0, "max_score": 2.0}
    assert after.status_code == 409 and after.json()["error"]["code"] == "conflict"
    assert replay.status_code == 200 and replay.json() == before.json()  # a retry still replays
    assert [key for _, key, _ in submission_rows(app, qid)] == ["before"]


def _blocked_on_a_lock(engine, pid: int) -> bool:
    with engine.connect() as conn:
        return bool(conn.scalar(text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity "
                                     "WHERE pid = :pid"), {"pid": pid}))


@pytest.mark.postgres
def test_finish_committed_during_a_submission_never_drops_an_acknowledged_one(
        app, database_url, make_user, chain_quiz, answers_for):
    """Deterministic interleaving of the two requests on PostgreSQL (READ COMMITTED): the submit
    has graded and inserted, the finish runs and commits, then the submit commits and replies."""
    if not is_postgres(database_url):
        pytest.skip("interleaves two transactions; SQLite serialises them (BEGIN IMMEDIATE)")
    from quizengine.db.models import Attempt
    from quizengine.services import attempts, submissions

    user_id = make_user("racer")
    factory = app.extensions["quizengine.db"].session
    with factory() as session, session.begin():
        attempt = attempts.start_attempt(session, user_id=user_id, quiz_id=chain_quiz,
                                         secret="race")
        attempt_id, qid = attempt.id, attempt.questions[0].id
    answers = answers_for(qid)

    submitting: Session = factory()
    view = submissions.submit_answers(submitting, question_id=qid, user_id=user_id,
                                      answers=answers, idempotency_key="in-flight")
    finisher: dict = {}

    def finish() -> None:
        with factory() as session:
            finisher["pid"] = session.connection().exec_driver_sql(
                "SELECT pg_backend_pid()").scalar()
            ready.set()
            attempts.finish_attempt(session, attempt_id=attempt_id, user_id=user_id)
            session.commit()

    ready = threading.Event()
    thread = threading.Thread(target=finish)
    thread.start()
    assert ready.wait(60)
    engine = app.extensions["quizengine.db"].engine
    while thread.is_alive() and not _blocked_on_a_lock(engine, finisher["pid"]):
        thread.join(0.02)  # the finish either completes or waits for our lock: both are fine
    try:
        submitting.commit()
        acknowledged = view.stored
    except Exception:  # a fix may refuse the submission at commit time instead
        submitting.rollback()
        acknowledged = False
    finally:
        submitting.close()
    thread.join()

    with factory() as session:
        score = session.get(Attempt, attempt_id).score
    stored = submission_rows(app, qid)
    assert not acknowledged or (stored and score == pytest.approx(view.score))
