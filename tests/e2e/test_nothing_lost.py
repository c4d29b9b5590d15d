"""A forgotten section on the first send: the error, nothing lost, the second send goes once."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.e2e.test_submission_flow import sign_in, state_of
from webapp.extensions import db
from webapp.pieces.models import Piece, PieceState, WorkflowEvent

TITLE = "Xã Glar ra quân làm đường giao thông nông thôn"
LEAD = "Sáng nay, nhân dân xã Glar ra quân làm đường bê tông."
TEXT = "Hơn 200 người dân tham gia làm 1,2 km đường bê tông."


@pytest.mark.real_commits
def test_a_forgotten_section_is_fixed_and_the_piece_sent_once(app, new_page, tmp_path):
    page = new_page()
    sign_in(page, "congan")
    page.goto("/tin-bai/moi")
    page.fill("#title", TITLE)
    page.fill("#lead", LEAD)
    page.locator("trix-editor#body-editor").click()
    page.keyboard.type(TEXT)
    # the section ("Chuyên mục") is forgotten
    page.get_by_role("button", name="Lưu và gửi Ban biên tập").click()

    expect(page.locator("#piece-form")).to_contain_text("Chưa chọn chuyên mục.")
    expect(page.locator("#title")).to_have_value(TITLE)
    expect(page.locator("#lead")).to_have_value(LEAD)
    expect(page.locator("trix-editor#body-editor")).to_contain_text(TEXT)
    # the piece is kept as a draft, and the page is now that draft's
    expect(page).to_have_url(re.compile(r"/tin-bai/\d+/sua$"))
    piece_id = int(re.search(r"/tin-bai/(\d+)/sua", page.url).group(1))

    page.select_option("#category_id", label="Tin tức - Sự kiện")
    page.get_by_role("button", name="Lưu và gửi Ban biên tập").click()
    expect(page).to_have_url(re.compile(rf"/tin-bai/{piece_id}$"))
    expect(state_of(page)).to_have_text("Đã gửi")
    expect(page.locator(".piece-preview")).to_contain_text(TEXT)
    page.screenshot(path=tmp_path / "sent.png", full_page=True)
    assert new_page.problems == [], new_page.problems

    with app.app_context():
        pieces = db.session.scalars(select(Piece).where(Piece.title == TITLE)).all()
        assert [p.id for p in pieces] == [piece_id]
        assert pieces[0].state is PieceState.SUBMITTED and TEXT in pieces[0].body
        submits = db.session.scalar(
            select(func.count(WorkflowEvent.id)).where(
                WorkflowEvent.piece_id == piece_id, WorkflowEvent.action == "submit"
            )
        )
        assert submits == 1
        db.session.remove()
