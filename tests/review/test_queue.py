"""The editors' queue: filters, diacritics-free search, order, fragments, constant queries."""

from datetime import timedelta

from tests.conftest import count_queries, login
from tests.factories import make_category, make_unit, make_user
from tests.pieces.helpers import draft, genres, move
from webapp.extensions import db
from webapp.units.models import UnitGroup


def _editor(client):
    editor = make_user("editor", unit=make_unit())
    login(client, editor)
    return editor


def _submitted(title, unit=None, genre="tin", days_ago=0, category=None):
    writer = make_user("contributor", unit=unit or make_unit())
    piece = draft(
        writer,
        title=title,
        genre=genre,
        category=category,
        lead="Tóm tắt.",
        body=f"<p>{title}. Nội dung riêng của tin này số {title}.</p>",
    )
    move(piece, writer, "submit")
    piece.submitted_at = piece.submitted_at - timedelta(days=days_ago)
    db.session.flush()
    return piece


def test_queue_lists_waiting_pieces_oldest_first(client):
    genres()
    _editor(client)
    _submitted("Tin mới gửi", days_ago=0)
    _submitted("Tin chờ lâu", days_ago=5)
    html = client.get("/bien-tap").get_data(as_text=True)
    assert html.index("Tin chờ lâu") < html.index("Tin mới gửi")
    assert "5 ngày" in html
    newest_first = client.get("/bien-tap?sort=newest").get_data(as_text=True)
    assert newest_first.index("Tin mới gửi") < newest_first.index("Tin chờ lâu")


def test_search_ignores_diacritics(client):
    genres()
    _editor(client)
    _submitted("Hội nghị tại thị trấn Đak Đoa")
    _submitted("Tập huấn ở xã Glar")
    for q in ("dak doa", "ĐAK ĐOA", "Đak Đoa", "dak  doa"):
        html = client.get(f"/bien-tap?q={q}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "Hội nghị tại thị trấn Đak Đoa" in html, q
        assert "Tập huấn ở xã Glar" not in html, q
    wildcard = client.get("/bien-tap?q=%25").get_data(as_text=True)
    assert "Tập huấn" not in wildcard and "Hội nghị" not in wildcard


def test_filters_by_unit_group_genre_category_age_and_state(client):
    genres()
    editor = _editor(client)
    collab = make_unit(name="Huyện Đoàn", group=UnitGroup.COLLABORATOR)
    news = make_category(name="Tin tức")
    a = _submitted("Bài của Huyện Đoàn", unit=collab, genre="bai", days_ago=3, category=news)
    b = _submitted("Tin của phòng", days_ago=0)
    move(b, editor, "claim")

    def titles(query):
        return client.get(f"/bien-tap?{query}").get_data(as_text=True)

    assert "Bài của Huyện Đoàn" in titles(f"unit={collab.id}")
    assert "Tin của phòng" not in titles(f"unit={collab.id}")
    assert "Tin của phòng" not in titles("group=collaborator")
    assert "Bài của Huyện Đoàn" not in titles(f"genre={genres()['tin'].id}")
    assert "Tin của phòng" not in titles(f"category={news.id}")
    assert "Tin của phòng" not in titles("age=2") and "Bài của Huyện Đoàn" in titles("age=2")
    in_review = titles("state=in_review")
    assert "Tin của phòng" in in_review and "Bài của Huyện Đoàn" not in in_review
    assert "Tin của phòng" in titles("mine=1") and "Bài của Huyện Đoàn" not in titles("mine=1")
    assert a.id


def test_fragment_with_htmx_full_page_without(client):
    genres()
    _editor(client)
    _submitted("Một tin")
    full = client.get("/bien-tap").get_data(as_text=True)
    part = client.get("/bien-tap", headers={"HX-Request": "true"})
    assert "<html" in full and 'id="queue-filters"' in full
    assert "<html" not in part.get_data(as_text=True) and 'id="queue-table"' in part.get_data(
        as_text=True
    )
    assert "HX-Request" in part.headers.get("Vary", "")


def test_paginated_and_query_count_does_not_grow(client):
    genres()
    _editor(client)
    for i in range(3):
        _submitted(f"Tin số {i}", unit=make_unit())
    client.get("/bien-tap")  # warm up
    with count_queries() as few:
        client.get("/bien-tap")
    for i in range(40):
        _submitted(f"Tin thêm {i}", unit=make_unit())
    with count_queries() as many:
        html = client.get("/bien-tap").get_data(as_text=True)
    assert "Trang 1 / 2" in html
    assert len(many) == len(few), (len(few), len(many))
