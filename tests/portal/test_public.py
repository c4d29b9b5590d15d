"""The public portal: what readers see, what they find, the feed and the visit counter."""

import itertools
import re
from datetime import datetime, timedelta

import feedparser
import pytest
from sqlalchemy import event

from tests.conftest import login
from tests.factories import make_category, make_genre, make_unit, make_user
from webapp.extensions import db
from webapp.pieces.models import Piece, PieceAuthor, PieceImage, PieceState
from webapp.public.models import SiteVisit
from webapp.text import fold, slugify
from webapp.timeutil import local_today

_seq = itertools.count(1)
READER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"}
FEED_LINK_RE = re.compile(
    r'<head>.*<link rel="alternate" type="application/atom\+xml"[^>]*href="/feed.atom".*</head>',
    re.S,
)


@pytest.fixture
def world():
    """What every published piece needs: a unit, a submitter, a genre."""
    unit = make_unit(name="Phòng Văn hóa và Thông tin")
    return {"unit": unit, "submitter": make_user(unit=unit), "genre": make_genre()}


def make_piece(
    world,
    title=None,
    *,
    category=None,
    state=PieceState.PUBLISHED,
    published_at=None,
    lead="Tóm tắt của tin.",
    body="<p>Nội dung tin bài.</p>",
    slug=None,
    authors=("Nguyễn Văn An",),
) -> Piece:
    """A piece row made directly, as the workflow leaves it once published."""
    n = next(_seq)
    title = title or f"Tin thử nghiệm số {n}"
    piece = Piece(
        unit_id=world["unit"].id,
        submitter_id=world["submitter"].id,
        genre_id=world["genre"].id,
        category_id=category.id if category else None,
        title=title,
        lead=lead,
        body=body,
        search_text=fold(f"{title} {lead} {re.sub('<[^>]+>', ' ', body)}"),
        state=state,
        published_at=published_at or datetime(2026, 11, 1, 3, 0) + timedelta(minutes=n),
        slug=slugify(title) if slug is None else slug,
    )
    for position, name in enumerate(authors):
        piece.authors.append(PieceAuthor(position=position, name=name, share=100 // len(authors)))
    db.session.add(piece)
    db.session.flush()
    return piece


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh(piece) -> Piece:
    db.session.expire_all()
    return db.session.get(Piece, piece.id)


def visits_today() -> int:
    db.session.expire_all()
    row = db.session.get(SiteVisit, local_today())
    return row.count if row else 0


# Home, sections, articles


def test_home_lists_published_pieces_and_not_drafts(client, world):
    section = make_category(name="Tin địa phương")
    make_piece(world, "Khánh thành cầu Ia Băng", category=section)
    make_piece(world, "Bản nháp chưa đăng", state=PieceState.DRAFT, category=section)
    make_piece(world, "Tin đã gỡ", state=PieceState.UNPUBLISHED)
    page = html(client.get("/"))
    assert "Khánh thành cầu Ia Băng" in page
    assert "Tin địa phương" in page
    assert "Phòng Văn hóa và Thông tin" in page
    assert "Bản nháp chưa đăng" not in page
    assert "Tin đã gỡ" not in page


def test_home_puts_the_newest_first_and_shows_ten(client, world):
    for i in range(12):
        make_piece(world, f"Tin số {i:02d}", published_at=datetime(2026, 10, 1) + timedelta(days=i))
    page = html(client.get("/"))
    assert page.index("Tin số 11") < page.index("Tin số 10")
    assert "Tin số 02" in page and "Tin số 01" not in page


def test_home_without_pieces_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Chưa có tin bài nào được đăng" in html(response)


def test_home_shows_each_section_with_its_latest_five(client, world):
    first = make_category(name="Kinh tế", display_order=1)
    second = make_category(name="Văn hóa", display_order=2)
    for i in range(7):
        make_piece(world, f"Kinh tế {i}", category=first)
    make_piece(world, "Lễ hội cồng chiêng", category=second)
    page = html(client.get("/"))
    first_at, second_at = (
        page.index(f'id="section-{first.id}"'),
        page.index(f'id="section-{second.id}"'),
    )
    section = page[first_at:second_at]
    assert [f"Kinh tế {i}" in section for i in range(7)] == [False, False] + [True] * 5
    assert "Lễ hội cồng chiêng" in page[second_at:]


def test_home_query_count_does_not_grow_with_pieces_or_sections(app, client, world):
    def queries_for_home():
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/", headers=READER).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = [make_category() for _ in range(2)]
    for i in range(3):
        piece = make_piece(world, category=few[i % 2], authors=("A", "B"))
        _add_image(piece)
    small = queries_for_home()

    many = few + [make_category() for _ in range(6)]
    for i in range(27):
        piece = make_piece(world, category=many[i % 8], authors=("A", "B"))
        _add_image(piece)
    large = queries_for_home()
    assert small == large, (small, large)


def test_section_page_lists_its_pieces(client, world):
    section = make_category(name="Nông nghiệp", slug="nong-nghiep")
    other = make_category(name="Giáo dục")
    make_piece(world, "Vụ mùa bội thu", category=section)
    make_piece(world, "Khai giảng năm học", category=other)
    make_piece(world, "Nháp nông nghiệp", category=section, state=PieceState.DRAFT)
    page = html(client.get("/chuyen-muc/nong-nghiep"))
    assert "<h1>Nông nghiệp</h1>" in page
    assert "Vụ mùa bội thu" in page
    assert "Khai giảng năm học" not in page
    assert "Nháp nông nghiệp" not in page


def test_section_page_paginates(app, client, world):
    section = make_category(slug="nhieu-tin")
    for i in range(app.config["PER_PAGE"] + 2):
        make_piece(world, f"Bài {i:03d}", category=section)
    first, second = (
        html(client.get("/chuyen-muc/nhieu-tin")),
        html(client.get("/chuyen-muc/nhieu-tin?page=2")),
    )
    assert "Bài 026" in first and "Bài 000" not in first
    assert "Bài 000" in second and "Bài 026" not in second


@pytest.mark.parametrize("slug", ["khong-co", "da-dong"])
def test_unknown_or_inactive_section_is_404(client, slug):
    make_category(slug="da-dong", active=False)
    assert client.get(f"/chuyen-muc/{slug}").status_code == 404


def _add_image(piece, caption="Toàn cảnh buổi lễ", credit="Minh Tuấn"):
    n = next(_seq)
    image = PieceImage(
        piece_id=piece.id,
        position=len(piece.images),
        key=f"ab/ab{n:030x}.jpg",
        thumb_key=f"cd/cd{n:030x}.jpg",
        content_type="image/jpeg",
        width=1200,
        height=800,
        size=1000,
        caption=caption,
        credit=credit,
    )
    db.session.add(image)
    db.session.flush()
    return image


def test_article_shows_what_a_reader_needs(client, world):
    section = make_category(name="Thời sự", slug="thoi-su")
    piece = make_piece(
        world,
        "Đak Đoa tổ chức hội nghị",
        category=section,
        lead="Sáng nay, huyện tổ chức hội nghị tổng kết.",
        body="<p>Đoạn <strong>đầu</strong> của bài.</p>",
        published_at=datetime(2026, 11, 20, 2, 30),  # 09:30 in Hồ Chí Minh City
        authors=("Trần Thị Bình", "Lê Văn Cường"),
    )
    image = _add_image(piece)
    response = client.get(f"/tin/{piece.id}-{piece.slug}")
    assert response.status_code == 200
    page = html(response)
    assert "<h1>Đak Đoa tổ chức hội nghị</h1>" in page
    assert "Sáng nay, huyện tổ chức hội nghị tổng kết." in page
    assert "<p>Đoạn <strong>đầu</strong> của bài.</p>" in page  # the body, not escaped
    assert "Trần Thị Bình, Lê Văn Cường" in page
    assert "Phòng Văn hóa và Thông tin" in page
    assert "20/11/2026 09:30" in page
    assert 'href="/chuyen-muc/thoi-su"' in page
    assert f'<a href="/tep/{image.key}">' in page
    assert f'src="/tep/{image.thumb_key}" alt="Toàn cảnh buổi lễ"' in page
    assert "<figcaption>" in page and "Ảnh: Minh Tuấn" in page


@pytest.mark.parametrize(
    "state", [PieceState.DRAFT, PieceState.APPROVED, PieceState.SCHEDULED, PieceState.UNPUBLISHED]
)
def test_unpublished_article_is_404(client, world, state):
    piece = make_piece(world, state=state)
    assert client.get(f"/tin/{piece.id}-{piece.slug}").status_code == 404
    assert client.get(f"/tin/{piece.id}").status_code == 404


def test_unknown_article_is_404(client):
    assert client.get("/tin/999999-khong-co").status_code == 404


@pytest.mark.parametrize("path", ["/tin/{id}", "/tin/{id}-ten-cu-cua-bai"])
def test_short_or_old_link_redirects_to_the_current_slug(client, world, path):
    piece = make_piece(world, "Tên mới của bài")
    response = client.get(path.format(id=piece.id))
    assert response.status_code == 301
    assert response.location.endswith(f"/tin/{piece.id}-ten-moi-cua-bai")


def test_article_without_slug_lives_at_its_id(client, world):
    piece = make_piece(world, "Bài không có slug", slug="")
    assert client.get(f"/tin/{piece.id}").status_code == 200
    response = client.get(f"/tin/{piece.id}-gi-do")
    assert response.status_code == 301
    assert response.location.endswith(f"/tin/{piece.id}")


# Search


@pytest.mark.parametrize("q", ["dak doa", "DAK ĐOA", "Đak  Đoa", "dak đoa"])
def test_search_ignores_diacritics_and_case(client, world, q):
    make_piece(world, "Huyện Đak Đoa ra quân làm đường")
    make_piece(world, "Tin về Chư Păh")
    page = html(client.get("/tim-kiem", query_string={"q": q}))
    assert "Huyện Đak Đoa ra quân làm đường" in page
    assert "Tin về Chư Păh" not in page


def test_search_finds_words_in_the_body_but_not_drafts(client, world):
    make_piece(world, "Tin một", body="<p>Trồng cà phê xen canh.</p>")
    make_piece(world, "Tin nháp", body="<p>Cà phê nháp.</p>", state=PieceState.DRAFT)
    page = html(client.get("/tim-kiem?q=ca+phe"))
    assert "Tin một" in page
    assert "Tin nháp" not in page


@pytest.mark.parametrize("q", ["%", "_", "%%"])
def test_like_wildcards_are_taken_literally(client, world, q):
    make_piece(world, "Tin bình thường")
    page = html(client.get("/tim-kiem", query_string={"q": q}))
    assert "Tin bình thường" not in page
    assert "Không tìm thấy tin bài nào" in page


def test_search_without_query_invites_to_type(client, world):
    make_piece(world, "Tin bất kỳ")
    page = html(client.get("/tim-kiem"))
    assert "Nhập từ khóa" in page
    assert "Tin bất kỳ" not in page


def test_search_gives_a_fragment_to_htmx_and_a_full_page_otherwise(client, world):
    make_piece(world, "Đak Đoa mùa lúa chín")
    full = client.get("/tim-kiem?q=dak+doa")
    fragment = client.get("/tim-kiem?q=dak+doa", headers={"HX-Request": "true"})
    assert "<html" in html(full) and "Đak Đoa mùa lúa chín" in html(full)
    assert "<html" not in html(fragment) and "Đak Đoa mùa lúa chín" in html(fragment)
    assert 'id="search-heading"' in html(fragment)
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_every_public_page_has_the_search_box(client, world):
    section = make_category(slug="co-o-tim")
    piece = make_piece(world, category=section)
    for url in ["/", "/chuyen-muc/co-o-tim", f"/tin/{piece.id}-{piece.slug}", "/tim-kiem?q=x"]:
        page = html(client.get(url))
        assert 'role="search"' in page and 'hx-get="/tim-kiem"' in page, url
        assert 'hx-push-url="true"' in page, url


# Feed


def test_feed_is_valid_atom_with_absolute_links(app, client, world):
    make_piece(world, "Tin cũ", published_at=datetime(2026, 1, 1))
    newest = make_piece(
        world,
        "Tin <mới> & nóng",
        published_at=datetime(2026, 11, 25),
        lead="Tóm tắt tin mới.",
        body="<p>Nội dung <em>đầy đủ</em>.</p>",
        authors=("Phạm Dũng", "Hoàng Yến"),
    )
    make_piece(world, "Tin nháp", state=PieceState.DRAFT)
    response = client.get("/feed.atom")
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Tin <mới> & nóng", "Tin cũ"]
    entry = feed.entries[0]
    base = "http://localhost"  # the host the reader asked for, as the test client does
    assert entry.link == f"{base}/tin/{newest.id}-{newest.slug}"
    assert entry.id == f"{base}/tin/{newest.id}"
    assert [a.name for a in entry.authors] == ["Phạm Dũng", "Hoàng Yến"]
    assert entry.summary == "Tóm tắt tin mới."
    assert entry.content[0].value == "<p>Nội dung <em>đầy đủ</em>.</p>"
    assert entry.published_parsed[:3] == (2026, 11, 25)
    assert entry.updated


def test_feed_links_point_to_the_host_and_port_the_reader_used(client, world, app):
    piece = make_piece(world, "Tin trên cổng 8080", published_at=datetime(2026, 11, 25))
    feed = feedparser.parse(client.get("/feed.atom", base_url="http://127.0.0.1:8080/").data)
    assert feed.entries[0].link == f"http://127.0.0.1:8080/tin/{piece.id}-{piece.slug}"
    assert app.config["BASE_URL"] not in feed.feed.id
    html = client.get(f"/tin/{piece.id}-{piece.slug}", base_url="https://tin.dakdoa.example/")
    assert 'rel="canonical" href="https://tin.dakdoa.example/tin/' in html.get_data(as_text=True)


def test_feed_keeps_the_thirty_latest(client, world):
    for _ in range(32):
        make_piece(world)
    assert len(feedparser.parse(client.get("/feed.atom").data).entries) == 30


def test_empty_feed_is_still_valid(client):
    feed = feedparser.parse(client.get("/feed.atom").data)
    assert feed.bozo == 0 and feed.entries == []


def test_every_html_page_links_the_feed_in_its_head(client, world):
    section = make_category(slug="co-feed")
    piece = make_piece(world, category=section)
    urls = ["/", "/chuyen-muc/co-feed", f"/tin/{piece.id}-{piece.slug}", "/tim-kiem?q=tin"]
    urls += ["/dang-nhap", "/khong-co-trang-nay"]  # the staff layout and the error page
    for url in urls:
        assert FEED_LINK_RE.search(html(client.get(url))), url


# Visits


def test_a_reader_counts_on_the_piece_and_the_day(client, world):
    piece = make_piece(world)
    before = visits_today()
    response = client.get(f"/tin/{piece.id}-{piece.slug}", headers=READER)
    assert "Lượt xem: 1" in html(response)
    client.get(f"/tin/{piece.id}-{piece.slug}", headers=READER)
    assert fresh(piece).view_count == 2
    assert fresh(piece).version == 1  # editors' open forms stay valid
    assert visits_today() == before + 2


def test_home_section_and_search_count_for_the_site_only(client, world):
    section = make_category(slug="dem-luot")
    piece = make_piece(world, category=section)
    before = visits_today()
    for url in ["/", "/chuyen-muc/dem-luot", "/tim-kiem?q=tin"]:
        client.get(url, headers=READER)
    client.get("/tim-kiem?q=ti", headers={**READER, "HX-Request": "true"})  # typing
    client.get("/feed.atom", headers=READER)
    client.get("/tin/999999-khong-co", headers=READER)
    assert visits_today() == before + 3
    assert fresh(piece).view_count == 0


def test_a_signed_in_staff_member_does_not_count(client, world):
    piece = make_piece(world)
    login(client, make_user("editor"))
    before = visits_today()
    client.get(f"/tin/{piece.id}-{piece.slug}", headers=READER)
    client.get("/", headers=READER)
    assert fresh(piece).view_count == 0
    assert visits_today() == before


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingpreview/2.0)",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 HeadlessChrome/126.0",
        "",
    ],
)
def test_bots_do_not_count(client, world, user_agent):
    piece = make_piece(world)
    before = visits_today()
    client.get(f"/tin/{piece.id}-{piece.slug}", headers={"User-Agent": user_agent})
    assert fresh(piece).view_count == 0
    assert visits_today() == before


def test_footer_shows_the_site_total(client):
    db.session.add(SiteVisit(day=local_today() - timedelta(days=1), count=96_810))
    db.session.flush()
    page = html(client.get("/", headers=READER))
    assert "Lượt truy cập: 96.811" in page  # with this very visit
    assert "Đăng nhập tòa soạn" in page
