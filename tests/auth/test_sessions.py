"""Sessions are revocable: a copied session or remember cookie stops working after sign-out,
a password change, a role removed, the account locked, or "sign out of every device"."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.conftest import Client, Config, csrf_token, login, post
from tests.factories import PASSWORD, make_unit, make_user
from webapp import create_app
from webapp.roles import Role

NEW_PASSWORD = "cay-bang-truoc-ngo"


def _sign_in(client, user, remember=False, **kwargs):
    data = {"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    response = client.post("/dang-nhap", data=data, **kwargs)
    assert response.status_code == 302
    return response


def _copy(app, client, name):
    """Another browser holding only a copy of one of the victim's cookies."""
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def _opens_review_queue(client) -> bool:
    response = client.get("/bien-tap")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/dang-nhap" in response.location
    return False


def _admin_client(app):
    c = app.test_client()
    login(c, make_user("admin", unit=make_unit()))
    return c


def _sign_out(app, victim, user):
    post(victim, "/dang-xuat")


def _change_password(app, victim, user):
    response = post(
        victim,
        "/tai-khoan/mat-khau",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _opens_review_queue(victim)  # the device that changed it stays signed in


def _remove_role(app, victim, user):
    admin = _admin_client(app)
    response = post(
        admin,
        f"/quan-tri/nguoi-dung/{user.id}",
        {
            "full_name": user.full_name,
            "username": user.username,
            "email": user.email,
            "unit_id": str(user.unit_id),
            "roles": [Role.CONTRIBUTOR.value],  # the editor role removed
        },
    )
    assert response.status_code == 302


def _deactivate(app, victim, user):
    admin = _admin_client(app)
    assert post(admin, f"/quan-tri/nguoi-dung/{user.id}/trang-thai").status_code == 302


def _reset_password(app, victim, user):
    admin = _admin_client(app)
    assert post(admin, f"/quan-tri/nguoi-dung/{user.id}/dat-lai-mat-khau").status_code == 200


def _sign_out_everywhere(app, victim, user):
    response = post(victim, "/tai-khoan/dang-xuat-moi-thiet-bi")
    assert response.status_code == 302 and "/dang-nhap" in response.location


@pytest.mark.parametrize(
    "event",
    [
        _sign_out,
        _change_password,
        _remove_role,
        _deactivate,
        _reset_password,
        _sign_out_everywhere,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_copied_cookies_stop_working(app, event):
    user = make_user("editor", "contributor", unit=make_unit())
    victim = app.test_client()
    _sign_in(victim, user, remember=True)
    session_copy = _copy(app, victim, "session")
    remember_copy = _copy(app, victim, "remember_token")
    assert _opens_review_queue(session_copy) and _opens_review_queue(remember_copy)
    event(app, victim, user)
    assert not _opens_review_queue(session_copy)
    assert not _opens_review_queue(remember_copy)


def test_sign_out_everywhere_is_on_the_account_page(client):
    user = make_user("editor")
    login(client, user)
    html = client.get("/tai-khoan").get_data(as_text=True)
    assert "Đăng xuất khỏi mọi thiết bị" in html
    assert 'action="/tai-khoan/dang-xuat-moi-thiet-bi"' in html


def test_a_session_from_before_tokens_is_refused(client):
    user = make_user("editor")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # how sessions looked before: the bare id
        session["_fresh"] = True
    assert not _opens_review_queue(client)


def test_remember_cookie_lasts_thirty_days_with_its_flags(client):
    user = make_user("editor")
    response = _sign_in(client, user, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    session = next(c for c in cookies if c.startswith("session="))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))
    lasts = expires - datetime.now(UTC)
    assert timedelta(days=30) - timedelta(minutes=1) < lasts <= timedelta(days=30)
    for cookie in (remember, session):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain http on one machine: a Secure cookie would be lost


def test_over_https_the_cookies_are_secure_with_the_host_prefix(app):
    config = type(
        "OverHttps",
        (Config,),
        {"SECURE_COOKIES": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]},
    )
    https_app = create_app(config)
    https_app.test_client_class = Client
    user = make_user("editor")
    c = https_app.test_client()
    base = "https://localhost"
    html = c.get("/dang-nhap", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = c.post(
        "/dang-nhap",
        base_url=base,
        headers={"Referer": f"{base}/dang-nhap"},  # Flask-WTF checks it over HTTPS
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": token,
            "remember": "y",
        },
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = next(x for x in cookies if x.startswith("__Host-session="))
    remember = next(x for x in cookies if x.startswith("__Host-remember="))
    for cookie in (session, remember):
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Path=/" in cookie and "Domain" not in cookie
    assert c.get("/bien-tap", base_url=base).status_code == 200


def test_the_session_changes_at_sign_in(client):
    user = make_user("editor")
    post(client, "/ngon-ngu/en", {"next": "/dang-nhap"})
    token_before = csrf_token(client)
    cookie_before = client.get_cookie("session").value
    _sign_in(client, user)
    assert client.get_cookie("session").value != cookie_before
    # what was in the session before is gone (a planted session is worth nothing)...
    response = client.post("/dang-xuat", data={"csrf_token": token_before})
    assert _opens_review_queue(client), "a token from before sign-in must not sign out"
    # ...except the language chosen before signing in
    assert "Sign out" in client.get("/toa-soan").get_data(as_text=True)
    assert response.status_code == 400  # refused: "the form is old, reload the page"
