import re

from sqlalchemy import select

from tests.conftest import csrf_token, login, post
from tests.factories import PASSWORD, make_unit, make_user
from webapp.audit.models import AuditEntry
from webapp.auth.models import User
from webapp.extensions import db
from webapp.roles import Role


def _admin(client):
    admin = make_user("admin", unit=make_unit())
    login(client, admin)
    return admin


def _sign_in(app, username, password):
    c = app.test_client()
    return c.post(
        "/dang-nhap",
        data={"username": username, "password": password, "csrf_token": csrf_token(c)},
    )


def test_admin_creates_a_user_and_sees_the_password_once(app, client):
    _admin(client)
    unit = make_unit(name="Phòng Tư pháp")
    response = post(
        client,
        "/quan-tri/nguoi-dung/moi",
        {
            "full_name": "Nguyễn Văn Pháp",
            "username": "NguyenVanPhap",
            "email": "phap@example.org",
            "unit_id": str(unit.id),
            "roles": ["contributor"],
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    password = re.search(r'<code class="password">([^<]+)</code>', html).group(1)
    user = db.session.scalar(select(User).where(User.username == "nguyenvanphap"))
    assert user.unit_id == unit.id and user.role_set == {Role.CONTRIBUTOR}
    assert password not in user.password_hash
    assert _sign_in(app, "nguyenvanphap", password).status_code == 302
    # shown once: the edit page does not show it
    assert password not in client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)


def test_bad_user_forms_explain_themselves(client):
    _admin(client)
    make_user("editor", username="bientap")
    cases = [
        ({"username": "BienTap", "full_name": "X", "roles": ["editor"]}, "đã có người dùng"),
        ({"username": "ab", "full_name": "X", "roles": ["editor"]}, "Tên đăng nhập từ 3 đến 60"),
        ({"username": "co dau", "full_name": "X", "roles": ["editor"]}, "chữ không dấu"),
        (
            {"username": "hople", "full_name": "X", "roles": ["contributor"]},
            "phải thuộc một đơn vị",
        ),
        ({"username": "hople", "full_name": "X"}, "Chọn ít nhất một vai trò."),
        ({"username": "hople", "full_name": "", "roles": ["editor"]}, "Vui lòng nhập trường này."),
    ]
    for data, message in cases:
        response = post(client, "/quan-tri/nguoi-dung/moi", data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), (data, message)
    assert db.session.scalar(select(User).where(User.username == "hople")) is None


def test_edit_roles_and_unit_inline_is_audited(client):
    admin = _admin(client)
    unit = make_unit()
    user = make_user("contributor", unit=unit)
    response = post(
        client,
        f"/quan-tri/nguoi-dung/{user.id}",
        {
            "full_name": user.full_name,
            "username": user.username,
            "email": user.email,
            "unit_id": str(unit.id),
            "roles": ["contributor", "editor"],
        },
        htmx=True,
    )
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).role_set == {Role.CONTRIBUTOR, Role.EDITOR}
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_id == user.id, AuditEntry.action == "update")
    )
    assert entry.actor_id == admin.id
    assert entry.changes == {"roles": [["contributor"], ["contributor", "editor"]]}


def test_reset_password_replaces_the_old_one(app, client):
    _admin(client)
    user = make_user("editor")
    response = post(client, f"/quan-tri/nguoi-dung/{user.id}/dat-lai-mat-khau", htmx=True)
    html = response.get_data(as_text=True)
    assert "<html" not in html
    password = re.search(r'<code class="password">([^<]+)</code>', html).group(1)
    assert _sign_in(app, user.username, PASSWORD).status_code == 422
    assert _sign_in(app, user.username, password).status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reset_password"))
    assert password not in str(entry.changes)


def test_deactivated_user_cannot_sign_in_and_is_never_deleted(app, client):
    _admin(client)
    user = make_user("contributor")
    page = client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)
    assert "Khóa tài khoản của" in page  # asks before locking
    post(client, f"/quan-tri/nguoi-dung/{user.id}/trang-thai")
    assert _sign_in(app, user.username, PASSWORD).status_code == 422
    assert db.session.get(User, user.id) is not None
    delete_routes = [r for r in app.url_map.iter_rules() if "DELETE" in r.methods]
    assert delete_routes == []


def test_admin_cannot_lock_out_themselves(client):
    admin = _admin(client)
    post(client, f"/quan-tri/nguoi-dung/{admin.id}/trang-thai")
    db.session.expire_all()
    assert db.session.get(User, admin.id).active is True
    page = client.get(f"/quan-tri/nguoi-dung/{admin.id}").get_data(as_text=True)
    assert "Bạn không thể tự khóa tài khoản của mình." in page
    response = post(
        client,
        f"/quan-tri/nguoi-dung/{admin.id}",
        {"full_name": admin.full_name, "username": admin.username, "roles": ["editor"]},
    )
    assert response.status_code == 422
    assert "Bạn không thể tự bỏ quyền quản trị của mình." in response.get_data(as_text=True)


def test_user_list_filters_and_paginates(client):
    _admin(client)
    unit = make_unit(name="Công an huyện")
    for i in range(30):
        make_user("contributor", unit=unit, full_name=f"Cán bộ {i:02d}")
    make_user("accountant", full_name="Kế Toán Viên")
    page1 = client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert "Trang 1 / 2" in page1
    found = client.get("/quan-tri/nguoi-dung?q=toán", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "Kế Toán Viên" in found and "Cán bộ 01" not in found and "<html" not in found
    by_role = client.get("/quan-tri/nguoi-dung?role=accountant").get_data(as_text=True)
    assert "Kế Toán Viên" in by_role and "Cán bộ 01" not in by_role
    by_unit = client.get(f"/quan-tri/nguoi-dung?unit={unit.id}").get_data(as_text=True)
    assert "Cán bộ 01" in by_unit and "Kế Toán Viên" not in by_unit
