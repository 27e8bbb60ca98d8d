"""Browser fixtures: Debian's Chromium driven by Playwright against the live server.

The app here keeps CSRF on, so the preview JS must send X-CSRFToken as in production.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture
def app(engine, database_url, bank_path, tmp_path):
    from quizengine.web import create_app

    application = create_app("testing", DATABASE_URL=database_url, WTF_CSRF_ENABLED=True,
                             SECRET_KEY="e2e-secret", BANK_PATH=bank_path,
                             INSTANCE_PATH=tmp_path)
    yield application
    application.extensions["quizengine.db"].dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: run ./scripts/install-browser.sh (make test does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def log_in(page, make_user):
    def _log_in(username: str, role: str = "student") -> None:
        make_user(username, role)
        page.goto("/auth/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")

    return _log_in
