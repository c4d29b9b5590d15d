"""Text is normalised at the boundary: NFC, no zero-width or control characters in titles,
names and codes, and a title of invisible characters only is refused."""

import unicodedata

from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_unit, make_user
from tests.pieces.helpers import genres
from tests.reports.helpers import import_rows, to_csv
from webapp.auth.models import User
from webapp.cli import seed_demo
from webapp.extensions import db
from webapp.pieces.models import Piece
from webapp.reports.importer import import_pieces
from webapp.sanitize import clean_html
from webapp.taxonomy.models import Category
from webapp.text import clean_line, clean_multiline


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


TITLE = "Đak Đoa ra quân bảo đảm trật tự giao thông"


def test_the_helpers():
    assert nfd(TITLE) != TITLE
    assert clean_line(nfd(TITLE)) == TITLE
    assert clean_line("Đak\u200b Đoa\u2060\ufeff\x07") == "Đak Đoa"
    assert clean_line("\u200b\u200c\u200d") == ""
    assert clean_multiline("dòng một\ndòng\thai\x00\x1b") == "dòng một\ndòng\thai"
    assert clean_html(f"<p>{nfd('Ủy ban nhân dân')}</p>") == "<p>Ủy ban nhân dân</p>"


def _writer():
    unit = make_unit()
    return make_user("contributor", unit=unit)


def _piece_form(client, title, body="<p>Nội dung</p>"):
    g = genres()["tin"]
    return post(
        client,
        "/tin-bai/moi",
        {"title": title, "lead": nfd("Sapo có dấu"), "body": body, "genre_id": str(g.id)},
        htmx=True,
    )


def test_a_decomposed_title_is_stored_composed(client):
    login(client, _writer())
    response = _piece_form(client, nfd(TITLE) + "\u200b", body=f"<p>{nfd('Nội dung bài')}</p>")
    assert response.status_code in (200, 204, 303), response.get_data(as_text=True)[:500]
    piece = db.session.scalars(select(Piece).order_by(Piece.id.desc())).first()
    assert piece.title == TITLE
    assert piece.lead == "Sapo có dấu"
    assert piece.body == "<p>Nội dung bài</p>"


def test_a_title_of_invisible_characters_only_is_refused(client):
    login(client, _writer())
    before = db.session.scalar(select(func.count()).select_from(Piece))
    response = _piece_form(client, "\u200b\u200d\ufeff\x07")
    assert response.status_code == 422
    assert "Chỉ có ký tự ẩn hoặc ký tự điều khiển" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Piece)) == before


def test_an_admin_name_typed_decomposed_is_stored_composed(client):
    admin = make_user("admin", unit=make_unit())
    login(client, admin)
    response = post(
        client, "/quan-tri/danh-muc/chuyen-muc", {"name": nfd("Đất đai \u200bhuyện")}, htmx=True
    )
    assert response.status_code < 400, response.get_data(as_text=True)[:500]
    names = set(db.session.scalars(select(Category.name)))
    assert "Đất đai huyện" in names
    assert nfd("Đất đai \u200bhuyện") not in names


def test_search_finds_composed_and_decomposed_both_ways(client):
    admin = make_user("admin", unit=make_unit())
    make_user("contributor", unit=make_unit(), full_name="Nguyễn Thị Đoan")
    make_user("contributor", unit=make_unit(), full_name=nfd("Trần Văn Đức"))  # an old row
    login(client, admin)
    for query, found in [
        (nfd("Đoan"), "Nguyễn Thị Đoan"),
        ("Đoan", "Nguyễn Thị Đoan"),
    ]:
        html = client.get("/quan-tri/nguoi-dung", query_string={"q": query}).get_data(as_text=True)
        assert found in html, query


def test_importing_a_decomposed_copy_of_a_file_adds_no_duplicates(app):
    seed_demo()
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    rows = import_rows()[:20]
    first = import_pieces(to_csv(rows), admin)
    assert first.ok and first.imported == 20
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Piece))
    decomposed = [{k: nfd(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    again = import_pieces(to_csv(decomposed), admin)
    assert again.errors == []
    assert (again.imported, again.skipped) == (0, 20)
    assert db.session.scalar(select(func.count()).select_from(Piece)) == count
    titles = list(db.session.scalars(select(Piece.title)))
    assert all(t == nfc(t) for t in titles)
