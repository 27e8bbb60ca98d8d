"""Item difficulty beside the item statistics: the template's Elo rating from graded answers, its
level on the author's 1..3 scale and the predicted success of an average learner."""

import re

import pytest

from quizengine.core import mastery as core
from quizengine.db.models import ItemRating
from quizengine.services import stats

TEMPLATE = "w1-chain-rule/sigmoid-slope"  # author difficulty 2


def test_ratings_give_levels_and_predictions(app, chain_quiz, imported_bank):
    with app.extensions["quizengine.db"].session() as s, s.begin():
        s.add(ItemRating(template_id=TEMPLATE, rating=1.2, answers=25))
    with app.extensions["quizengine.db"].session() as s:
        items = {i.template_id: i for i in stats.item_stats(s, quiz_id=chain_quiz)}
    assert set(items) == {t for t in imported_bank if t.startswith("w1-chain-rule/")}
    rated = items[TEMPLATE].difficulty
    assert (rated.rating, rated.answers, rated.level, rated.label) == (1.2, 25, 3, "harder")
    assert rated.author_level == 2
    prior = items["w1-chain-rule/power-of-polynomial"].difficulty
    assert (prior.rating, prior.answers, prior.level) == (-core.DIFFICULTY_STEP, 0, 1)
    assert 0.0 < rated.predicted_success < prior.predicted_success < 1.0
    params = core.SKILL_DEFAULTS["chain-rule"]
    assert rated.predicted_success == pytest.approx(core.predict_correct(0.5, params, 1.2))


def test_instructors_see_ratings_move_after_answers(client, login_as, make_user, chain_quiz,
                                                    answers_for):
    make_user("sam")
    student = client.application.test_client()
    student.post("/auth/login", data={"username": "sam", "password": "correct horse battery"})
    page = student.get(student.post(f"/quizzes/{chain_quiz}/attempts").headers["Location"])
    qid = int(re.search(r"/questions/(\d+)/submit", page.get_data(as_text=True)).group(1))
    form = {f"answer-{p}": t for p, t in answers_for(qid, wrong=True).items()}
    student.post(f"/questions/{qid}/submit", data={**form, "idempotency_key": "k"})

    login_as("instructor")
    html = client.get(f"/instructor/quizzes/{chain_quiz}/stats").get_data(as_text=True)
    assert "Rating (answers)" in html and "Predicted success" in html
    ratings = re.findall(r'<td class="rating">([+-][\d.]+) \((\w+)\)</td>', html)
    assert len(ratings) == 4  # every template of the quiz, answered or not
    answered = [r for r in ratings if r[1] != "prior"]
    assert len(answered) == 1 and int(answered[0][1]) == len(form)
    assert re.search(r'<td class="level">[123] (easier|medium|harder) \([123]\)</td>', html)
    assert re.search(r'<td class="predicted">\d+%</td>', html)
