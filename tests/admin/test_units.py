from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_unit, make_user
from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.units.models import Unit, UnitGroup


def _admin(client):
    admin = make_user("admin", unit=make_unit())
    login(client, admin)
    return admin


def test_admin_creates_a_unit_in_place(client):
    _admin(client)
    response = post(
        client,
        "/quan-tri/don-vi",
        {
            "name": "Phòng Y tế",
            "short_name": "YT",
            "group": "member",
            "monthly_quota": "3",
            "contact_emails": "yte@example.org, TruongPhong.YT@example.org",
        },
        htmx=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="units-panel"' in html
    assert "Phòng Y tế" in html and "Đã thêm đơn vị" in html  # flash rides out of band
    unit = db.session.scalar(select(Unit).where(Unit.name == "Phòng Y tế"))
    assert unit.email_list == ["yte@example.org", "truongphong.yt@example.org"]
    assert unit.monthly_quota == 3 and unit.group is UnitGroup.MEMBER


def test_duplicate_name_and_bad_email_come_back_as_422_in_vietnamese(client):
    _admin(client)
    make_unit(name="Công an huyện")
    response = post(
        client,
        "/quan-tri/don-vi",
        {"name": "  công an   HUYỆN ", "group": "member", "monthly_quota": "2"},
        htmx=True,
    )
    assert response.status_code == 422
    assert "Đã có đơn vị tên" in response.get_data(as_text=True)
    response = post(
        client,
        "/quan-tri/don-vi",
        {"name": "Phòng mới", "group": "member", "contact_emails": "khong-phai-email"},
        htmx=True,
    )
    assert response.status_code == 422
    assert "Địa chỉ e-mail không hợp lệ: khong-phai-email" in response.get_data(as_text=True)
    response = post(
        client, "/quan-tri/don-vi", {"name": "Phòng âm", "group": "member", "monthly_quota": "-1"}
    )
    assert response.status_code == 422
    assert "Số phải nằm trong khoảng 0 đến 1000." in response.get_data(as_text=True)


def test_inline_edit_returns_the_row_and_is_audited(client):
    admin = _admin(client)
    unit = make_unit(name="Phòng Dân tộc", monthly_quota=2)
    edit = client.get(f"/quan-tri/don-vi/{unit.id}/sua", headers={"HX-Request": "true"})
    assert edit.status_code == 200 and "<tr" in edit.get_data(as_text=True)
    assert "<html" not in edit.get_data(as_text=True)
    assert "<html" in client.get(f"/quan-tri/don-vi/{unit.id}/sua").get_data(as_text=True)
    response = post(
        client,
        f"/quan-tri/don-vi/{unit.id}/sua",
        {"name": "Phòng Dân tộc", "group": "member", "monthly_quota": "4", "short_name": "DT"},
        htmx=True,
    )
    assert response.status_code == 200
    assert f'id="unit-{unit.id}"' in response.get_data(as_text=True)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_type == "units", AuditEntry.action == "update")
    )
    assert entry.actor_id == admin.id
    assert entry.changes["monthly_quota"] == [2, 4]
    audit_page = client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    assert "Phòng Dân tộc" in audit_page and "Định mức" in audit_page


def test_reorder_swaps_with_the_neighbour_in_the_same_group(client):
    _admin(client)
    a = make_unit(name="A", display_order=1)
    b = make_unit(name="B", display_order=2)
    c = make_unit(name="C", group=UnitGroup.COLLABORATOR, display_order=1)
    response = post(client, f"/quan-tri/don-vi/{b.id}/di-chuyen/len", htmx=True)
    assert response.status_code == 200
    db.session.expire_all()
    assert (a.display_order, b.display_order, c.display_order) == (2, 1, 1)
    # the first of a group cannot go higher; nothing changes
    post(client, f"/quan-tri/don-vi/{b.id}/di-chuyen/len", htmx=True)
    db.session.expire_all()
    assert (a.display_order, b.display_order) == (2, 1)


def test_units_list_in_appendix_order(client):
    _admin(client)
    make_unit(name="Nhóm hai", group=UnitGroup.COLLABORATOR, display_order=1)
    make_unit(name="Nhóm một", group=UnitGroup.MEMBER, display_order=99)
    html = client.get("/quan-tri/don-vi").get_data(as_text=True)
    assert html.index("I/ Các đơn vị thuộc Ban biên tập") < html.index("Nhóm một")
    assert html.index("Nhóm một") < html.index("II/ Các đơn vị cộng tác") < html.index("Nhóm hai")


def test_deactivate_asks_first_and_is_reversible(client):
    _admin(client)
    unit = make_unit(name="Thanh tra huyện")
    page = client.get("/quan-tri/don-vi").get_data(as_text=True)
    assert "Ngừng hoạt động đơn vị “Thanh tra huyện”?" in page  # the confirmation text
    response = post(client, f"/quan-tri/don-vi/{unit.id}/trang-thai", htmx=True)
    assert "ngừng hoạt động" in response.get_data(as_text=True)
    db.session.expire_all()
    assert unit.active is False
    post(client, f"/quan-tri/don-vi/{unit.id}/trang-thai", htmx=True)
    db.session.expire_all()
    assert unit.active is True
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == unit.id).order_by(AuditEntry.id)
    ).all()
    assert actions == ["deactivate", "activate"]


def test_duplicate_names_are_found_whatever_the_case_of_vietnamese_letters(client):
    _admin(client)
    make_unit(name="Phòng Y tế")
    response = post(
        client, "/quan-tri/don-vi", {"name": "PHÒNG Y TẾ", "group": "member"}, htmx=True
    )
    assert response.status_code == 422
    assert "Đã có đơn vị tên" in response.get_data(as_text=True)
