"""Demo mode: the sign-in page lists the demo accounts and a banner says it is a demo."""

import pytest

from tests.conftest import login
from webapp.auth.services import find_user
from webapp.cli import seed_demo
from webapp.extensions import db

BANNER = "Bản dùng thử: dữ liệu trong trang là dữ liệu mẫu"


@pytest.fixture
def demo_mode(app):
    app.config["DEMO_MODE"] = True
    yield
    app.config["DEMO_MODE"] = False


def test_the_sign_in_page_lists_the_demo_accounts_with_a_button_each(client, demo_mode):
    seed_demo()
    html = client.get("/dang-nhap").get_data(as_text=True)
    assert "Tài khoản dùng thử" in html and BANNER in html
    for username in ("admin", "truongban", "bientap", "ketoan", "ttvh", "huyendoan"):
        assert f'data-username="{username}"' in html
    assert "Trưởng ban biên tập" in html and "Kế toán" in html  # the roles, by name
    assert 'data-password="toasoan-demo"' in html
    assert "Điền vào ô đăng nhập" in html


def test_a_demo_account_signs_in_with_the_listed_password(client, demo_mode):
    seed_demo()
    login(client, find_user("ketoan"), password="toasoan-demo")
    assert BANNER in client.get("/toa-soan").get_data(as_text=True)


def test_outside_demo_mode_nothing_is_listed(client):
    seed_demo()
    html = client.get("/dang-nhap").get_data(as_text=True)
    assert "Tài khoản dùng thử" not in html and "toasoan-demo" not in html
    assert BANNER not in html


def test_an_account_the_admin_locked_is_not_listed(client, demo_mode):
    seed_demo()
    find_user("taichinh").active = False
    db.session.flush()
    html = client.get("/dang-nhap").get_data(as_text=True)
    assert 'data-username="taichinh"' not in html and 'data-username="ttvh"' in html
