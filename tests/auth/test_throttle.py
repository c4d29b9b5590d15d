"""Guessing passwords is not free: per account (held in the database, shared by every worker
and machine) and per client address (Flask-Limiter), failures only."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import Client, Config, csrf_token, login, post
from tests.factories import PASSWORD, make_unit, make_user
from webapp import create_app
from webapp.audit.models import AuditEntry
from webapp.auth.models import User
from webapp.extensions import db
from webapp.timeutil import utcnow

LOCKED = "Quá nhiều lần đăng nhập sai; thử lại sau"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"
ADDRESS_LIMITED = "Quá nhiều lần đăng nhập sai từ địa chỉ này; thử lại sau"


def _try(client, username, password, address="127.0.0.1"):
    base = {"REMOTE_ADDR": address}
    token = csrf_token_from(client, base)
    return client.post(
        "/dang-nhap",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=base,
    )


def csrf_token_from(client, environ_base):
    html = client.get("/dang-nhap", environ_base=environ_base).get_data(as_text=True)
    return html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def _second_app(app, **settings):
    """Another instance of the application on the same database: another worker or machine."""
    config = type(
        "Another",
        (Config,),
        {**settings, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]},
    )
    other = create_app(config)
    other.test_client_class = Client
    return other


def _signed_in(client) -> bool:
    return client.get("/toa-soan").status_code == 200


def test_five_failures_lock_the_account_even_against_the_right_password(client):
    user = make_user("editor")
    for _ in range(4):
        response = _try(client, user.username, "sai-mat-khau-roi")
        assert response.status_code == 422
        assert WRONG in response.get_data(as_text=True)
    fifth = _try(client, user.username, "sai-mat-khau-roi")
    assert fifth.status_code == 429
    assert f"{LOCKED} 15 phút" in fifth.get_data(as_text=True)
    assert "<html" in fifth.get_data(as_text=True)  # in the site's layout
    right = _try(client, user.username, PASSWORD)
    html = right.get_data(as_text=True)
    assert right.status_code == 429
    assert LOCKED in html and "phút" in html
    assert int(right.headers["Retry-After"]) > 0
    assert not _signed_in(client)


def test_forty_guesses_then_the_right_one_is_refused(client):
    user = make_user("editor")
    answers = [_try(client, user.username, f"doan-mat-khau-{i}").status_code for i in range(40)]
    assert answers[:4] == [422] * 4 and set(answers[4:]) == {429}
    assert _try(client, user.username, PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_a_success_resets_the_counter(client):
    user = make_user("editor")
    for _ in range(4):
        _try(client, user.username, "sai-mat-khau-roi")
    assert _try(client, user.username, PASSWORD).status_code == 302
    post(client, "/dang-xuat")
    for _ in range(4):
        assert _try(client, user.username, "sai-mat-khau-roi").status_code == 422
    assert _try(client, user.username, PASSWORD).status_code == 302


def test_the_lock_ends_after_its_time_and_old_failures_are_forgotten(client):
    user = make_user("editor")
    for _ in range(5):
        _try(client, user.username, "sai-mat-khau-roi")
    assert _try(client, user.username, PASSWORD).status_code == 429
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert _try(client, user.username, PASSWORD).status_code == 302
    post(client, "/dang-xuat")
    for _ in range(4):
        _try(client, user.username, "sai-mat-khau-roi")
    user.first_failed_login_at = utcnow() - timedelta(minutes=16)  # outside the 15 minutes
    db.session.flush()
    assert _try(client, user.username, "sai-mat-khau-roi").status_code == 422  # 1st of a new run
    assert _try(client, user.username, PASSWORD).status_code == 302


def test_the_admin_unlocks_an_account(app, client):
    user = make_user("editor")
    for _ in range(5):
        _try(client, user.username, "sai-mat-khau-roi")
    admin_client = app.test_client()
    login(admin_client, make_user("admin", unit=make_unit()))
    page = admin_client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)
    assert "Tài khoản đang tạm khóa vì đăng nhập sai nhiều lần" in page
    response = post(admin_client, f"/quan-tri/nguoi-dung/{user.id}/mo-khoa-dang-nhap")
    assert response.status_code == 302
    assert _try(client, user.username, PASSWORD).status_code == 302
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == user.id)
    ).all()
    assert "lock" in actions and "unlock" in actions


def test_thirty_colleagues_behind_one_address_are_never_throttled(app, monkeypatch):
    """A district office: everyone behind one public address, signing in at 8 o'clock."""
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "3 per 15 minutes")
    office = make_unit()
    staff = [make_user("contributor", unit=office) for _ in range(30)]
    for person in staff:
        for _ in range(2):  # morning and after lunch
            c = app.test_client()
            response = _try(c, person.username, PASSWORD, address="203.0.113.10")
            assert response.status_code == 302, person.username
            assert _signed_in(c)


def test_failed_attempts_are_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "3 per 15 minutes")
    user = make_user("editor")
    for name in ("an", "binh", "cuong"):  # a different account each time: no account lock
        assert _try(client, name, "sai-mat-khau-roi", address="198.51.100.9").status_code == 422
    response = _try(client, "dung", "sai-mat-khau-roi", address="198.51.100.9")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert ADDRESS_LIMITED in html and "phút" in html and "<html" in html
    # from that address even the right password waits; from another it goes through
    assert _try(client, user.username, PASSWORD, address="198.51.100.9").status_code == 429
    other = app.test_client()
    assert _try(other, user.username, PASSWORD, address="198.51.100.77").status_code == 302


def test_the_address_comes_from_the_proxy_only_when_one_is_configured(app):
    user = make_user("editor")

    proxied = _second_app(app, PROXY_FIX_X_FOR=1)
    for application, expected in ((app, "127.0.0.1"), (proxied, "203.0.113.50")):
        c = application.test_client()
        token = csrf_token(c)
        c.post(
            "/dang-nhap",
            data={"username": user.username, "password": PASSWORD, "csrf_token": token},
            headers={"X-Forwarded-For": "203.0.113.50"},
        )
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_id == user.id, AuditEntry.action == "sign_in")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry.ip_address == expected  # without a proxy, the header is not believed


@pytest.mark.real_commits
def test_the_lock_holds_across_two_app_instances_on_one_database(app):
    """Two gunicorn workers or two machines: the account's counter is in the database."""
    other = _second_app(app)
    with app.app_context():
        user = make_user("editor")
        db.session.commit()
        username = user.username
    first, second = app.test_client(), other.test_client()
    for c in (first, second, first, second):
        assert _try(c, username, "sai-mat-khau-roi").status_code == 422
    assert _try(second, username, "sai-mat-khau-roi").status_code == 429
    assert _try(first, username, PASSWORD).status_code == 429
    assert _try(app.test_client(), username, PASSWORD).status_code == 429
    with other.app_context():
        locked = db.session.scalar(select(User.locked_until).where(User.username == username))
        db.session.remove()
    assert locked is not None and locked > utcnow()


def test_guessing_the_current_password_on_the_change_form_counts_too(client):
    """Someone at a computer left signed in must not get unlimited guesses either."""
    user = make_user("editor")
    login(client, user)
    form = {"new_password": "cay-bang-truoc-ngo", "confirm": "cay-bang-truoc-ngo"}
    for _ in range(4):
        response = post(client, "/tai-khoan/mat-khau", {**form, "current_password": "doan-bua"})
        assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    response = post(client, "/tai-khoan/mat-khau", {**form, "current_password": "doan-bua"})
    assert f"{LOCKED} 15 phút" in response.get_data(as_text=True)
    response = post(client, "/tai-khoan/mat-khau", {**form, "current_password": PASSWORD})
    assert response.status_code == 422 and LOCKED in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)  # unchanged
    post(client, "/dang-xuat")
    assert _try(client, user.username, PASSWORD).status_code == 429
