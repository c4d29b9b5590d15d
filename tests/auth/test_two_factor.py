"""The second factor: setting it up, signing in with it, recovery codes, the admin's reset,
and the setting that makes it compulsory for the roles that handle money and accounts."""

import html as htmllib
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, login, post
from tests.factories import PASSWORD, make_user
from webapp.audit.models import AuditEntry
from webapp.auth import totp
from webapp.auth.models import RecoveryCode, User
from webapp.extensions import db

SECRET_RE = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')
CODES_RE = re.compile(r"<li><code>([a-z0-9-]{14})</code></li>")


def _now_code(secret: str, offset: int = 0) -> str:
    return totp.code_for_step(secret, totp.current_step(datetime.now(UTC)) + offset)


def _password_step(client, user, password=PASSWORD, next_url=None):
    url = "/dang-nhap" + (f"?next={next_url}" if next_url else "")
    return client.post(
        url,
        data={"username": user.username, "password": password, "csrf_token": csrf_token(client)},
    )


def _enable(client, user) -> tuple[str, list[str]]:
    """Set the second factor up through the screens, as the user would; (secret, codes)."""
    page = client.get("/tai-khoan/xac-thuc-hai-buoc").get_data(as_text=True)
    assert "<svg" in page  # the QR code, drawn inline
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    response = post(client, "/tai-khoan/xac-thuc-hai-buoc/bat", {"code": _now_code(secret)})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    codes = CODES_RE.findall(response.get_data(as_text=True))
    return secret, codes


# --- pure functions ----------------------------------------------------------------


def test_a_code_matches_its_step_and_its_neighbours_only():
    secret = totp.new_secret()
    now = datetime.now(UTC)
    step = totp.current_step(now)
    assert totp.matching_step(secret, totp.code_for_step(secret, step), now, None) == step
    assert totp.matching_step(secret, totp.code_for_step(secret, step - 1), now, None) == step - 1
    assert totp.matching_step(secret, totp.code_for_step(secret, step + 1), now, None) == step + 1
    assert totp.matching_step(secret, totp.code_for_step(secret, step - 3), now, None) is None
    assert totp.matching_step(secret, "abcdef", now, None) is None
    assert totp.matching_step(secret, "", now, None) is None


def test_a_step_already_used_never_matches_again():
    secret = totp.new_secret()
    now = datetime.now(UTC)
    step = totp.current_step(now)
    assert totp.matching_step(secret, totp.code_for_step(secret, step), now, step) is None


def test_recovery_codes_are_random_and_hashed_without_the_dashes():
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    assert totp.hash_recovery_code(codes[0]) == totp.hash_recovery_code(
        codes[0].upper().replace("-", " ")
    )
    assert codes[0] not in totp.hash_recovery_code(codes[0])


def test_the_qr_code_is_an_inline_svg_drawn_here():
    svg = totp.qr_svg(totp.provisioning_uri(totp.new_secret(), "ketoan", "Tòa soạn"))
    assert svg.startswith("<svg") and "http" not in svg.split(">", 1)[0]
    assert "<script" not in svg


# --- the user's own setup ----------------------------------------------------------


def test_off_by_default_a_password_signs_in(client):
    user = make_user("accountant")
    login(client, user)
    assert client.get("/nhuan-but/").status_code in (200, 302)
    assert client.get("/tai-khoan/mat-khau").status_code == 200


def test_setting_up_needs_the_apps_code_and_shows_ten_recovery_codes_once(client):
    user = make_user("accountant")
    login(client, user)
    page = client.get("/tai-khoan/xac-thuc-hai-buoc").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    wrong = post(client, "/tai-khoan/xac-thuc-hai-buoc/bat", {"code": "000000"})
    assert wrong.status_code == 422
    assert "Mã không đúng" in htmllib.unescape(wrong.get_data(as_text=True))
    db.session.expire_all()
    assert not db.session.get(User, user.id).has_two_factor

    response = post(client, "/tai-khoan/xac-thuc-hai-buoc/bat", {"code": _now_code(secret)})
    codes = CODES_RE.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    db.session.expire_all()
    assert db.session.get(User, user.id).has_two_factor
    stored = db.session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
    ).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    # The codes are not shown again.
    again = client.get("/tai-khoan/xac-thuc-hai-buoc").get_data(as_text=True)
    assert not CODES_RE.findall(again)
    assert "Còn 10 mã dự phòng chưa dùng." in again
    assert db.session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == "two_factor_enable", AuditEntry.entity_id == user.id
        )
    )


def test_sign_in_asks_for_the_code_after_the_password(client, app):
    user = make_user("chief_editor", "editor")
    login(client, user)
    secret, _codes = _enable(client, user)
    post(client, "/dang-xuat")

    response = _password_step(client, user, next_url="/bien-tap")
    assert response.status_code == 302 and response.location.endswith("/dang-nhap/ma-xac-thuc")
    # The password alone does not sign in.
    assert client.get("/bien-tap").status_code == 302
    code_page = client.get("/dang-nhap/ma-xac-thuc")
    assert "Mã xác thực" in code_page.get_data(as_text=True)

    wrong = post(client, "/dang-nhap/ma-xac-thuc", {"code": "123456"})
    assert wrong.status_code == 422
    assert "Mã xác thực không đúng hoặc đã dùng." in wrong.get_data(as_text=True)

    code = _now_code(secret, offset=1)  # a step not used by the setup
    right = post(client, "/dang-nhap/ma-xac-thuc", {"code": code})
    assert right.status_code == 302 and right.location.endswith("/bien-tap")
    assert client.get("/bien-tap").status_code == 200

    # The same code cannot sign in a second time (someone who saw it over a shoulder).
    other = app.test_client()
    _password_step(other, user)
    replay = post(other, "/dang-nhap/ma-xac-thuc", {"code": code})
    assert replay.status_code == 422


def test_a_recovery_code_signs_in_once(client, app):
    user = make_user("accountant")
    login(client, user)
    _secret, codes = _enable(client, user)
    post(client, "/dang-xuat")

    _password_step(client, user)
    response = post(client, "/dang-nhap/ma-xac-thuc", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/tai-khoan/mat-khau").status_code == 200

    other = app.test_client()
    _password_step(other, user)
    assert post(other, "/dang-nhap/ma-xac-thuc", {"code": codes[0]}).status_code == 422
    assert db.session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == "two_factor_recovery_used", AuditEntry.entity_id == user.id
        )
    )


def test_five_wrong_codes_send_back_to_the_password(client):
    user = make_user("accountant")
    login(client, user)
    _enable(client, user)
    post(client, "/dang-xuat")
    _password_step(client, user)
    for _ in range(4):
        assert post(client, "/dang-nhap/ma-xac-thuc", {"code": "000000"}).status_code == 422
    last = post(client, "/dang-nhap/ma-xac-thuc", {"code": "000000"})
    assert last.status_code == 302 and last.location.endswith("/dang-nhap")
    assert client.get("/dang-nhap/ma-xac-thuc").status_code == 302


def test_the_code_page_without_a_password_first_goes_to_sign_in(client):
    response = client.get("/dang-nhap/ma-xac-thuc")
    assert response.status_code == 302 and response.location.endswith("/dang-nhap")


def test_switching_off_needs_the_password_and_a_code(client):
    user = make_user("editor")
    login(client, user)
    secret, _codes = _enable(client, user)
    bad = post(
        client,
        "/tai-khoan/xac-thuc-hai-buoc/tat",
        {"password": "sai-mat-khau", "code": _now_code(secret, 1)},
    )
    assert bad.status_code == 422 and "Mật khẩu không đúng." in bad.get_data(as_text=True)
    ok = post(
        client,
        "/tai-khoan/xac-thuc-hai-buoc/tat",
        {"password": PASSWORD, "code": _now_code(secret, 1)},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, user.id).has_two_factor
    assert not db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()


def test_the_admin_resets_a_lost_phone_and_it_is_audited(client, app):
    admin = make_user("admin", username="quantri2fa")
    user = make_user("accountant")
    user_client = app.test_client()
    login(user_client, user)
    _enable(user_client, user)

    login(client, admin)
    page = client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)
    assert "Xóa xác thực hai bước" in page
    response = post(client, f"/quan-tri/nguoi-dung/{user.id}/xac-thuc-hai-buoc")
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, user.id).has_two_factor
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "two_factor_reset", AuditEntry.entity_id == user.id
        )
    )
    assert entry is not None and entry.actor_id == admin.id
    assert entry.ip_address == "127.0.0.1" and entry.user_agent  # where it was done from
    audit_page = client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    assert "Quản trị xóa xác thực hai bước" in audit_page
    # Back to a password alone.
    fresh = app.test_client()
    assert _password_step(fresh, user).location.endswith("/toa-soan")


def test_only_the_admin_may_reset(client):
    user = make_user("accountant")
    login(client, make_user("chief_editor"))
    assert post(client, f"/quan-tri/nguoi-dung/{user.id}/xac-thuc-hai-buoc").status_code == 403


# --- the setting that makes it compulsory ------------------------------------------


@pytest.fixture
def required(app):
    app.config["TWO_FACTOR_REQUIRED"] = True
    yield
    app.config["TWO_FACTOR_REQUIRED"] = False


@pytest.mark.parametrize("role", ["admin", "accountant", "chief_editor"])
def test_when_required_money_and_admin_roles_set_it_up_first(client, required, role):
    user = make_user(role)
    login(client, user)
    response = client.get("/toa-soan")
    assert response.status_code == 302
    assert response.location.endswith("/tai-khoan/xac-thuc-hai-buoc")
    htmx = client.get("/toa-soan", headers={"HX-Request": "true"})
    assert htmx.headers.get("HX-Redirect", "").endswith("/tai-khoan/xac-thuc-hai-buoc")
    _enable(client, user)
    assert client.get("/toa-soan").status_code == 200


def test_when_required_other_roles_are_not_asked(client, required):
    login(client, make_user("contributor"))
    assert client.get("/toa-soan").status_code == 200


def test_when_required_it_cannot_be_switched_off(client, required):
    user = make_user("accountant")
    login(client, user)
    secret, _codes = _enable(client, user)
    response = post(
        client,
        "/tai-khoan/xac-thuc-hai-buoc/tat",
        {"password": PASSWORD, "code": _now_code(secret, 1)},
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).has_two_factor


def test_guessed_codes_count_against_the_account_and_the_password_does_not_reset_them(client, app):
    """Rounds of password + five guessed codes must not go on for ever: the wrong codes
    count like wrong passwords, and the right password alone resets nothing."""
    user = make_user("accountant")
    login(client, user)
    _enable(client, user)
    post(client, "/dang-xuat")
    guesser = app.test_client()
    locked = None
    for _round in range(3):
        assert _password_step(guesser, user).location.endswith("/dang-nhap/ma-xac-thuc")
        for _ in range(5):
            answer = post(guesser, "/dang-nhap/ma-xac-thuc", {"code": "000000"})
            if answer.status_code == 302 and answer.location.endswith("/dang-nhap"):
                locked = answer
                break
        if locked is not None:
            break
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None  # the account is locked
    page = guesser.get("/dang-nhap", follow_redirects=True).get_data(as_text=True)
    assert "Quá nhiều lần đăng nhập sai" in page
    # Even the right password is refused now, as after five wrong passwords.
    assert _password_step(guesser, user).status_code == 429


def test_the_sign_in_is_logged_once_the_code_is_given(client, app):
    user = make_user("accountant")
    login(client, user)
    secret, _codes = _enable(client, user)
    post(client, "/dang-xuat")

    def sign_ins():
        return db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "sign_in", AuditEntry.entity_id == user.id
            )
        )

    before = sign_ins()
    fresh = app.test_client()
    _password_step(fresh, user)
    assert sign_ins() == before  # the password alone is not a sign-in
    post(fresh, "/dang-nhap/ma-xac-thuc", {"code": _now_code(secret, 1)})
    assert sign_ins() == before + 1
