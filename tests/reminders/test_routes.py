"""The editors' screen, the previews, "Gửi ngay", the admins' schedule and the banner."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import count_queries as statements
from tests.conftest import csrf_token, login, post
from tests.factories import make_user
from tests.reminders.conftest import at, posted, unit
from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.mail.models import OutboxMessage
from webapp.mail.services import deliver_due
from webapp.reminders import routes, services
from webapp.reminders.models import CountRule, Reminder
from webapp.roles import Role
from webapp.units.models import UnitGroup

NOV_20 = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The screens and the banner run as of 20 November 2026 (after the 15th's stage)."""
    monkeypatch.setattr(routes, "local_today", lambda: NOV_20)


def _editor(client, **kw):
    editor = make_user("editor", unit=unit(quota=0), **kw)
    login(client, editor)
    return editor


def _outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


# --- the screen ---------------------------------------------------------------------------


def test_the_screen_shows_each_unit_as_a_colour_and_a_number(client):
    _editor(client)
    met = unit("Công an huyện", display_order=1)
    some = unit("Phòng Nội vụ", display_order=2)
    none = unit("Phòng Dân tộc", display_order=3)
    exempt = unit("Huyện Đoàn", quota=0, group=UnitGroup.COLLABORATOR, display_order=1)
    posted(met, at(date(2026, 11, 3)), n=2)
    posted(some, at(date(2026, 11, 4)))

    response = client.get("/nhac-nho")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "Nhắc nhở định mức · tháng 11/2026" in html
    for who, css, number in [
        (met, "quota-met", "2/2"),
        (some, "quota-some", "1/2"),
        (none, "quota-none", "0/2"),
    ]:
        row = html[html.index(f'id="quota-unit-{who.id}"') :]
        row = row[: row.index("</tr>")]
        assert f'class="quota {css}"' in row and f">{number}<" in row
    exempt_row = html[html.index(f'id="quota-unit-{exempt.id}"') :]
    assert 'class="quota quota-exempt"' in exempt_row[: exempt_row.index("</tr>")]
    # Group I before group II, each in display order: the appendix's order.
    assert html.index(met.name) < html.index(some.name) < html.index(none.name)
    assert html.index(none.name) < html.index(exempt.name)
    # "Gửi ngay" only where there is something to remind.
    assert f"/nhac-nho/gui-ngay/{none.id}" in html and f"/nhac-nho/gui-ngay/{met.id}" not in html
    assert f"/nhac-nho/gui-ngay/{exempt.id}" not in html


def test_the_log_shows_each_reminders_delivery_state_and_comes_as_a_fragment(client, smtp_server):
    _editor(client)
    finance = unit("Phòng Tài chính - Kế hoạch", emails=["tckh@dakdoa.gov.vn"])
    silent = unit("Văn phòng Huyện ủy", emails=[])
    smtp_server.stop()
    services.run_schedule(date(2026, 11, 15))
    db.session.commit()
    deliver_due()

    html = client.get("/nhac-nho").get_data(as_text=True)
    log = html[html.index('id="reminder-log"') :]
    assert finance.name in log and "tckh@dakdoa.gov.vn" in log
    assert "chờ gửi lại (1 lần lỗi)" in log and "ConnectionRefusedError" in log
    assert "không có địa chỉ nhận" in log and silent.name in log

    fragment = client.get("/nhac-nho?page=1", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in body and 'id="reminder-log"' in body
    assert 'id="quota-status"' not in body  # the log alone

    smtp_server.start()
    from datetime import timedelta

    from webapp.timeutil import utcnow

    deliver_due(utcnow() + timedelta(minutes=2))
    log = client.get("/nhac-nho", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "đã gửi" in log and "2 lần thử" in log


def test_the_log_filters_by_unit(client):
    _editor(client)
    finance = unit("Phòng Tài chính - Kế hoạch")
    ethnic = unit("Phòng Dân tộc")
    services.run_schedule(date(2026, 11, 15))
    body = client.get(f"/nhac-nho?unit={finance.id}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert finance.name in body and ethnic.name not in body


def test_the_screens_query_count_does_not_grow_with_the_units(client):
    _editor(client)

    def load(n):
        for i in range(n):
            u = unit(f"Đơn vị số {n}-{i}")
            if i % 3 == 0:
                posted(u, at(date(2026, 11, 5)))
        services.run_schedule(date(2026, 11, 15))
        db.session.flush()
        with statements() as seen:
            assert client.get("/nhac-nho").status_code == 200
        return len(seen)

    few = load(25)
    many = load(35)  # 60 units in all
    assert few == many, (few, many)


def test_the_preview_renders_the_mail_and_sends_nothing(client):
    _editor(client)
    labour = unit(
        "Phòng Lao động - TBXH huyện", emails=["ldtbxh@dakdoa.gov.vn"], head_email="tp@dak.vn"
    )
    posted(labour, at(date(2026, 11, 2)))
    before = _outbox_count()

    html = client.get(f"/nhac-nho/xem-truoc/{labour.id}?loai=below_quota").get_data(as_text=True)
    assert "Nhắc nhở: Phòng Lao động - TBXH huyện mới có 1/2 tin, bài trong tháng 11/2026" in html
    assert "ldtbxh@dakdoa.gov.vn" in html
    assert "srcdoc=" in html and "Còn lại: 11 ngày" in html  # 20 → 30 November
    assert "Đến ngày 20/11/2026" in html
    assert _outbox_count() == before and db.session.scalar(select(func.count(Reminder.id))) == 0
    assert client.get(f"/nhac-nho/xem-truoc/{labour.id}?loai=khac").status_code == 404
    assert client.get("/nhac-nho/xem-truoc/999999").status_code == 404


def test_the_board_preview_lists_last_months_missers(client):
    _editor(client)
    unit("Phòng Dân tộc")
    html = client.get("/nhac-nho/xem-truoc/ban-bien-tap").get_data(as_text=True)
    assert "Tổng hợp định mức tin, bài tháng 10/2026: 1 đơn vị chưa đạt" in html
    paste = html[html.index('id="shortfall-paragraph"') :]
    assert "chưa có tin bài như: Phòng Dân tộc (Có phụ lục kèm theo)" in paste


def test_send_now_queues_one_reminder_a_day_whatever_the_clicks(client):
    editor = _editor(client)
    ethnic = unit("Phòng Dân tộc", emails=["dantoc@dakdoa.gov.vn"])
    before = _outbox_count()

    response = post(client, f"/nhac-nho/gui-ngay/{ethnic.id}", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="quota-unit-{ethnic.id}"' in body and "Đã xếp thư nhắc nhở" in body
    assert response.headers["HX-Trigger"] == "reminder-sent"
    [reminder] = db.session.scalars(select(Reminder)).all()
    assert reminder.stage == "manual:2026-11-20" and reminder.sent_by_id == editor.id
    assert reminder.outbox_message.to_addrs == "dantoc@dakdoa.gov.vn"
    assert "Nhắc ngay" in body  # the row shows its latest reminder

    again = post(client, f"/nhac-nho/gui-ngay/{ethnic.id}", htmx=True)
    assert again.status_code == 200 and "mỗi ngày chỉ gửi một lần" in again.get_data(as_text=True)
    assert "HX-Trigger" not in again.headers
    plain = post(client, f"/nhac-nho/gui-ngay/{ethnic.id}")
    assert plain.status_code == 303 and plain.location.endswith("/nhac-nho")
    assert _outbox_count() == before + 1


def test_send_now_refuses_exempt_and_met_units(client):
    _editor(client)
    youth = unit("Huyện Đoàn", quota=0)
    police = unit("Công an huyện")
    posted(police, at(date(2026, 11, 2)), n=2)
    refused = post(client, f"/nhac-nho/gui-ngay/{youth.id}", htmx=True).get_data(as_text=True)
    assert "được miễn định mức" in refused
    refused = post(client, f"/nhac-nho/gui-ngay/{police.id}", htmx=True).get_data(as_text=True)
    assert "đã đạt định mức tháng này" in refused
    assert db.session.scalar(select(func.count(Reminder.id))) == 0
    # Without the CSRF token, nothing.
    assert client.post(f"/nhac-nho/gui-ngay/{police.id}").status_code == 400


# --- the schedule (admins) ----------------------------------------------------------------


def _admin(client):
    admin = make_user("admin", unit=unit(quota=0))
    login(client, admin)
    return admin


def test_admins_edit_a_stage_in_place_audited(client, schedule):
    admin = _admin(client)
    stage = schedule["nothing_yet"]
    page = client.get("/nhac-nho/lich").get_data(as_text=True)
    assert "Đơn vị chưa có tin, bài trong tháng" in page and f'id="stage-{stage.id}"' in page

    response = post(
        client,
        f"/nhac-nho/lich/moc/{stage.id}",
        {"day_of_month": "12", "active": "y", "escalate_after_months": "3"},
        htmx=True,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and f'id="stage-{stage.id}"' in body
    db.session.expire_all()
    assert (stage.day_of_month, stage.active, stage.escalate_after_months) == (12, True, 3)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "reminder_stages"))
    assert entry.actor_id == admin.id
    assert entry.changes == {"day_of_month": [15, 12], "escalate_after_months": [2, 3]}

    bad = post(
        client,
        f"/nhac-nho/lich/moc/{stage.id}",
        {"day_of_month": "31", "escalate_after_months": "2"},
        htmx=True,
    )
    assert bad.status_code == 422 and "Số phải nằm trong khoảng 1 đến 28." in bad.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert stage.day_of_month == 12

    board = schedule["board_summary"]
    off = post(client, f"/nhac-nho/lich/moc/{board.id}", {"day_of_month": "2"})
    assert off.status_code == 303
    db.session.expire_all()
    assert (board.day_of_month, board.active) == (2, False)
    history = client.get("/nhac-nho/lich").get_data(as_text=True)
    assert "Ngày trong tháng" in history and "Tổng hợp gửi Ban biên tập" in history


def test_admins_choose_the_counting_rule(client):
    _admin(client)
    response = post(client, "/nhac-nho/lich/cach-tinh", {"rule": "submitted"}, htmx=True)
    assert response.status_code == 200 and 'id="count-rule"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert services.count_rule() is CountRule.SUBMITTED
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_type == "reminder_settings")
    )
    assert entry.changes == {"count": ["published", "submitted"]}
    assert post(client, "/nhac-nho/lich/cach-tinh", {"rule": "khac"}).status_code == 422


ENDPOINTS = [
    ("GET", "/nhac-nho", {Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN}),
    ("GET", "/nhac-nho/xem-truoc/{unit}", {Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN}),
    ("GET", "/nhac-nho/xem-truoc/ban-bien-tap", {Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN}),
    ("POST", "/nhac-nho/gui-ngay/{unit}", {Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN}),
    ("GET", "/nhac-nho/lich", {Role.ADMIN}),
    ("POST", "/nhac-nho/lich/moc/{stage}", {Role.ADMIN}),
    ("POST", "/nhac-nho/lich/cach-tinh", {Role.ADMIN}),
]


@pytest.mark.parametrize("role", list(Role))
def test_who_may_use_the_reminder_screens(app, schedule, role):
    target = unit("Phòng Dân tộc")
    user = make_user(role.value, unit=unit(quota=0))
    client = app.test_client()
    login(client, user)
    token = csrf_token(client, "/toa-soan")
    for method, path, allowed in ENDPOINTS:
        url = path.format(unit=target.id, stage=schedule["nothing_yet"].id)
        response = client.open(url, method=method, data={"csrf_token": token})
        if role in allowed:
            assert response.status_code in (200, 303, 422), (url, role, response.status_code)
        else:
            assert response.status_code == 403, (url, role)
    anonymous = app.test_client().get("/nhac-nho")
    assert anonymous.status_code == 302 and "/dang-nhap" in anonymous.location


# --- the banner ---------------------------------------------------------------------------


def _banner(client) -> str:
    html = client.get("/toa-soan").get_data(as_text=True)
    if 'id="quota-banner"' not in html:
        return ""
    start = html.index('id="quota-banner"')
    return html[start : html.index("</div>", start)]


def test_the_banner_shows_for_a_below_quota_units_writer_until_the_quota_is_met(app):
    ethnic = unit("Phòng Dân tộc")
    writer = make_user("contributor", unit=ethnic)
    client = app.test_client()
    login(client, writer)
    posted(ethnic, at(date(2026, 11, 3)))
    banner = _banner(client)
    assert "Đơn vị Phòng Dân tộc mới có 1/2 tin, bài trong tháng 11/2026; còn 11 ngày." in banner
    assert 'href="/tin-bai/moi"' in banner
    # Fragments carry no banner (and pay nothing for it).
    assert "quota-banner" not in client.get(
        "/thong-bao/dem", headers={"HX-Request": "true"}
    ).get_data(as_text=True)

    posted(ethnic, at(date(2026, 11, 18)))
    assert _banner(client) == ""


def test_no_banner_for_exempt_units_staff_without_a_unit_or_before_the_first_stage(
    app, monkeypatch
):
    youth = make_user("contributor", unit=unit("Huyện Đoàn", quota=0))
    staff = make_user("editor", unit=None)
    below = make_user("contributor", unit=unit("Phòng Dân tộc"))
    for user, expected in [(youth, False), (staff, False), (below, True)]:
        client = app.test_client()
        login(client, user)
        assert bool(_banner(client)) is expected, user.username
    monkeypatch.setattr(routes, "local_today", lambda: date(2026, 11, 14))
    client = app.test_client()
    login(client, below)
    assert _banner(client) == ""  # the first reminder goes out on the 15th


def test_the_banner_costs_at_most_two_queries(app):
    exempt = make_user("contributor", unit=unit("Huyện Đoàn", quota=0))
    below = make_user("contributor", unit=unit("Phòng Dân tộc"))
    counts = []
    for user in (exempt, below):
        client = app.test_client()
        login(client, user)
        client.get("/toa-soan")
        with statements() as seen:
            client.get("/toa-soan")
        counts.append(len(seen))
    assert counts[1] - counts[0] <= 2, counts
