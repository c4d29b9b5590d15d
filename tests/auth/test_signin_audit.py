"""Sign-ins are visible: every sign-in, failure, lock, sign-out and password change in the
audit log with time, address and browser; the user sees their own, the admin all."""

from sqlalchemy import select

from tests.conftest import csrf_token, login, post
from tests.factories import PASSWORD, make_unit, make_user
from webapp.audit.models import AuditEntry
from webapp.extensions import db

BROWSER = "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0"


def _try(client, username, password, address="10.20.30.40"):
    base = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": BROWSER}
    token = csrf_token(client)
    return client.post(
        "/dang-nhap",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=base,
    )


def _events(**where):
    query = select(AuditEntry).where(AuditEntry.entity_type == "users").order_by(AuditEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return db.session.scalars(query).all()


def test_every_account_event_is_logged_with_address_and_browser(client):
    user = make_user("editor")
    _try(client, "khong-ai-co-ten-nay", "sai-mat-khau-roi")
    for _ in range(5):
        _try(client, user.username, "sai-mat-khau-roi")
    user.locked_until = None
    db.session.flush()
    assert _try(client, user.username, PASSWORD).status_code == 302
    new = "cay-bang-truoc-ngo"
    post(
        client,
        "/tai-khoan/mat-khau",
        {"current_password": PASSWORD, "new_password": new, "confirm": new},
        environ_base={"REMOTE_ADDR": "10.20.30.40", "HTTP_USER_AGENT": BROWSER},
    )
    post(client, "/dang-xuat", environ_base={"REMOTE_ADDR": "10.20.30.40"})
    _try(client, user.username, new)
    post(client, "/tai-khoan/dang-xuat-moi-thiet-bi", environ_base={"REMOTE_ADDR": "10.20.30.40"})

    unknown = _events(entity_label="khong-ai-co-ten-nay")
    assert [e.action for e in unknown] == ["sign_in_failed"]
    assert unknown[0].entity_id is None  # the name tried is kept, there is no such account
    actions = [e.action for e in _events(entity_id=user.id)]
    assert actions == [
        *["sign_in_failed"] * 5,
        "lock",
        "sign_in",
        "change_password",
        "sign_out",
        "sign_in",
        "sign_out_everywhere",
    ]
    for entry in _events(entity_id=user.id):
        assert entry.ip_address == "10.20.30.40" and entry.created_at is not None
    sign_in = _events(entity_id=user.id, action="sign_in")[0]
    assert sign_in.user_agent == BROWSER and sign_in.actor_id == user.id


def test_a_user_sees_their_own_recent_sign_ins(app, client):
    user = make_user("editor")
    other = make_user("editor")
    _try(app.test_client(), user.username, "sai-mat-khau-roi", address="10.9.8.7")
    _try(app.test_client(), other.username, PASSWORD, address="10.6.6.6")
    assert _try(client, user.username, PASSWORD, address="10.1.1.1").status_code == 302
    html = client.get("/tai-khoan").get_data(as_text=True)
    assert "Đăng nhập gần đây" in html
    assert "10.9.8.7" in html and "Đăng nhập sai" in html
    assert "10.1.1.1" in html and "Đăng nhập thành công" in html and "Firefox/133.0" in html
    assert "10.6.6.6" not in html  # not someone else's


def test_the_account_page_shows_the_last_ten(client):
    user = make_user("editor")
    for i in range(12):
        _try(client, user.username, PASSWORD, address=f"10.0.0.{i}")
        post(client, "/dang-xuat")
    login(client, user)
    html = client.get("/tai-khoan").get_data(as_text=True)
    assert "10.0.0.11" in html and "10.0.0.3" in html
    assert "10.0.0.1<" not in html and "10.0.0.0<" not in html


def test_the_admin_filters_sign_ins_by_user_and_result(app, client):
    admin = make_user("admin", unit=make_unit())
    an = make_user("editor", username="nguyenvanan")
    binh = make_user("editor", username="tranthibinh")
    _try(app.test_client(), an.username, "sai-mat-khau-roi", address="10.0.0.1")
    _try(app.test_client(), an.username, PASSWORD, address="10.0.0.2")
    _try(app.test_client(), binh.username, PASSWORD, address="10.0.0.3")
    _try(app.test_client(), "khong-co-ai", PASSWORD, address="10.0.0.4")
    login(client, admin)

    everything = client.get("/quan-tri/dang-nhap").get_data(as_text=True)
    assert all(ip in everything for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"))
    by_user = client.get("/quan-tri/dang-nhap?q=NguyenVanAn").get_data(as_text=True)
    assert "10.0.0.1" in by_user and "10.0.0.2" in by_user
    assert "10.0.0.3" not in by_user and "10.0.0.4" not in by_user
    an.username = "nguyenvanan2"  # renamed: the account's earlier entries stay with it
    db.session.flush()
    renamed = client.get("/quan-tri/dang-nhap?q=nguyenvanan2").get_data(as_text=True)
    assert "10.0.0.1" in renamed and "10.0.0.4" not in renamed
    tried = client.get("/quan-tri/dang-nhap?q=khong-co-ai").get_data(as_text=True)
    assert "10.0.0.4" in tried and "10.0.0.1" not in tried
    failures = client.get("/quan-tri/dang-nhap?result=sign_in_failed").get_data(as_text=True)
    assert "10.0.0.1" in failures and "10.0.0.2" not in failures and "10.0.0.3" not in failures
    both = client.get(
        "/quan-tri/dang-nhap?q=tranthibinh&result=sign_in", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "10.0.0.3" in both and "10.0.0.2" not in both and "<html" not in both


def test_the_sign_in_log_is_paginated(client):
    admin = make_user("admin", unit=make_unit())
    for i in range(55):
        db.session.add(
            AuditEntry(
                action="sign_in_failed",
                entity_type="users",
                entity_label=f"ai-do-{i}",
                ip_address="10.0.0.9",
            )
        )
    db.session.flush()
    login(client, admin)
    html = client.get("/quan-tri/dang-nhap?result=sign_in_failed").get_data(as_text=True)
    assert "Trang 1 / 2" in html
