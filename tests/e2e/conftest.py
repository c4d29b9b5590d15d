"""Browser tests: a real Chromium against the app served on a loopback port.

The server serves the suite's session ``app`` (its test database, SQLite file or
PostgreSQL), so a browser test must be marked ``real_commits``: the server's threads
commit for real, and the suite's ``_transaction`` fixture empties every table afterwards.
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from webapp.cli import seed_demo
from webapp.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 5_000

expect.set_options(timeout=TIMEOUT_MS)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "real_commits: real commits on the test database, tables emptied afterwards"
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session: the system's, never a downloaded one."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found"
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI: apt-get install chromium ({message})")
        pytest.skip(f"browser tests need Chromium: {message}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_server(request, app) -> Iterator[str]:
    """The suite's app on 127.0.0.1 (a free port), with the demo district; yields its URL."""
    if request.node.get_closest_marker("real_commits") is None:
        pytest.fail("a test using live_server must be marked @pytest.mark.real_commits")
    with app.app_context():
        seed_demo()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    old_base_url = app.config["BASE_URL"]
    app.config["BASE_URL"] = base_url
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.config["BASE_URL"] = old_base_url


# Every frame reports what the Content-Security-Policy refused, to the test (see Pages).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__reportCspViolation(
    e.violatedDirective + " refused " + (e.blockedURI || "inline") + " on " + e.documentURI
    + (e.sample ? " (" + e.sample + ")" : "")
  );
});
"""


class Pages:
    """Opens pages, each in a browser context of its own (its own cookies: its own user).

    Every 5xx answer and every uncaught JavaScript error is noted in ``problems``; every
    Content-Security-Policy violation in ``csp_violations``, which must stay empty (checked
    after every browser test by ``new_page``).
    """

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.problems: list[str] = []
        self.csp_violations: list[str] = []

    def __call__(self) -> Page:
        context = self.browser.new_context(base_url=self.base_url, locale="vi-VN")
        context.set_default_timeout(2 * TIMEOUT_MS)
        context.expose_function("__reportCspViolation", self._note_violation)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._note_console)
        page.on("response", self._note_response)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        return page

    def _note_response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def _note_violation(self, text: str) -> None:
        self.csp_violations.append(text)

    def _note_console(self, message) -> None:
        # Chromium also says it in the console; caught here if the listener could not run.
        text = message.text
        if "Content Security Policy" in text and text not in self.csp_violations:
            self.csp_violations.append(text)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[[], Page]]:
    """``new_page()``: a fresh page on the live server, as a new visitor."""
    pages = Pages(browser, live_server)
    yield pages
    pages.close()
    assert pages.csp_violations == [], f"Content-Security-Policy violations: {pages.csp_violations}"
