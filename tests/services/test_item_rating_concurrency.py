"""The template's Elo rating moves by an atomic delta computed from an unlocked read
(services/mastery_updates.py): each answer moves it the right way and is counted once."""

from __future__ import annotations

from quizengine.core import mastery as core
from quizengine.db.base import utcnow
from quizengine.db.models import ItemRating
from quizengine.services import mastery_updates, users

TEMPLATE = "w1-chain-rule/power-of-polynomial"


def _observe(session, user_id: int, score: float) -> None:
    mastery_updates.observe_answers(session, user_id=user_id, template_id=TEMPLATE,
                                    skills=("chain-rule",), difficulty=1, scores=[score],
                                    now=utcnow())


def test_the_item_moves_by_the_elo_delta_and_counts_each_answer(app, chain_quiz) -> None:
    factory = app.extensions["quizengine.db"].session
    with factory() as s, s.begin():
        user_id = users.create_user(s, username="c", password="long enough").id
    for score in (1.0, 1.0, 0.0):
        with factory() as s, s.begin():
            before = s.get(ItemRating, TEMPLATE)
            rating = before.rating if before else core.initial_item_rating(1).value
            _observe(s, user_id, score)
            s.expire_all()  # the update is a plain SQL statement: reload the row
            after = s.get(ItemRating, TEMPLATE)
            assert (after.rating < rating) if score == 1.0 else (after.rating > rating)
    with factory() as s:
        assert s.get(ItemRating, TEMPLATE).answers == 3
