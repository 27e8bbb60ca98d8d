"""Template library, preview at a seed, editing with validation, import/export, settings, stats."""

import io

from sqlalchemy import select

from quizengine.db.models import AuditEvent, Quiz, TemplateVersion

TEMPLATE = "w1-chain-rule/power-of-polynomial"


def test_library_lists_templates_by_quiz(client, login_as, imported_bank):
    login_as("instructor")
    page = client.get("/instructor/").get_data(as_text=True)
    assert TEMPLATE in page and "Practicing the chain rule" in page


def _variant_html(client, query):
    page = client.get(f"/instructor/templates/{TEMPLATE}?{query}").get_data(as_text=True)
    return page[page.index('<section class="question"'):]  # the page head carries a CSRF token


def test_preview_shows_answers_and_solution_at_a_seed(client, login_as, imported_bank):
    login_as("instructor")
    first = _variant_html(client, "seed=3")
    assert "Expected answer" in first and "Worked solution" in first
    assert first == _variant_html(client, "seed=3")
    assert first != _variant_html(client, "seed=4")


def test_edit_refuses_broken_source_and_saves_a_new_version(app, client, login_as,
                                                            imported_bank):
    login_as("instructor")
    source = imported_bank[TEMPLATE].source
    broken = client.post(f"/instructor/templates/{TEMPLATE}/edit",
                         data={"source": source.replace('kind = "expression"', 'kind = "nope"')})
    assert broken.status_code == 422 and "Not saved" in broken.get_data(as_text=True)
    edited = source.replace("Find the derivative", "Differentiate, please:")
    saved = client.post(f"/instructor/templates/{TEMPLATE}/edit", data={"source": edited})
    assert saved.status_code == 302
    with app.extensions["quizengine.db"].session() as s:
        versions = s.scalars(select(TemplateVersion.version)
                             .where(TemplateVersion.template_id == TEMPLATE)).all()
        assert versions == [1, 2]
        assert s.scalars(select(AuditEvent.action)).all() == ["save_template"]
    old = client.get(f"/instructor/templates/{TEMPLATE}?version=1").get_data(as_text=True)
    new = client.get(f"/instructor/templates/{TEMPLATE}").get_data(as_text=True)
    assert "Find the derivative" in old and "Differentiate, please:" in new


def test_export_and_import_toml(client, login_as, imported_bank):
    login_as("instructor")
    download = client.get(f"/instructor/templates/{TEMPLATE}/export")
    assert download.data.decode() == imported_bank[TEMPLATE].source
    assert "attachment" in download.headers["Content-Disposition"]
    changed = download.data.replace(b"Find the derivative", b"Now find the derivative")
    reply = client.post("/instructor/templates/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(changed), "t.toml")})
    assert reply.status_code == 302
    page = client.get(f"/instructor/templates/{TEMPLATE}").get_data(as_text=True)
    assert "Now find the derivative" in page and "v2" in page


def test_quiz_settings_are_validated_and_audited(app, client, login_as, imported_bank):
    login_as("instructor")
    url = "/instructor/quizzes/w1-chain-rule/settings"
    form = {"questions_per_attempt": "3", "attempts_allowed": "2",
            "feedback_when": "after_attempt", "solutions_when": "never",
            "opens_at": "2030-01-01T09:00", "closes_at": "2030-02-01T09:00"}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data={**form, "closes_at": "2029-01-01T09:00"}).status_code == 422
    with app.extensions["quizengine.db"].session() as s:
        quiz = s.get(Quiz, "w1-chain-rule")
        assert (quiz.questions_per_attempt, quiz.attempts_allowed, quiz.solutions_when) == (
            3, 2, "never")
        assert quiz.opens_at.year == 2030 and quiz.opens_at.tzinfo is not None
        assert s.scalars(select(AuditEvent.action)).all() == ["update_settings"]


def test_progress_and_item_statistics(client, login_as, make_user, chain_quiz, answers_for):
    make_user("sam")
    student = client.application.test_client()
    student.post("/auth/login", data={"username": "sam", "password": "correct horse battery"})
    location = student.post(f"/quizzes/{chain_quiz}/attempts").headers["Location"]
    page = student.get(location).get_data(as_text=True)
    import re

    qid = int(re.search(r"/questions/(\d+)/submit", page).group(1))
    form = {f"answer-{p}": t for p, t in answers_for(qid, wrong=True).items()}
    student.post(f"/questions/{qid}/submit", data={**form, "idempotency_key": "k"})
    login_as("instructor")
    assert "sam" in client.get("/instructor/students").get_data(as_text=True)
    stats = client.get(f"/instructor/quizzes/{chain_quiz}/stats").get_data(as_text=True)
    assert "w1-chain-rule/" in stats and "0.0" in stats
