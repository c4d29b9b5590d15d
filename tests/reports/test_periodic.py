"""The board's periodic report: a DOCX in the layout of Nghị định 30/2020, figures from data."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_user
from tests.reports.conftest import H1
from tests.reports.helpers import IDLE_DEPARTMENTS, to_csv
from webapp.extensions import db
from webapp.public.models import SiteVisit
from webapp.reports import wording
from webapp.reports.importer import import_pieces
from webapp.reports.services import figures
from webapp.royalties.services import accrue_for_piece, spending_between
from webapp.taxonomy.models import Category

OPENED = {
    "Bầu cử đại biểu Quốc hội và HĐND các cấp": datetime(2021, 2, 14, 3),
    "Thông tin tuyên truyền": datetime(2021, 3, 1, 2),
    "Phòng, chống dịch Covid-19": datetime(2021, 5, 4, 9),
}


@pytest.fixture
def seed_period(district, half_year):
    """The seed's half-year: 242 pieces, 3 new sections, 213 documents, 9933 visits of a
    total 96811, royalties accrued, 8,620,000 đ of stationery, a 150,000,000 đ budget."""
    for name, when in OPENED.items():
        db.session.scalar(select(Category).where(Category.name == name)).created_at = when
    db.session.scalar(
        select(Category).where(Category.name == "Tin tức - Sự kiện")
    ).created_at = datetime(2019, 1, 1)
    documents = [
        {
            "published_at": f"2021-{1 + i % 6:02d}-{1 + i % 27:02d}",
            "unit": "Văn phòng HĐND và UBND",
            "genre": "van_ban",
            "title": f"Văn bản số {i + 1}/UBND",
        }
        for i in range(213)
    ]
    assert import_pieces(to_csv(documents), district).imported == 213
    db.session.add(SiteVisit(day=date(2020, 12, 31), count=96811 - 9933))
    per_day, rest = divmod(9933, 181)
    for i in range(181):
        db.session.add(
            SiteVisit(
                day=date(2021, 1, 1) + timedelta(days=i), count=per_day + (rest if i == 0 else 0)
            )
        )
    db.session.add(SiteVisit(day=date(2021, 7, 1), count=500))  # after the period: not counted
    for piece in half_year.pieces:
        accrue_for_piece(piece)
    db.session.commit()


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _get_docx(client, **params):
    query = {
        "start": "2021-01-01",
        "end": "2021-06-30",
        "number": "01",
        "signed_on": "2021-07-29",
        "signer": "Kiều Thu Hương",
        **params,
    }
    response = client.get("/bao-cao/bao-cao-dinh-ky.docx", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("wordprocessingml.document")
    return Document(BytesIO(response.data))


def test_the_figures_of_the_seed_half_year(seed_period):
    f = figures(*H1)
    assert (f.pieces, f.documents) == (242, 213)
    assert sorted(f.categories_opened) == sorted(OPENED)
    assert (f.visits_period, f.visits_total) == (9933, 96811)
    assert f.budgets == {2021: 150_000_000}
    assert f.spending["expenses"] == {"Văn phòng phẩm": 8_620_000}
    assert f.spending["royalties"] > 0
    idle = [u.name for u in f.idle_units]
    assert set(IDLE_DEPARTMENTS) <= set(idle)
    assert idle == [*IDLE_DEPARTMENTS, "Văn phòng Huyện ủy"]  # group I first, appendix order
    assert "Dinh dưỡng - sức khỏe" in f.uncovered_topics
    assert "Kinh tế" not in f.uncovered_topics and "Nông nghiệp" not in f.uncovered_topics


def test_the_docx_holds_the_figures_of_the_period(client, seed_period):
    login(client, make_user("chief_editor"))
    document = _get_docx(client)
    text = _text(document)
    spending = spending_between(*H1)
    assert (
        "Kết quả thực hiện trong 6 tháng đầu năm 2021 đã đăng tải 242 tin bài, 03 chuyên mục "
        "và 213 các loại văn bản quản lý hành chính"
    ) in text
    assert "đã thu hút được 9.933 lượt truy cập" in text
    assert "(tính đến ngày 30/6/2021) là 96.811 lượt" in text
    assert "năm 2021: 150.000.000 đồng" in text
    assert f"đã chi {wording.money(spending['total'])}" in text
    assert f"Tiền thù lao, nhuận bút tin, bài: {wording.money(spending['royalties'])}" in text
    assert "văn phòng phẩm: 8.620.000 đồng" in text
    assert wording.percent(spending["total"] * 100 / 150_000_000) in text
    assert "Mở các chuyên mục mới: “Bầu cử đại biểu Quốc hội và HĐND các cấp”" in text
    limits = next(p.text for p in document.paragraphs if "chưa có tin bài như" in p.text)
    for name in IDLE_DEPARTMENTS:
        assert name in limits
    assert "(Có phụ lục kèm theo)" in limits
    assert "Một số lĩnh vực chưa đề cập đến như:" in text and "Dinh dưỡng - sức khỏe" in text
    assert "Trung tâm Văn hóa, Thông tin và Thể thao, Công an huyện" in text  # the busiest first


def test_the_docx_has_the_administrative_layout(client, seed_period):
    login(client, make_user("editor"))
    document = _get_docx(client)
    section = document.sections[0]

    def mm(*lengths):
        return tuple(round(x.mm) for x in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)  # A4
    assert mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert mm(section.left_margin, section.right_margin) == (30, 15)
    assert document.styles["Normal"].font.name == "Times New Roman"
    header = document.tables[0]
    left, right = header.cell(0, 0).text, header.cell(0, 1).text
    assert left.startswith("UBND HUYỆN ĐAK ĐOA") and "BAN BIÊN TẬP TRANG" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert header.cell(1, 0).text == "Số: 01/BC-BBT"
    assert header.cell(1, 1).text == "Đak Đoa, ngày 29 tháng 7 năm 2021"
    paragraphs = [p.text for p in document.paragraphs]
    title = paragraphs.index("BÁO CÁO")
    assert paragraphs[title + 1] == (
        "Tình hình hoạt động Trang thông tin điện tử của UBND huyện 6 tháng đầu năm và "
        "phương hướng, nhiệm vụ 6 tháng cuối năm 2021"
    )
    for heading in (
        "I. Tình hình hoạt động của Trang TTĐT 6 tháng đầu năm 2021:",
        "II. Đánh giá chung:",
        "1. Ưu điểm:",
        "2. Hạn chế:",
        "III. Phương hướng, nhiệm vụ 6 tháng cuối năm 2021:",
    ):
        assert heading in paragraphs
    assert any(p.endswith("6 tháng cuối năm 2021./.") for p in paragraphs)
    signature = document.tables[1]
    assert signature.cell(0, 0).text.startswith("Nơi nhận:")
    assert "- Lưu: VT, BBT." in signature.cell(0, 0).text
    block = signature.cell(0, 1).text
    assert "KT. TRƯỞNG BAN" in block and "PHÓ TRƯỞNG BAN THƯỜNG TRỰC" in block
    assert block.strip().endswith("Kiều Thu Hương")
    # What only the board can write is marked, highlighted, for it to replace.
    marked = [
        r
        for p in document.paragraphs
        for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert marked and all(r.text.startswith("[Ban biên tập bổ sung") for r in marked)


def test_the_docx_appends_the_appendix(client, seed_period):
    login(client, make_user("accountant"))
    document = _get_docx(client)
    assert len(document.sections) == 2
    assert "PHỤ LỤC" in [p.text for p in document.paragraphs]
    table = document.tables[2]
    last = [c.text for c in table.rows[-1].cells]
    assert last[0] == "Tổng cộng" and last[2:] == ["34", "37", "52", "58", "56", "5", "242"]
    names = [row.cells[1].text for row in table.rows]
    assert "Phòng Dân tộc" in names and "TT. Bồi dưỡng chính trị" in names


def test_the_cli_writes_the_report(app, seed_period, tmp_path):
    out = tmp_path / "bao-cao.docx"
    result = app.test_cli_runner().invoke(
        args=[
            "report",
            "periodic",
            "--from",
            "2021-01-01",
            "--to",
            "2021-06-30",
            "--out",
            str(out),
            "--number",
            "01",
            "--signed-on",
            "2021-07-29",
        ]
    )
    assert result.exit_code == 0, result.output
    text = _text(Document(str(out)))
    assert "242 tin bài, 03 chuyên mục và 213 các loại văn bản" in text
    assert "[Họ và tên người ký]" in text  # no signer given: left for the board
    assert "Số: 01/BC-BBT" in text


def test_without_budget_or_data_the_report_still_reads(client, app):
    login(client, make_user("editor"))
    document = _get_docx(client, start="2030-01-01", end="2030-03-31", number="")
    text = _text(document)
    assert "quý I năm 2030 và phương hướng, nhiệm vụ quý II năm 2030" in text
    assert "đã đăng tải 0 tin bài, 0 chuyên mục và 0 các loại văn bản" in text
    assert "[Chưa có số liệu kinh phí năm 2030: Ban biên tập bổ sung]" in text
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-BBT" in text


@pytest.mark.parametrize(
    ("start", "end", "now", "later"),
    [
        (date(2021, 1, 1), date(2021, 6, 30), "6 tháng đầu năm 2021", "6 tháng cuối năm 2021"),
        (date(2021, 7, 1), date(2021, 12, 31), "6 tháng cuối năm 2021", "6 tháng đầu năm 2022"),
        (date(2021, 1, 1), date(2021, 12, 31), "năm 2021", "năm 2022"),
        (date(2021, 10, 1), date(2021, 12, 31), "quý IV năm 2021", "quý I năm 2022"),
        (date(2021, 1, 1), date(2021, 9, 30), "9 tháng đầu năm 2021", "quý IV năm 2021"),
        (date(2021, 3, 1), date(2021, 3, 31), "tháng 3 năm 2021", "tháng 4 năm 2021"),
        (
            date(2021, 1, 15),
            date(2021, 3, 10),
            "từ ngày 15/01/2021 đến ngày 10/03/2021",
            "thời gian tới",
        ),
    ],
)
def test_period_wording(start, end, now, later):
    assert wording.period_phrase(start, end) == now
    assert wording.next_period_phrase(start, end) == later


def test_dates_and_numbers_as_the_decree_writes_them():
    assert wording.signing_date("Đak Đoa", date(2021, 7, 29)) == "Đak Đoa, ngày 29 tháng 7 năm 2021"
    assert wording.signing_date("Đak Đoa", date(2021, 2, 5)) == "Đak Đoa, ngày 05 tháng 02 năm 2021"
    assert (
        wording.signing_date("Đak Đoa", date(2021, 11, 5)) == "Đak Đoa, ngày 05 tháng 11 năm 2021"
    )
    assert [wording.count(n) for n in (0, 3, 12, 9933)] == ["0", "03", "12", "9.933"]
    assert wording.money(54_896_000) == "54.896.000 đồng"
    assert wording.report_subject(date(2021, 1, 1), date(2021, 12, 31)) == (
        "năm 2021 và phương hướng, nhiệm vụ năm 2022"
    )
