"""The admin's settings screen (letterhead, logo) and the first-run checklist on the home page."""

import io
from io import BytesIO

import openpyxl
from docx import Document
from PIL import Image
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_unit, make_user
from webapp.audit.models import AuditEntry
from webapp.cli import seed_demo
from webapp.extensions import db
from webapp.royalties.models import RoyaltyRuleSet
from webapp.units import services as units

CHECKLIST = "Bắt đầu sử dụng"


def _sheet_texts(client) -> list[str]:
    data = client.get("/nhuan-but/bang-ke/2020-01.xlsx").data
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def _docx_text(client) -> str:
    response = client.get(
        "/bao-cao/bao-cao-dinh-ky.docx",
        query_string={"start": "2021-01-01", "end": "2021-06-30", "signed_on": "2021-07-29"},
    )
    assert response.status_code == 200
    document = Document(BytesIO(response.data))
    # All the text of the body, tables within tables included (the letterhead is one).
    return "".join(
        node.text or "" for node in document.element.body.iter() if node.tag.endswith("}t")
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


def test_one_letterhead_on_the_payment_sheet_and_the_report(client):
    """The payment sheet used to say "UBND HUYỆN" where the report said "UBND HUYỆN ĐAK ĐOA"."""
    login(client, make_user("admin", "accountant"))
    assert "UBND HUYỆN ĐAK ĐOA" in _sheet_texts(client)
    assert "UBND HUYỆN ĐAK ĐOA" in _docx_text(client)


def test_the_admin_sets_the_letterhead_and_every_document_follows(client):
    admin = make_user("admin", "accountant")
    login(client, admin)
    page = client.get("/quan-tri/cai-dat").get_data(as_text=True)
    assert "Tiêu đề văn bản" in page and "UBND HUYỆN ĐAK ĐOA" in page
    response = post(
        client,
        "/quan-tri/cai-dat/tieu-de",
        {
            "district_name": "UBND huyện Chư Păh",
            "board_name": "Ban biên tập Trang TTĐT huyện Chư Păh",
            "place_name": "Chư Păh",
        },
    )
    assert response.status_code == 302
    texts = _sheet_texts(client)
    assert "UBND HUYỆN CHƯ PĂH" in texts and "BAN BIÊN TẬP TRANG TTĐT HUYỆN CHƯ PĂH" in texts
    report = _docx_text(client)
    assert "UBND HUYỆN CHƯ PĂH" in report and "Chư Păh, ngày 29 tháng 7 năm 2021" in report
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "settings"))
    assert entry is not None and entry.actor_id == admin.id
    assert "Cơ quan chủ quản" in client.get("/quan-tri/nhat-ky").get_data(as_text=True)


def test_an_empty_field_is_refused_and_the_input_kept(client):
    login(client, make_user("admin"))
    response = post(
        client,
        "/quan-tri/cai-dat/tieu-de",
        {"district_name": "UBND huyện Mang Yang", "board_name": "   ", "place_name": "Mang Yang"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nhập trường này." in html and "UBND huyện Mang Yang" in html


def test_the_logo_is_checked_like_every_image(client):
    login(client, make_user("admin"))
    bad = post(
        client,
        "/quan-tri/cai-dat/logo",
        {"logo": (io.BytesIO(b"<script>alert(1)</script>"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    missing = post(client, "/quan-tri/cai-dat/logo", {}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert "Vui lòng chọn tệp ảnh logo." in missing.get_data(as_text=True)
    good = post(
        client,
        "/quan-tri/cai-dat/logo",
        {"logo": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    page = client.get("/quan-tri/cai-dat").get_data(as_text=True)
    assert 'class="logo-preview"' in page


def test_only_the_admin_changes_settings(client):
    login(client, make_user("chief_editor", "editor"))
    assert client.get("/quan-tri/cai-dat").status_code == 403
    response = post(
        client,
        "/quan-tri/cai-dat/tieu-de",
        {"district_name": "X", "board_name": "Y", "place_name": "Z"},
    )
    assert response.status_code == 403


def _items(html: str) -> dict[str, str]:
    section = html.split('id="checklist-title"', 1)[1].split("</section>", 1)[0]
    items = {}
    for li in section.split("<li")[1:]:
        label = li.split('">', 2)[2].split("</a>")[0]
        items[label] = "Đã xong" if "Đã xong" in li else "Chưa làm"
    return items


def test_the_first_run_checklist_ticks_itself(client, app, monkeypatch):
    # No mail server yet: mail stays in the local mailbox.
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    seed_demo()
    admin = make_user("admin")
    login(client, admin)
    items = _items(client.get("/toa-soan").get_data(as_text=True))
    assert list(items.values()) == ["Chưa làm"] * 5

    post(
        client,
        "/quan-tri/cai-dat/tieu-de",
        {"district_name": "UBND huyện Chư Păh", "board_name": "BBT", "place_name": "Chư Păh"},
    )
    post(
        client,
        "/quan-tri/cai-dat/logo",
        {"logo": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data",
    )
    unit = make_unit(monthly_quota=2)
    units.update_unit(admin, unit, monthly_quota=3)
    db.session.flush()
    items = _items(client.get("/toa-soan").get_data(as_text=True))
    assert [items[k] for k in items] == ["Đã xong", "Đã xong", "Đã xong", "Chưa làm", "Chưa làm"]

    example = db.session.scalar(select(RoyaltyRuleSet))
    example.is_example = False  # as if the province's decision replaced the example
    db.session.flush()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.dakdoa.example")
    html = client.get("/toa-soan").get_data(as_text=True)
    assert CHECKLIST not in html  # all done: the home page is the desk again


def test_others_do_not_see_the_checklist(client):
    seed_demo()
    login(client, make_user("chief_editor", "editor"))
    assert CHECKLIST not in client.get("/toa-soan").get_data(as_text=True)
