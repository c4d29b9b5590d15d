"""Demo mode in the browser: a demo account's button fills the sign-in form."""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def demo_mode(app):
    app.config["DEMO_MODE"] = True
    yield
    app.config["DEMO_MODE"] = False


@pytest.mark.real_commits
def test_a_demo_account_is_one_click_and_one_press_away(demo_mode, new_page):
    page = new_page()
    page.goto("/dang-nhap")
    expect(page.get_by_role("note")).to_contain_text("Bản dùng thử")
    row = page.get_by_role("row", name=re.compile("ketoan"))
    row.get_by_role("button", name="Điền vào ô đăng nhập").click()
    expect(page.locator("#username")).to_have_value("ketoan")
    expect(page.locator("#password")).to_be_focused()
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(r"/toa-soan$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trần Văn Kế Toán")
    assert new_page.problems == []
