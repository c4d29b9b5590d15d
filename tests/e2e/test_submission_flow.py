"""A piece's whole life, through the browser: written, returned, fixed, approved, published."""

import re

import feedparser
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.pieces.models import Piece, WorkflowEvent

PASSWORD = "toasoan-demo"
TITLE = "Công an huyện Đak Đoa ra quân bảo đảm an toàn giao thông"
LEAD = "Sáng nay, Công an huyện ra quân tổng kiểm soát phương tiện trên Quốc lộ 19."
CAPTION = "Tổ tuần tra kiểm soát trên Quốc lộ 19"
CREDIT = "Lê Văn An"
REASON = "Bổ sung số trường hợp vi phạm"
ADDED = "Đã xử phạt 35 trường hợp."


def make_photo(path):
    """An 800x600 JPEG with something on it, as a camera would give."""
    image = Image.new("RGB", (800, 600), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 350, 700, 500), fill=(230, 230, 230))
    draw.ellipse((300, 80, 500, 280), fill=(250, 200, 40))
    draw.line((0, 600, 800, 300), fill=(20, 20, 20), width=12)
    image.save(path, "JPEG", quality=85)
    return path


def sign_in(page: Page, username: str) -> None:
    page.goto("/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap"))


def state_of(page: Page):
    return page.locator(".piece-head .state")


def reload_marker(page: Page) -> None:
    """Mark the document: a full page load clears the mark, an htmx swap keeps it."""
    page.evaluate("window.__marker = 1")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def end_of_part(new_page, page: Page, shot) -> None:
    """A screenshot for debugging; no server error or JavaScript error so far."""
    page.screenshot(path=shot, full_page=True)
    assert new_page.problems == [], new_page.problems


def claim_in_queue(page: Page, piece_id: int) -> None:
    """The editor claims the piece from the queue; only its row changes."""
    page.goto("/bien-tap")
    row = page.locator(f"#queue-row-{piece_id}")
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Đã gửi")
    reload_marker(page)
    row.get_by_role("button", name="Nhận", exact=True).click()
    expect(row).to_contain_text("Đang biên tập")
    expect(row.get_by_role("button", name="Nhận", exact=True)).to_have_count(0)
    assert_not_reloaded(page)


@pytest.mark.real_commits
def test_piece_from_unit_to_portal(app, new_page, tmp_path):
    photo = make_photo(tmp_path / "tuan-tra.jpg")

    # a. The contributor writes a draft, adds a photo and submits.
    unit = new_page()
    sign_in(unit, "congan")
    unit.locator("nav.mainnav").get_by_role("link", name="Viết tin, bài").click()
    expect(unit).to_have_url(re.compile(r"/tin-bai/moi$"))
    unit.fill("#title", TITLE)
    unit.fill("#lead", LEAD)
    editor_box = unit.locator("trix-editor#body-editor")
    editor_box.click()
    unit.keyboard.type("Lực lượng Cảnh sát giao thông ")
    bold = unit.locator("trix-toolbar [data-trix-attribute=bold]")
    bold.click()
    unit.keyboard.type("kiểm tra nồng độ cồn")
    bold.click()
    unit.keyboard.type(" đối với người điều khiển phương tiện.")
    expect(editor_box.locator("strong")).to_have_text("kiểm tra nồng độ cồn")
    unit.select_option("#category_id", label="Tin tức - Sự kiện")
    unit.get_by_role("button", name="Lưu nháp", exact=True).click()
    expect(unit).to_have_url(re.compile(r"/tin-bai/\d+/sua$"))
    piece_id = int(re.search(r"/tin-bai/(\d+)/sua", unit.url).group(1))
    expect(unit.locator("#title")).to_have_value(TITLE)

    images = unit.locator("#images")
    upload = images.locator("form.upload-form")
    upload.locator("input[name=image]").set_input_files(photo)
    upload.locator("input[name=caption]").fill(CAPTION)
    upload.locator("input[name=credit]").fill(CREDIT)
    reload_marker(unit)
    upload.get_by_role("button", name="Tải ảnh lên").click()
    thumbnail = images.locator(".image-item img")
    expect(thumbnail).to_be_visible()
    expect(images.locator(".image-item input[name=caption]")).to_have_value(CAPTION)
    assert unit.evaluate("(img) => img.complete && img.naturalWidth", thumbnail.element_handle())
    assert_not_reloaded(unit)

    unit.get_by_role("button", name="Lưu và gửi Ban biên tập").click()
    expect(unit).to_have_url(re.compile(rf"/tin-bai/{piece_id}$"))
    expect(state_of(unit)).to_have_text("Đã gửi")
    expect(unit.locator(".piece-preview strong")).to_have_text("kiểm tra nồng độ cồn")
    end_of_part(new_page, unit, tmp_path / "a-unit-submitted.png")

    # b. The editor claims it in the queue, without a reload, and returns it with a reason.
    desk = new_page()
    sign_in(desk, "bientap")
    claim_in_queue(desk, piece_id)
    desk.locator(f"#queue-row-{piece_id}").get_by_role("link", name=TITLE).click()
    expect(state_of(desk)).to_have_text("Đang biên tập")
    returning = desk.locator("form.action-return")
    returning.locator("textarea[name=comment]").fill(REASON)
    returning.get_by_role("button", name="Trả lại đơn vị").click()
    expect(state_of(desk)).to_have_text("Trả lại")
    end_of_part(new_page, desk, tmp_path / "b-desk-returned.png")

    # c. The contributor sees the reason, adds the numbers and submits again.
    unit.reload()
    expect(state_of(unit)).to_have_text("Trả lại")
    expect(unit.locator(".history")).to_contain_text(REASON)
    unit.get_by_role("link", name="Sửa", exact=True).click()
    expect(unit).to_have_url(re.compile(rf"/tin-bai/{piece_id}/sua$"))
    expect(unit.locator(".flash-warning", has_text="Ban biên tập trả lại")).to_contain_text(REASON)
    editor_box = unit.locator("trix-editor#body-editor")
    editor_box.click()
    unit.keyboard.press("Control+End")
    unit.keyboard.type(" " + ADDED)
    expect(editor_box).to_contain_text(ADDED)
    unit.get_by_role("button", name="Lưu và gửi Ban biên tập").click()
    expect(unit).to_have_url(re.compile(rf"/tin-bai/{piece_id}$"))
    expect(state_of(unit)).to_have_text("Đã gửi")
    expect(unit.locator(".piece-preview")).to_contain_text(ADDED)
    end_of_part(new_page, unit, tmp_path / "c-unit-resubmitted.png")

    # d. The editor claims it again, approves it at the proposed coefficient and publishes.
    claim_in_queue(desk, piece_id)
    desk.locator(f"#queue-row-{piece_id}").get_by_role("link", name=TITLE).click()
    expect(desk.locator(".piece-preview")).to_contain_text(ADDED)
    approving = desk.locator("form.action-approve")
    expect(approving.locator("input[name=coefficient]")).not_to_have_value("")
    approving.get_by_role("button", name="Duyệt", exact=True).click()
    expect(state_of(desk)).to_have_text("Đã duyệt")
    desk.locator("form.action-publish").get_by_role("button", name="Đăng ngay").click()
    expect(state_of(desk)).to_have_text("Đã đăng")
    end_of_part(new_page, desk, tmp_path / "d-desk-published.png")

    # e. A reader finds it on the portal, with its photo, and in the Atom feed.
    reader = new_page()
    reader.goto("/")
    reader.locator(".teaser-title").get_by_role("link", name=TITLE).first.click()
    expect(reader.locator("article.story h1")).to_have_text(TITLE)
    expect(reader.locator(".story-body")).to_contain_text(ADDED)
    expect(reader.locator(".story-body strong")).to_have_text("kiểm tra nồng độ cồn")
    figure = reader.locator("figure.story-figure")
    expect(figure.locator("figcaption")).to_contain_text(CAPTION)
    expect(figure.locator("figcaption")).to_contain_text(CREDIT)
    photo_on_site = figure.locator("img")
    expect(photo_on_site).to_be_visible()
    reader.wait_for_function("(img) => img.complete", arg=photo_on_site.element_handle())
    assert photo_on_site.evaluate("(img) => img.naturalWidth") > 0

    response = reader.request.get("/feed.atom")
    assert response.ok
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.bozo_exception
    assert TITLE in [entry.title for entry in feed.entries]
    end_of_part(new_page, reader, tmp_path / "e-reader-article.png")

    # f. The history records each step, in order, once.
    with app.app_context():
        actions = db.session.scalars(
            select(WorkflowEvent.action)
            .where(WorkflowEvent.piece_id == piece_id)
            .order_by(WorkflowEvent.id)
        ).all()
        assert db.session.get(Piece, piece_id).state.value == "published"
    assert [str(a) for a in actions] == [
        "submit",
        "claim",
        "return",
        "submit",
        "claim",
        "approve",
        "publish",
    ]
