"""Attempts, seeds, visibility, idempotent submissions, finishing, mastery, practice."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizengine.db.base import utcnow
from quizengine.db.models import Quiz, SkillMastery, Submission
from quizengine.services import attempts, practice, submissions, users, variants
from quizengine.services.errors import ConflictError

SECRET = "test-secret-key-not-for-production"


@pytest.fixture
def student(app, chain_quiz):
    with app.extensions["quizengine.db"].session() as s, s.begin():
        return users.create_user(s, username="sam", password="long enough").id


def _start(app, user_id, quiz_id="w1-chain-rule"):
    with app.extensions["quizengine.db"].session() as s, s.begin():
        attempt = attempts.start_attempt(s, user_id=user_id, quiz_id=quiz_id, secret=SECRET)
        return attempt.id, [q.id for q in attempt.questions]


def _submit(app, user_id, question_id, answers, key):
    with app.extensions["quizengine.db"].session() as s, s.begin():
        return submissions.submit_answers(s, question_id=question_id, user_id=user_id,
                                          answers=answers, idempotency_key=key)


def _count(app, model=Submission):
    with app.extensions["quizengine.db"].session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_seeds_come_from_the_secret_and_differ_per_attempt(app, student):
    first, _ = _start(app, student)
    second, _ = _start(app, student)
    with app.extensions["quizengine.db"].session() as s:
        a1 = attempts.get_attempt(s, attempt_id=first, user_id=student)
        a2 = attempts.get_attempt(s, attempt_id=second, user_id=student)
        seeds1 = [q.seed for q in a1.questions]
        assert seeds1 == [variants.derive_seed(SECRET, first, slot) for slot in range(2)]
        assert set(seeds1).isdisjoint(q.seed for q in a2.questions)
        for q in a1.questions:
            variant = variants.variant_of(s, q, plots=False)
            assert q.option_order == variants.option_order(variant)


def test_public_view_hides_answers_until_submitted(app, student, answers_for):
    _, (qid, _) = _start(app, student)
    with app.extensions["quizengine.db"].session() as s:
        view = attempts.view_question(s, submissions.own_question(s, question_id=qid,
                                                                  user_id=student))
        assert view.solution_html is None and view.expected_latex is None
        text = repr(view.public)
        assert "seed" not in view.public and "solution" not in text and "expected" not in text
    _submit(app, student, qid, answers_for(qid), "k1")
    with app.extensions["quizengine.db"].session() as s:
        view = attempts.view_question(s, submissions.own_question(s, question_id=qid,
                                                                  user_id=student))
        assert view.solution_html and view.last.score == pytest.approx(1.0)


def test_same_key_stores_once_and_replays(app, student, answers_for):
    _, (qid, _) = _start(app, student)
    first = _submit(app, student, qid, answers_for(qid), "same-key")
    again = _submit(app, student, qid, answers_for(qid, wrong=True), "same-key")
    assert first.stored and not first.replayed and again.replayed
    assert again.submission_id == first.submission_id and again.score == first.score
    assert _count(app) == 1


def test_concurrent_submissions_with_one_key_store_one_row(app, student, answers_for):
    _, (qid, _) = _start(app, student)
    answers = answers_for(qid)
    engine = app.extensions["quizengine.db"].engine

    def submit(_):
        with Session(engine, expire_on_commit=False) as s, s.begin():
            return submissions.submit_answers(s, question_id=qid, user_id=student,
                                              answers=answers, idempotency_key="race").submission_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(submit, range(12)))
    assert len(set(ids)) == 1 and _count(app) == 1


def test_invalid_answers_are_not_stored(app, student, answers_for):
    _, (qid, _) = _start(app, student)
    broken = {part: "2x*(" for part in answers_for(qid)}
    result = _submit(app, student, qid, broken, "k-invalid")
    assert not result.stored and result.score is None
    assert {p.verdict for p in result.parts} == {"invalid"}
    assert _count(app) == 0


def test_wrong_answers_are_stored_and_score_zero(app, student, answers_for):
    _, (qid, _) = _start(app, student)
    result = _submit(app, student, qid, answers_for(qid, wrong=True), "k-wrong")
    assert result.stored and result.score == 0.0
    assert {p.verdict for p in result.parts} == {"incorrect"}


def test_finish_scores_latest_submissions_and_closes(app, student, answers_for):
    attempt_id, (q1, q2) = _start(app, student)
    _submit(app, student, q1, answers_for(q1, wrong=True), "a")
    _submit(app, student, q1, answers_for(q1), "b")
    with app.extensions["quizengine.db"].session() as s, s.begin():
        finished = attempts.finish_attempt(s, attempt_id=attempt_id, user_id=student)
        assert (finished.score, finished.max_score) == (pytest.approx(1.0), 2.0)
    with pytest.raises(ConflictError):
        _submit(app, student, q2, answers_for(q2), "c")


def test_finish_counts_the_latest_submission_not_the_best(app, student, answers_for):
    attempt_id, (q1, q2) = _start(app, student)
    _submit(app, student, q1, answers_for(q1), "right")
    _submit(app, student, q1, answers_for(q1, wrong=True), "then-wrong")
    _submit(app, student, q2, answers_for(q2), "right-2")
    with app.extensions["quizengine.db"].session() as s, s.begin():
        finished = attempts.finish_attempt(s, attempt_id=attempt_id, user_id=student)
        assert (finished.score, finished.max_score) == (pytest.approx(1.0), 2.0)


def test_attempt_limits_and_dates(app, student):
    with app.extensions["quizengine.db"].session() as s, s.begin():
        s.get(Quiz, "w1-chain-rule").attempts_allowed = 1
    _start(app, student)
    with pytest.raises(ConflictError, match="all 1 attempts"):
        _start(app, student)
    with app.extensions["quizengine.db"].session() as s, s.begin():
        quiz = s.get(Quiz, "w1-chain-rule")
        quiz.attempts_allowed, quiz.closes_at = None, utcnow() - timedelta(days=1)
    with pytest.raises(ConflictError, match="closed"):
        _start(app, student)


def test_other_students_cannot_see_a_question(app, student):
    _, (qid, _) = _start(app, student)
    with app.extensions["quizengine.db"].session() as s, s.begin():
        other = users.create_user(s, username="eve", password="long enough").id
    from quizengine.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        _submit(app, other, qid, {"a": "1"}, "k")


def test_graded_parts_update_mastery(app, student, answers_for):
    _, (qid, _) = _start(app, student)
    _submit(app, student, qid, answers_for(qid), "k")
    with app.extensions["quizengine.db"].session() as s:
        rows = list(s.scalars(select(SkillMastery).where(SkillMastery.user_id == student)))
    assert rows and "chain-rule" in {r.skill for r in rows}
    assert all(r.attempts >= 1 and 0.0 < r.p_mastery <= 1.0 for r in rows)


def test_practice_serves_a_question_with_a_reason(app, student):
    with app.extensions["quizengine.db"].session() as s, s.begin():
        chosen = practice.next_question(s, user_id=student, secret=SECRET, now=utcnow(),
                                        threshold=0.95)
        assert chosen.skill and chosen.reason
        assert chosen.instance.attempt.mode == "practice"
        again = practice.next_question(s, user_id=student, secret=SECRET, now=utcnow(),
                                       threshold=0.95)
        assert again.instance.id == chosen.instance.id  # unanswered: the same question again
        second = practice.next_question(s, user_id=student, secret=SECRET, now=utcnow(),
                                        threshold=0.95, skip=True)
        assert second.instance.slot == chosen.instance.slot + 1
