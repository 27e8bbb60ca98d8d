"""Refitting per-skill parameters from stored submissions: sequences per learner in time order,
EM through the core's ``fit_bkt`` (seeded: reproducible), rows in ``skill_param``, an audit."""

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select

from quizengine.core import mastery as core
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
from quizengine.services import mastery

TEMPLATE = "w1-chain-rule/power-of-polynomial"  # skills: chain-rule only
TRUTH = core.BKTParams(p_init=0.2, p_transit=0.25, guess=0.15, slip=0.1)


def simulate(rng: np.random.Generator, learners: int, steps: int) -> list[list[float]]:
    """Score sequences of learners following BKT with ``TRUTH`` (0/1 scores)."""
    out = []
    for _ in range(learners):
        known, seq = rng.random() < TRUTH.p_init, []
        for _ in range(steps):
            right = rng.random() < ((1 - TRUTH.slip) if known else TRUTH.guess)
            seq.append(1.0 if right else 0.0)
            known = known or rng.random() < TRUTH.p_transit
        out.append(seq)
    return out


def add_graded(session, sequences, *, template_id=TEMPLATE, reverse_ids=False):
    """Store each sequence as one learner's graded submissions of ``template_id``, a minute
    apart; with ``reverse_ids`` the later answers get the smaller ids (time order must win)."""
    start = utcnow() - timedelta(days=1)
    for n, seq in enumerate(sequences):
        user = User(username=f"sim{n}", password_hash="x", role="student")
        session.add(user)
        session.flush()
        attempt = Attempt(user_id=user.id, mode="practice", started_at=start)
        steps = list(enumerate(seq))
        for t, score in reversed(steps) if reverse_ids else steps:
            instance = QuestionInstance(slot=t, template_id=template_id, version=1, seed=t)
            instance.attempt = attempt
            submission = Submission(user_id=user.id, score=score, idempotency_key=f"k{t}",
                                    created_at=start + timedelta(minutes=t))
            submission.question_instance = instance
            submission.parts = [SubmissionPart(part_id="a", raw_text="x", score=score,
                                               verdict="correct" if score else "incorrect")]
            session.add(submission)
    session.flush()


@pytest.fixture
def db(app, imported_bank):
    return app.extensions["quizengine.db"].session


def test_sequences_follow_time_order_per_learner(db):
    with db() as s, s.begin():
        add_graded(s, [[0.0, 0.5, 1.0], [1.0, 0.0]], reverse_ids=True)
    with db() as s:
        assert mastery.score_sequences(s) == {"chain-rule": [[0.0, 0.5, 1.0], [1.0, 0.0]]}


def test_refit_stores_the_em_fit_and_is_reproducible(db):
    sequences = simulate(np.random.default_rng(7), learners=60, steps=8)
    with db() as s, s.begin():
        add_graded(s, sequences)
    with db() as s, s.begin():
        rows = mastery.refit_params(s, seed=3)
    expected = core.fit_bkt({"chain-rule": sequences}, seed=3)["chain-rule"]
    chain = next(r for r in rows if r.skill == "chain-rule")
    assert chain.fitted and chain.sequences == 60 and chain.params == expected
    assert [r.skill for r in rows] == list(core.SKILLS)
    assert not any(r.fitted for r in rows if r.skill != "chain-rule")
    # the data say what the hidden process is, roughly (guess and slip are bounded by 0.3)
    assert chain.params.guess < 0.3 and chain.params.slip < 0.3
    assert abs(chain.params.p_transit - TRUTH.p_transit) < 0.15
    with db() as s:
        stored = s.get(SkillParam, "chain-rule")
        assert (stored.p_init, stored.p_transit, stored.p_guess, stored.p_slip) == pytest.approx(
            (expected.p_init, expected.p_transit, expected.guess, expected.slip))
        assert mastery.fitted_params(s) == {"chain-rule": expected}
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "mastery.fit"))
        assert event.detail["seed"] == 3 and event.detail["fitted"]["chain-rule"]["sequences"] == 60
    with db() as s, s.begin():
        again = mastery.refit_params(s, seed=3)
    assert again == rows


def test_skills_with_too_few_learners_keep_their_parameters(db):
    with db() as s, s.begin():
        add_graded(s, [[1.0, 1.0], [0.0, 1.0]])
        rows = mastery.refit_params(s, seed=0, min_sequences=3)
        assert s.scalars(select(SkillParam)).all() == []
    chain = next(r for r in rows if r.skill == "chain-rule")
    assert not chain.fitted and chain.sequences == 2
    assert chain.params == core.SKILL_DEFAULTS["chain-rule"]
