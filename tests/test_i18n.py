"""Vietnamese by default, English complete and switchable; money and dates as the district
writes them."""

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import TMP, csrf_token, login, post
from tests.factories import make_user
from webapp.extensions import db
from webapp.formatting import day, moment, money

ROOT = Path(__file__).resolve().parents[1]


def test_every_translatable_string_has_an_english_translation():
    pot = TMP / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        source = {m.id for m in read_po(f) if m.id}
    with (ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        english = {m.id: m for m in read_po(f) if m.id}
    missing = sorted(
        (i if isinstance(i, str) else i[0])
        for i in source
        if i not in english or not english[i].string or "fuzzy" in english[i].flags
    )
    assert missing == [], f"{len(missing)} strings lack English: {missing[:20]}"


def test_vietnamese_is_the_default_and_english_is_a_click_away(client):
    assert "Đăng nhập" in client.get("/dang-nhap").get_data(as_text=True)
    response = client.post(
        "/ngon-ngu/en", data={"csrf_token": csrf_token(client), "next": "/dang-nhap"}
    )
    assert response.status_code == 302
    html = client.get("/dang-nhap").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html and "Đăng nhập" not in html


def test_signed_in_user_keeps_their_language(app, client):
    user = make_user("editor")
    login(client, user)
    post(client, "/ngon-ngu/en", {"next": "/toa-soan"})
    db.session.expire_all()
    assert user.locale == "en"
    other = app.test_client()
    login(other, user)
    assert "Hello," in other.get("/toa-soan").get_data(as_text=True)


def test_money_and_dates(app):
    with app.test_request_context():
        assert money(54_896_000) == "54.896.000 đ"
        assert money(0) == "0 đ"
        assert money(-149_000) == "-149.000 đ"
        assert day(date(2021, 7, 29)) == "29/07/2021"
        # stored UTC time 18:30 on 28 July is already 29 July in Asia/Ho_Chi_Minh
        assert day(datetime(2021, 7, 28, 18, 30)) == "29/07/2021"
        assert moment(datetime(2021, 7, 28, 18, 30)) == "29/07/2021 01:30"
