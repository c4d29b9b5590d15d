"""The password policy: at least 10 characters, no composition rules, not a common password,
not the username or the unit's name; the old password asked for; scrypt kept."""

import pytest

from tests.conftest import login, post
from tests.factories import PASSWORD, make_unit, make_user
from webapp.auth import passwords
from webapp.auth.models import User
from webapp.extensions import db


@pytest.mark.parametrize(
    "password, username, names, expected",
    [
        ("ngan-qua", "", (), "short"),
        ("123456789", "", (), "short"),
        ("1234567890", "", (), "common"),  # from the vendored list of 20,000
        ("password123", "", (), "common"),
        ("qwertyuiop", "", (), "common"),
        ("MatKhau@2024", "", (), "common"),  # Vietnamese, any case, digits at the end
        ("Mật khẩu 2024", "", (), "common"),  # with diacritics and spaces
        ("anhyeuem123", "", (), "common"),
        ("2024202520", "", (), "common"),  # digits only
        ("nguyenvana2024", "NguyenVanA", (), "username"),
        ("Nguyen.Van.A!", "nguyenvana", (), "username"),
        ("Công an huyện 1", "", ("Công an huyện", "CAH"), "unit"),
        ("phongtuphap99", "", ("Phòng Tư pháp", "PTP"), "unit"),
        ("cay-bang-truoc-ngo", "nguyenvana", ("Phòng Tư pháp",), None),
        ("toasoan-demo", "admin", ("Phòng Văn hóa và Thông tin",), None),  # the demo's
        ("giomuadongbac", "", (), None),  # no composition rules: long and uncommon is enough
        ("x" * 129, "", (), "long"),
    ],
)
def test_the_policy(password, username, names, expected):
    assert passwords.problem(password, username=username, names=names) == expected


def test_the_common_list_is_the_vendored_one():
    common = passwords.common_passwords()
    assert len(common) > 19_000 and "123456789" in common and "iloveyou" in common


def _change(client, current, new, confirm=None):
    return post(
        client,
        "/tai-khoan/mat-khau",
        {"current_password": current, "new_password": new, "confirm": confirm or new},
    )


@pytest.mark.parametrize(
    "new, message",
    [
        ("ngan-qua", "Mật khẩu cần ít nhất 10 ký tự."),
        ("123456789", "Mật khẩu cần ít nhất 10 ký tự."),
        ("matkhau2024", "Mật khẩu này quá phổ biến"),
        ("1234567890", "Mật khẩu này quá phổ biến"),
        ("nguyenvantuphap", "Mật khẩu không được trùng với tên đăng nhập."),
        ("Phòng Tư pháp 1", "Mật khẩu không được là tên đơn vị."),
        (PASSWORD + "x", None),  # fine: accepted
    ],
)
def test_a_new_password_is_checked_when_set(client, new, message):
    user = make_user(
        "contributor", username="nguyenvantuphap", unit=make_unit(name="Phòng Tư pháp")
    )
    login(client, user)
    response = _change(client, PASSWORD, new)
    db.session.expire_all()
    if message is None:
        assert response.status_code == 302
        assert db.session.get(User, user.id).check_password(new)
    else:
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_old_password_is_asked_for(client):
    user = make_user("contributor")
    login(client, user)
    missing = post(
        client,
        "/tai-khoan/mat-khau",
        {"new_password": "cay-bang-truoc-ngo", "confirm": "cay-bang-truoc-ngo"},
    )
    assert missing.status_code == 422
    wrong = _change(client, "khong-phai-mat-khau", "cay-bang-truoc-ngo")
    assert wrong.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_same_password_again_is_refused(client):
    user = make_user("contributor", password="cay-bang-truoc-ngo")
    login(client, user, password="cay-bang-truoc-ngo")
    response = _change(client, "cay-bang-truoc-ngo", "cay-bang-truoc-ngo")
    assert response.status_code == 422
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in response.get_data(as_text=True)


def test_a_new_password_is_stored_with_scrypt(client):
    user = make_user("contributor")
    login(client, user)
    assert _change(client, PASSWORD, "cay-bang-truoc-ngo").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:")
