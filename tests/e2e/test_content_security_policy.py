"""Under the Content-Security-Policy, every staff page works with nothing refused.

``new_page`` fails any browser test in which the browser reported a violation; these
tests make sure the policy is really enforced, and walk the pages each role opens.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from webapp.access import rule_for

PASSWORD = "toasoan-demo"
# Not pages: files to download, the feed, the counter fragment, the sign-out.
NOT_PAGES = re.compile(r"download|export|sample|feed|counter|logout|static|upload")


def sign_in(page: Page, username: str) -> None:
    page.goto("/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap"))


def page_urls(app) -> list[str]:
    """Every GET route without an argument that answers a page."""
    with app.test_request_context():
        return sorted(
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and not rule.arguments
            and not NOT_PAGES.search(rule.endpoint)
            and rule_for(rule.endpoint) is not None
        )


@pytest.mark.real_commits
def test_an_inline_script_is_refused_and_reported(new_page):
    page = new_page()
    page.goto("/dang-nhap")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.body.appendChild(s);
          const b = document.createElement("button");
          b.setAttribute("onclick", "window.__clicked = true");
          document.body.appendChild(b);
          b.click();
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__clicked") is None
    violations = list(new_page.csp_violations)
    assert any("script-src" in v for v in violations), violations
    new_page.csp_violations.clear()  # expected here; any other test fails on one


@pytest.mark.real_commits
@pytest.mark.parametrize("username", ["admin", "truongban", "ketoan", "congan"])
def test_every_page_of_each_role_runs_without_a_violation(app, new_page, username):
    page = new_page()
    sign_in(page, username)
    for url in page_urls(app):
        page.goto(url)
        page.wait_for_load_state("load")
    # The rich-text editor (Trix injects its own styles) and htmx's swaps.
    page.goto("/tin-bai/moi")
    if username in ("truongban", "congan"):
        expect(page.locator("trix-editor")).to_be_visible()
        page.locator("trix-editor").click()
        page.keyboard.type("Kiểm tra")
    assert new_page.problems == [], new_page.problems
