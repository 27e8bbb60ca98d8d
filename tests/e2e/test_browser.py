"""Real browser journeys (headless Chromium): student, instructor, admin."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_student_previews_submits_and_sees_feedback(page, log_in, chain_quiz, answers_for):
    log_in("sam")
    page.get_by_role("link", name="Practicing the chain rule").click()
    page.get_by_role("button", name="Start a new attempt").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    box = page.locator("input.answer").first
    if box.count() == 0:
        pytest.skip("this attempt drew only multiple-choice questions")
    question = box.locator("xpath=ancestor::section[1]")
    qid = int(question.get_attribute("id")[1:])
    part = box.get_attribute("data-part")
    box.fill("2x*(")
    preview = page.locator(f"#{box.get_attribute('aria-describedby')}")
    preview.locator(".problem").wait_for()
    box.fill(answers_for(qid)[part])
    preview.locator(".katex").wait_for()
    assert "We read your answer as" in preview.inner_text()
    for other_part, text in answers_for(qid).items():
        if other_part != part:
            other = question.locator(f"[name='answer-{other_part}']")
            if other.get_attribute("type") == "radio":
                question.locator(f"[name='answer-{other_part}'][value='{text}']").check()
            else:
                other.fill(text)
    question.get_by_role("button", name="Submit answer").click()
    page.wait_for_url(re.compile(r"/attempts/\d+"))
    section = page.locator(f"#q{qid}")
    assert "Correct" in section.locator(".feedback").first.inner_text()
    assert section.locator(".solution .katex").count() > 0


def test_instructor_previews_a_template_at_a_seed(page, log_in, imported_bank):
    log_in("tina", "instructor")
    page.goto("/instructor/")
    page.get_by_role("link", name="w1-chain-rule/power-of-polynomial").click()
    page.get_by_label("Seed", exact=True).fill("7")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r"seed=7"))
    assert page.locator(".expected .katex").count() >= 1
    assert "Worked solution" in page.content()


def test_admin_downloads_the_grade_csv(page, log_in, imported_bank):
    log_in("ada", "admin")
    page.goto("/admin/reports")
    with page.expect_download() as info:
        page.get_by_role("link", name="All quizzes (CSV)").click()
    download = info.value
    assert download.suggested_filename == "grades.csv"
    with open(download.path(), encoding="utf-8") as handle:
        assert handle.readline().startswith("username,quiz_id,best,latest,mean")
