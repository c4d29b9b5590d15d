"""The piece form saves itself every half minute, and the cursor stays where it was."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.pieces.models import Piece


@pytest.mark.real_commits
def test_autosave_every_half_minute_keeps_the_cursor(app, new_page):
    page = new_page()
    page.clock.install()
    page.goto("/dang-nhap")
    page.fill("#username", "congan")
    page.fill("#password", "toasoan-demo")
    page.click("button.primary")
    page.goto("/tin-bai/moi")
    page.fill("#title", "Tuần tra kiểm soát dịp cuối năm")
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.type("Công an huyện tăng cường tuần tra")

    # Nothing before half a minute...
    page.clock.run_for(20_000)
    status = page.locator("#autosave-status")
    expect(status).to_have_text("")
    # ... then the draft is saved, without a reload and without leaving the editor.
    page.clock.run_for(11_000)
    expect(status).to_contain_text("Đã tự động lưu")
    assert page.evaluate("document.activeElement.tagName") == "TRIX-EDITOR"
    page.keyboard.type(" trên các tuyến đường.")
    expect(editor).to_contain_text("Công an huyện tăng cường tuần tra trên các tuyến đường.")
    assert "/tin-bai/" in page.url and page.url.endswith("/sua")  # reload-safe address

    with app.app_context():
        piece = db.session.scalar(select(Piece).where(Piece.title.like("Tuần tra%")))
        assert piece is not None and "tăng cường tuần tra" in piece.body
        first_version = piece.version
        db.session.remove()

    # The next autosave goes to the same piece (no second draft) with the new text.
    page.clock.run_for(31_000)
    expect(status).to_contain_text("Đã tự động lưu")
    with app.app_context():
        pieces = db.session.scalars(select(Piece).where(Piece.title.like("Tuần tra%"))).all()
        assert len(pieces) == 1
        assert "trên các tuyến đường" in pieces[0].body
        assert pieces[0].version > first_version
        db.session.remove()
