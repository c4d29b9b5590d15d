from tests.conftest import login
from tests.factories import make_user


def test_login_page_renders_in_vietnamese(client):
    response = client.get("/dang-nhap")
    assert response.status_code == 200
    assert "Đăng nhập" in response.get_data(as_text=True)


def test_contributor_signs_in_and_sees_home(client):
    user = make_user("contributor", full_name="Rơ Châm Hồng")
    login(client, user)
    html = client.get("/toa-soan").get_data(as_text=True)
    assert "Xin chào, Rơ Châm Hồng" in html
