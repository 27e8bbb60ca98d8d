"""Practice and mastery in the browser pages: the reason shown, the pending question kept until
answered or skipped, and the dashboard's bars and history sparklines (SVG, no scripts)."""

import re

from quizengine.core.mastery import SKILLS


def _question_ids(html):
    return [int(n) for n in re.findall(r'action="/questions/(\d+)/submit"', html)]


def test_practice_shows_the_reason_and_keeps_the_unanswered_question(client, login_as,
                                                                     imported_bank):
    login_as("student")
    first = client.post("/practice/next", follow_redirects=True).get_data(as_text=True)
    assert "Next up — " in first and "mastered" in first and "Skip this question" in first
    again = client.post("/practice/next", follow_redirects=True).get_data(as_text=True)
    assert _question_ids(again) == _question_ids(first)
    assert "Answer this question first, or skip it." in again
    skipped = client.post("/practice/next", data={"skip": "1"},
                          follow_redirects=True).get_data(as_text=True)
    assert _question_ids(skipped) and _question_ids(skipped) != _question_ids(first)


def test_answering_offers_the_next_question_and_draws_history(client, login_as, imported_bank,
                                                              answers_for):
    login_as("student")
    page = client.post("/practice/next", follow_redirects=True).get_data(as_text=True)
    qid = _question_ids(page)[0]
    form = {f"answer-{p}": t for p, t in answers_for(qid).items()}
    answered = client.post(f"/questions/{qid}/submit", data={**form, "idempotency_key": "k"},
                           follow_redirects=True).get_data(as_text=True)
    assert "Next question" in answered and "Skip this question" not in answered
    skill = re.search(r"\(skill: ([^)]+)\)", answered).group(1)

    dashboard = client.get("/").get_data(as_text=True)
    assert dashboard.count("<meter") == len(SKILLS)
    lines = re.findall(r'<svg class="sparkline" role="img"[^>]*aria-label="([^"]+)"', dashboard)
    assert len(lines) >= 1 and all(re.search(r"latest \d+%$", label) for label in lines)
    assert any(label.lower().startswith(skill.lower()) for label in lines)
    assert re.search(r'<polyline [^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"', dashboard)
    assert "no history yet" in dashboard  # skills never practised
    assert not re.search(r"<script(?![^>]*\bsrc=)", dashboard)  # CSP: script-src 'self'
