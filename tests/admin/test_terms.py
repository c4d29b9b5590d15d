from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_category, make_unit, make_user
from webapp.extensions import db
from webapp.taxonomy.models import Category, Genre, Topic


def _admin(client):
    login(client, make_user("admin", unit=make_unit()))


def test_category_topic_and_genre_are_created_in_place(client):
    _admin(client)
    r = post(client, "/quan-tri/danh-muc/chuyen-muc", {"name": "Bầu cử đại biểu"}, htmx=True)
    assert r.status_code == 200 and "<html" not in r.get_data(as_text=True)
    assert db.session.scalar(select(Category.slug).where(Category.name == "Bầu cử đại biểu")) == (
        "bau-cu-dai-bieu"
    )
    post(client, "/quan-tri/danh-muc/linh-vuc", {"name": "Tôn giáo - tín ngưỡng"}, htmx=True)
    assert db.session.scalar(select(Topic).where(Topic.name == "Tôn giáo - tín ngưỡng"))
    post(client, "/quan-tri/danh-muc/the-loai", {"name": "Phóng sự", "code": "phong_su"})
    assert db.session.scalar(select(Genre.name).where(Genre.code == "phong_su")) == "Phóng sự"


def test_duplicates_and_bad_codes_are_refused(client):
    _admin(client)
    make_category(name="Thông báo")
    r = post(client, "/quan-tri/danh-muc/chuyen-muc", {"name": "thông BÁO"}, htmx=True)
    assert r.status_code == 422 and "đã có trong danh sách" in r.get_data(as_text=True)
    r = post(client, "/quan-tri/danh-muc/the-loai", {"name": "Video", "code": "Vi deo"})
    assert r.status_code == 422 and "Mã chỉ gồm chữ thường" in r.get_data(as_text=True)
    assert client.get("/quan-tri/danh-muc/khong-co").status_code == 404


def test_rename_and_deactivate(client):
    _admin(client)
    category = make_category(name="Tin tuc")
    r = post(
        client,
        f"/quan-tri/danh-muc/chuyen-muc/{category.id}/sua",
        {"name": "Tin tức - Sự kiện"},
        htmx=True,
    )
    assert r.status_code == 200 and f'id="term-{category.id}"' in r.get_data(as_text=True)
    post(client, f"/quan-tri/danh-muc/chuyen-muc/{category.id}/trang-thai", htmx=True)
    db.session.expire_all()
    assert category.name == "Tin tức - Sự kiện" and category.active is False


def test_signoff_step_is_switched_per_genre(client):
    _admin(client)
    from tests.factories import make_genre

    genre = make_genre(code="van_ban", name="Văn bản")
    r = post(client, f"/quan-tri/danh-muc/the-loai/{genre.id}/ky-duyet", htmx=True)
    assert r.status_code == 200 and "Cần Trưởng ban ký duyệt" in r.get_data(as_text=True)
    db.session.expire_all()
    assert genre.requires_signoff is True
    audit = client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    assert "Cần Trưởng ban ký duyệt" in audit
