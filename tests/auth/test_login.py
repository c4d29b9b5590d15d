from sqlalchemy import select

from tests.conftest import csrf_token, login, post
from tests.factories import PASSWORD, make_user
from webapp.auth.models import User
from webapp.extensions import db

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


def _try(client, username, password):
    return client.post(
        "/dang-nhap",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def test_right_password_signs_in_and_records_the_time(client):
    user = make_user("editor", username="bientap1")
    response = _try(client, "BienTap1", PASSWORD)  # user names ignore case
    assert response.status_code == 302
    assert response.location.endswith("/toa-soan")
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    make_user("editor", username="bientap2")
    wrong_password = _try(client, "bientap2", "sai-mat-khau")
    unknown_user = _try(client, "khongco", "sai-mat-khau")
    assert wrong_password.status_code == unknown_user.status_code == 422
    assert WRONG in wrong_password.get_data(as_text=True)
    assert WRONG in unknown_user.get_data(as_text=True)
    assert client.get("/toa-soan").status_code == 302  # still signed out


def test_inactive_user_cannot_sign_in(client):
    make_user("editor", username="dakhoa", active=False)
    response = _try(client, "dakhoa", PASSWORD)
    assert response.status_code == 422
    assert WRONG in response.get_data(as_text=True)


def test_user_locked_while_signed_in_is_signed_out(client):
    user = make_user("editor")
    login(client, user)
    assert client.get("/toa-soan").status_code == 200
    user.active = False
    db.session.flush()
    response = client.get("/toa-soan")
    assert response.status_code == 302 and "/dang-nhap" in response.location


def test_empty_form_shows_field_errors_in_vietnamese(client):
    response = _try(client, "", "")
    assert response.status_code == 422
    assert "Vui lòng nhập trường này." in response.get_data(as_text=True)


def test_logout_is_a_post_and_ends_the_session(client):
    user = make_user("editor")
    login(client, user)
    assert client.get("/dang-xuat").status_code == 405
    response = post(client, "/dang-xuat")
    assert response.status_code == 302
    assert client.get("/toa-soan").status_code == 302


def test_next_parameter_is_followed_only_within_the_site(client):
    user = make_user("editor")
    token = csrf_token(client)
    data = {"username": user.username, "password": PASSWORD, "csrf_token": token}
    response = client.post("/dang-nhap?next=https://evil.example/", data=data)
    assert response.location.endswith("/toa-soan")
    client2 = client.application.test_client()
    data["csrf_token"] = csrf_token(client2)
    response = client2.post("/dang-nhap?next=/tai-khoan/mat-khau", data=data)
    assert response.location.endswith("/tai-khoan/mat-khau")


def test_anonymous_visit_goes_to_login_and_back(client):
    response = client.get("/tai-khoan/mat-khau")
    assert response.status_code == 302
    assert "/dang-nhap?next=/tai-khoan/mat-khau" in response.location


def test_change_password(client):
    user = make_user("contributor")
    login(client, user)
    # wrong current password
    response = post(
        client,
        "/tai-khoan/mat-khau",
        {
            "current_password": "sai",
            "new_password": "cay-bang-truoc-ngo",
            "confirm": "cay-bang-truoc-ngo",
        },
        htmx=True,
    )
    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)  # a fragment, re-rendered in place
    # too short, and not matching
    response = post(
        client,
        "/tai-khoan/mat-khau",
        {"current_password": PASSWORD, "new_password": "ngan", "confirm": "khac"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Mật khẩu cần ít nhất 10 ký tự." in html and "Hai mật khẩu không khớp." in html
    # right
    response = post(
        client,
        "/tai-khoan/mat-khau",
        {
            "current_password": PASSWORD,
            "new_password": "cay-bang-truoc-ngo",
            "confirm": "cay-bang-truoc-ngo",
        },
    )
    assert response.status_code == 302
    post(client, "/dang-xuat")
    assert _try(client, user.username, PASSWORD).status_code == 422
    assert _try(client, user.username, "cay-bang-truoc-ngo").status_code == 302


def test_passwords_are_stored_with_a_current_hash():
    user = make_user("editor")
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("scrypt:") and PASSWORD not in stored
