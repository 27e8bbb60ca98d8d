"""The submit hot path issues a fixed, small number of SQL statements, whatever the number of
parts, and on PostgreSQL sends its writes in one pipeline: a regression guard for throughput
(issue 4), counted, not timed."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from quizengine.db.models import MasteryHistory, Submission
from quizengine.services import attempts, submissions, users

SECRET = "test-secret-key-not-for-production"
TEMPLATE = "w1-chain-rule/power-of-polynomial"
# context read, submission insert (locking its open attempt), skill rows read; then, together,
# parts insert, skill rows write, history insert, ability delta, item delta
STATEMENTS_PER_SUBMIT = 8
PIPELINED_PER_SUBMIT = 5
# the learner's new rows (skill insert and re-read, ability, item rating) and, once per process
# and PARAMS_TTL_SECONDS, the skill parameters
FIRST_ANSWER_EXTRA = 5


@pytest.fixture
def db(app):
    return app.extensions["quizengine.db"].session


def _question(db, user_id: int) -> int:
    with db() as s, s.begin():
        attempt = attempts.start_attempt(s, user_id=user_id, quiz_id="w1-chain-rule",
                                         secret=SECRET)
        return attempts.add_question(s, attempt=attempt, slot=99, template_id=TEMPLATE,
                                     version=1, secret=SECRET).id


def _in_pipeline(conn) -> bool:
    driver = conn.connection.driver_connection
    pgconn = getattr(driver, "pgconn", None)  # psycopg: libpq's pipeline status; SQLite: none
    return pgconn is not None and bool(pgconn.pipeline_status)


def _counted_submit(db, engine, user_id: int, qid: int, answers: dict[str, str],
                    key: str, pipelined: list[bool] | None = None,
                    ) -> tuple[int, submissions.SubmissionView]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)
            if pipelined is not None:
                pipelined.append(_in_pipeline(conn))

    event.listen(engine, "before_cursor_execute", count)
    try:
        with db() as s, s.begin():
            view = submissions.submit_answers(s, question_id=qid, user_id=user_id,
                                              answers=answers, idempotency_key=key)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements), view


def test_a_submission_costs_a_fixed_number_of_statements(db, app, chain_quiz, answers_for):
    engine = app.extensions["quizengine.db"].engine
    with db() as s, s.begin():
        user_id = users.create_user(s, username="counted", password="long enough").id
    first_qid, second_qid = _question(db, user_id), _question(db, user_id)
    first, view = _counted_submit(db, engine, user_id, first_qid, answers_for(first_qid), "a")
    assert view.stored and first <= STATEMENTS_PER_SUBMIT + FIRST_ANSWER_EXTRA
    pipelined: list[bool] = []
    later, view = _counted_submit(db, engine, user_id, second_qid,
                                  answers_for(second_qid, wrong=True), "b", pipelined)
    assert view.stored and later == STATEMENTS_PER_SUBMIT
    if engine.dialect.name == "postgresql":  # the writes leave together, after the reads
        assert pipelined == [False] * (STATEMENTS_PER_SUBMIT - PIPELINED_PER_SUBMIT) + [
            True] * PIPELINED_PER_SUBMIT
    replay, view = _counted_submit(db, engine, user_id, second_qid, {}, "b")
    assert view.replayed and replay <= 3  # the context read, then the stored rows
    with db() as s:
        assert s.scalar(select(Submission.id).where(Submission.idempotency_key == "b"))
        assert len(s.scalars(select(MasteryHistory).where(
            MasteryHistory.user_id == user_id)).all()) == 2


def test_a_repeated_preview_needs_no_database_and_stays_private(db, app, chain_quiz,
                                                                answers_for):
    """The parts of a served question are remembered per (question, owner): the live preview's
    second call issues no statement, and nobody else gets the question through that memo."""
    from quizengine.services.errors import NotFoundError

    engine = app.extensions["quizengine.db"].engine
    with db() as s, s.begin():
        owner = users.create_user(s, username="owner", password="long enough").id
        other = users.create_user(s, username="other", password="long enough").id
    qid = _question(db, owner)
    part, text = next(iter(answers_for(qid).items()))
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE
            statements.append(statement)

    with db() as s:
        assert submissions.validate_answer(s, question_id=qid, user_id=owner, part_id=part,
                                           answer=text).valid
    event.listen(engine, "before_cursor_execute", count)
    try:
        with db() as s:
            again = submissions.validate_answer(s, question_id=qid, user_id=owner,
                                                part_id=part, answer=text)
        assert again.valid and statements == []
        with db() as s, pytest.raises(NotFoundError):
            submissions.validate_answer(s, question_id=qid, user_id=other, part_id=part,
                                        answer=text)
        assert len(statements) == 1  # the other user's lookup went to the database
    finally:
        event.remove(engine, "before_cursor_execute", count)
