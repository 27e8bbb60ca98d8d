"""``quizengine mastery fit``: refit from seeded synthetic submissions, print, store, audit."""

from datetime import timedelta

import numpy as np
from sqlalchemy import select

from quizengine.cli import cli
from quizengine.db.base import utcnow
from quizengine.db.models import (
    Attempt,
    AuditEvent,
    QuestionInstance,
    SkillParam,
    Submission,
    SubmissionPart,
    User,
)


def store_scores(session, sequences, template_id="w1-chain-rule/power-of-polynomial"):
    """One learner per sequence, each score a graded one-part submission, a minute apart."""
    start = utcnow() - timedelta(days=1)
    for n, seq in enumerate(sequences):
        user = User(username=f"sim{n}", password_hash="x", role="student")
        session.add(user)
        session.flush()
        attempt = Attempt(user_id=user.id, mode="practice", started_at=start)
        for t, score in enumerate(seq):
            instance = QuestionInstance(attempt=attempt, slot=t, template_id=template_id,
                                        version=1, seed=t)
            submission = Submission(question_instance=instance, user_id=user.id, score=score,
                                    idempotency_key="k", created_at=start + timedelta(minutes=t))
            submission.parts = [SubmissionPart(part_id="a", raw_text="x", score=score,
                                               verdict="correct" if score else "incorrect")]
            session.add(submission)


def test_fit_prints_a_table_stores_parameters_and_is_reproducible(app, runner, imported_bank):
    database = app.extensions["quizengine.db"]
    with database.session() as s, s.begin():
        rng = np.random.default_rng(11)
        store_scores(s, [[float(x) for x in rng.random(6) < np.linspace(0.2, 0.9, 6)]
                         for _ in range(30)])
    first = runner.invoke(cli, args=["mastery", "fit", "--seed", "5"])
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[0].split() == ["skill", "p_init", "p_learn", "p_guess", "p_slip", "sequences",
                                "source"]
    chain = next(line.split() for line in lines if line.startswith("chain-rule "))
    assert chain[5:] == ["30", "fitted"]
    assert "fitted 1 skills from 30 sequences (seed 5)" in lines[-1]
    with database.session() as s:
        stored = s.get(SkillParam, "chain-rule")
        assert [f"{v:.3f}" for v in (stored.p_init, stored.p_transit, stored.p_guess,
                                     stored.p_slip)] == chain[1:5]
        assert s.scalar(select(AuditEvent.target_type)
                        .where(AuditEvent.action == "mastery.fit")) == "skill_param"
    second = runner.invoke(cli, args=["mastery", "fit", "--seed", "5"])
    assert second.output == first.output


def test_fit_with_no_data_keeps_the_defaults(app, runner):
    result = runner.invoke(cli, args=["mastery", "fit"])
    assert result.exit_code == 0, result.output
    assert "fitted 0 skills" in result.output
    with app.extensions["quizengine.db"].session() as s:
        assert s.scalars(select(SkillParam)).all() == []
