"""A student takes a quiz through the HTML pages (test client)."""

import re

from sqlalchemy import func, select

from quizengine.db.models import Submission


def _attempt_page(client, quiz_id):
    response = client.post(f"/quizzes/{quiz_id}/attempts")
    assert response.status_code == 302
    return response.headers["Location"]


def _question_ids(html):
    return [int(n) for n in re.findall(r'action="/questions/(\d+)/submit"', html)]


def test_dashboard_lists_weeks_quizzes_and_skills(client, login_as, imported_bank):
    login_as("student")
    page = client.get("/").get_data(as_text=True)
    assert "Week 1" in page and "Week 4" in page
    assert "Practicing the chain rule" in page
    assert page.count("<meter") >= 20  # one bar per syllabus skill


def test_take_a_quiz_submit_and_see_feedback(app, client, login_as, chain_quiz, answers_for):
    login_as("student")
    location = _attempt_page(client, chain_quiz)
    page = client.get(location).get_data(as_text=True)
    qids = _question_ids(page)
    assert len(qids) == 2
    assert "Worked solution" not in page  # nothing is revealed before submitting
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {f"answer-{part}": text for part, text in answers_for(qids[0]).items()}
    for _ in range(2):  # a double click posts the same page's key twice
        response = client.post(f"/questions/{qids[0]}/submit",
                               data={**form, "idempotency_key": key})
        assert response.status_code == 302
    with app.extensions["quizengine.db"].session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 1
    page = client.get(location).get_data(as_text=True)
    assert "Correct" in page and "Worked solution" in page
    finish = re.search(r'action="(/attempts/\d+/finish)"', page).group(1)
    page = client.post(finish, follow_redirects=True).get_data(as_text=True)
    assert "Finished: 1 / 2" in page


def test_invalid_answer_is_explained_and_not_counted(app, client, login_as, chain_quiz,
                                                     answers_for):
    login_as("student")
    page = client.get(_attempt_page(client, chain_quiz)).get_data(as_text=True)
    qid = _question_ids(page)[0]
    form = {f"answer-{part}": "2x*(" for part in answers_for(qid)}
    page = client.post(f"/questions/{qid}/submit", data={**form, "idempotency_key": "k"},
                       follow_redirects=True).get_data(as_text=True)
    assert "not counted" in page
    with app.extensions["quizengine.db"].session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 0


def test_feedback_after_attempt_hides_verdicts(app, client, login_as, chain_quiz, answers_for):
    from quizengine.db.models import Quiz

    with app.extensions["quizengine.db"].session() as s, s.begin():
        quiz = s.get(Quiz, chain_quiz)
        quiz.feedback_when = quiz.solutions_when = "after_attempt"
    login_as("student")
    location = _attempt_page(client, chain_quiz)
    qid = _question_ids(client.get(location).get_data(as_text=True))[0]
    form = {f"answer-{p}": t for p, t in answers_for(qid).items()}
    page = client.post(f"/questions/{qid}/submit", data={**form, "idempotency_key": "k"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Feedback comes later" in page and "Worked solution" not in page


def test_practice_page_serves_a_question(client, login_as, imported_bank):
    login_as("student")
    page = client.post("/practice/next", follow_redirects=True).get_data(as_text=True)
    assert "Next up" in page and _question_ids(page)


def test_history_lists_attempts(client, login_as, chain_quiz):
    login_as("student")
    _attempt_page(client, chain_quiz)
    page = client.get("/history").get_data(as_text=True)
    assert "Practicing the chain rule" in page and "in progress" in page
