"""The appendix: the seed's PHỤ LỤC out of the data, on screen, in XLSX and from the CLI."""

from datetime import date, datetime
from html.parser import HTMLParser
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.conftest import count_queries, login
from tests.factories import make_unit, make_user
from tests.pieces.helpers import genres
from tests.reports.conftest import H1, publish
from tests.reports.helpers import MONTHS, appendix_rows
from webapp.extensions import db
from webapp.pieces.models import PieceState
from webapp.reports.appendix import build_appendix
from webapp.reports.services import columns, utc_bounds
from webapp.units.models import UnitGroup

SEED_MONTH_TOTALS = [34, 37, 52, 58, 56, 5]
HEADINGS = {
    "member": "I/ CÁC ĐƠN VỊ THUỘC BAN BIÊN TẬP:",
    "collaborator": "II/ CÁC ĐƠN VỊ CỘNG TÁC GỬI TIN BÀI:",
}


def expected_rows():
    """(group, stt, unit, six months, total), STT 1..n within each group."""
    rows, stt = [], {}
    for line in appendix_rows():
        stt[line["group"]] = stt.get(line["group"], 0) + 1
        counts = [int(line[m]) for m in MONTHS]
        assert sum(counts) == int(line["total"])  # the CSV agrees with itself
        rows.append((line["group"], stt[line["group"]], line["unit"], counts, int(line["total"])))
    return rows


def test_the_csv_is_the_seed_table():
    rows = expected_rows()
    assert [sum(r[3][i] for r in rows) for i in range(6)] == SEED_MONTH_TOTALS
    assert sum(r[4] for r in rows) == 242


def test_the_imported_half_year_gives_the_seed_appendix(half_year):
    appendix = build_appendix(*H1)
    assert [c.label for c in appendix.columns] == ["1", "2", "3", "4", "5", "6"]
    got = [
        (g.group.value, row.stt, row.unit.name, row.counts, row.total)
        for g in appendix.groups
        for row in g.rows
    ]
    assert got == expected_rows()
    assert appendix.column_totals == SEED_MONTH_TOTALS
    assert appendix.total == 242
    members, collaborators = appendix.groups
    assert members.total == 204 and collaborators.total == 38


class _Table(HTMLParser):
    """The rows of the appendix table: (tr class, section, [cell texts])."""

    def __init__(self):
        super().__init__()
        self.rows, self.section, self.cell, self.inside = [], None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "appendix" in (attrs.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.rows.append((attrs.get("class") or "", self.section, []))
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "span":  # badges are not the cell's value
            self.cell_paused = True

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        if self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1][2].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.inside and self.cell is not None:
            self.cell.append(data)


def screen_rows(html):
    parser = _Table()
    parser.feed(html)
    return parser.rows


def test_the_screen_shows_every_cell_of_the_seed_table(client, half_year):
    login(client, make_user("editor"))
    response = client.get("/bao-cao/?start=2021-01-01&end=2021-06-30")
    assert response.status_code == 200
    rows = screen_rows(response.get_data(as_text=True))
    head = [cells for _cls, section, cells in rows if section == "thead"]
    assert head[0][:2] == ["STT", "Tên đơn vị"] and head[0][-1] == "Tổng cộng"
    assert head[1] == ["1", "2", "3", "4", "5", "6"]
    body = [(cls, cells) for cls, section, cells in rows if section == "tbody"]
    got, group = [], None
    for cls, cells in body:
        if "group-head" in cls:
            group = "member" if cells[0] == HEADINGS["member"] else "collaborator"
            assert cells[0] == HEADINGS[group]
            continue
        stt, name, *counts, total = cells
        got.append((group, int(stt), name, [int(c) for c in counts], int(total)))
        assert ("idle" in cls) == (int(total) == 0)  # units with nothing stand out
    assert got == expected_rows()
    foot = [cells for _cls, section, cells in rows if section == "tfoot"]
    assert foot == [["Tổng cộng", *map(str, SEED_MONTH_TOTALS), "242"]]


def test_zeros_are_shown_and_marked(client, half_year):
    login(client, make_user("editor"))
    html = client.get("/bao-cao/?start=2021-01-01&end=2021-06-30").get_data(as_text=True)
    assert '<td class="num zero">0</td>' in html
    assert '<td class="num total zero">0</td>' in html


def _sheet_rows(data: bytes):
    book = load_workbook(BytesIO(data))
    sheet = book.active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def check_sheet(data: bytes, number="01", signed="29/7/2021"):
    sheet, rows = _sheet_rows(data)
    assert rows[0][0] == "PHỤ LỤC"
    assert rows[1][0] == "DANH SÁCH CÁC ĐƠN VỊ CÓ TIN, BÀI ĐĂNG LÊN TRANG THÔNG TIN ĐIỆN TỬ"
    assert rows[2][0] == "UBND HUYỆN ĐAK ĐOA 6 THÁNG ĐẦU NĂM 2021"
    assert rows[3][0] == (
        f"(kèm theo Báo cáo số {number}/BC-BBT ngày {signed} của Ban Biên tập Trang TTĐT)"
    )
    head = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[head][:3] == ["STT", "Tên đơn vị", "Tháng"] and rows[head][-1] == "Tổng cộng"
    assert rows[head + 1][2:8] == [1, 2, 3, 4, 5, 6]
    got, group = [], None
    for row in rows[head + 2 :]:
        if row[0] in HEADINGS.values():
            group = "member" if row[0] == HEADINGS["member"] else "collaborator"
            assert all(v is None for v in row[1:])  # one merged heading across the table
            continue
        if row[0] == "Tổng cộng":
            assert row[1:] == [None, *SEED_MONTH_TOTALS, 242]
            break
        stt, name, *counts, total = row
        got.append((group, stt, name, counts, total))
    else:
        pytest.fail("no Tổng cộng row")
    assert got == expected_rows()
    # Zero months print blank, as on the seed's paper; the numbers stay numbers.
    first_unit = sheet.cell(head + 4, 8)  # row 1 of group I, June
    assert first_unit.value == 0 and first_unit.number_format == "0;-0;;@"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A{head + 1}:A{head + 2}" in merged and f"C{head + 1}:H{head + 1}" in merged


def test_the_xlsx_reads_back_cell_for_cell(client, half_year):
    login(client, make_user("accountant"))
    response = client.get(
        "/bao-cao/phu-luc.xlsx?start=2021-01-01&end=2021-06-30&number=01&signed_on=2021-07-29"
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "phu-luc-20210101-20210630.xlsx" in response.headers["Content-Disposition"]
    check_sheet(response.data)


def test_the_cli_writes_the_same_appendix(app, half_year, tmp_path):
    out = tmp_path / "phu-luc.xlsx"
    result = app.test_cli_runner().invoke(
        args=[
            "report",
            "appendix",
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
    assert "242" in result.output
    check_sheet(out.read_bytes())


def test_the_cli_refuses_a_reversed_period(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=[
            "report",
            "appendix",
            "--from",
            "2021-06-30",
            "--to",
            "2021-01-01",
            "--out",
            str(tmp_path / "x.xlsx"),
        ]
    )
    assert result.exit_code != 0 and "Ngày kết thúc" in result.output


def test_a_piece_counts_in_the_month_of_its_local_date(app):
    genres()
    unit = make_unit()
    publish(unit, datetime(2021, 1, 31, 16, 59))  # 23:59 on 31/01 in Đak Đoa
    publish(unit, datetime(2021, 1, 31, 17, 0))  # 00:00 on 01/02
    publish(unit, datetime(2020, 12, 31, 17, 0))  # 00:00 on 01/01/2021: in
    publish(unit, datetime(2020, 12, 31, 16, 59))  # 31/12/2020: out
    publish(unit, datetime(2021, 6, 30, 16, 59))  # 30/06 23:59: in
    publish(unit, datetime(2021, 6, 30, 17, 0))  # 01/07: out
    row = next(r for r in build_appendix(*H1).rows if r.unit.id == unit.id)
    assert row.counts == [2, 1, 0, 0, 0, 1]
    assert utc_bounds(*H1) == (datetime(2020, 12, 31, 17), datetime(2021, 6, 30, 17))


def test_documents_and_unpublished_pieces_are_not_counted(app):
    genres()
    unit = make_unit()
    when = datetime(2021, 3, 10, 2)
    publish(unit, when)
    publish(unit, when, genre="bai")
    publish(unit, when, genre="anh")
    publish(unit, when, genre="van_ban")
    publish(unit, when, state=PieceState.UNPUBLISHED)
    publish(unit, when, state=PieceState.APPROVED)
    row = next(r for r in build_appendix(*H1).rows if r.unit.id == unit.id)
    assert row.total == 3
    only_documents = build_appendix(*H1, genre_code="van_ban")
    assert next(r for r in only_documents.rows if r.unit.id == unit.id).total == 1


def test_weeks_and_quarters(half_year):
    quarters = build_appendix(*H1, bucket="quarter")
    assert [c.label for c in quarters.columns] == ["I", "II"]
    assert quarters.column_totals == [34 + 37 + 52, 58 + 56 + 5]
    weeks = build_appendix(*H1, bucket="week")
    assert weeks.columns[0].key == (2020, 53)  # 1-3 January 2021 are ISO week 53 of 2020
    assert weeks.columns[-1].key == (2021, 26)
    assert weeks.total == 242
    by_unit = {r.unit.name: r.total for r in weeks.rows}
    assert by_unit["Công an huyện"] == 39
    assert [c.key for c in columns(date(2021, 12, 20), date(2022, 1, 10), "month")] == [
        (2021, 12),
        (2022, 1),
    ]
    assert [c.label for c in columns(date(2021, 12, 20), date(2022, 1, 10), "month")] == [
        "12/2021",
        "1/2022",
    ]


def test_units_with_nothing_stay_and_inactive_ones_only_with_pieces(app):
    genres()
    quiet = make_unit(name="Đơn vị im lặng")
    closed_busy = make_unit(name="Đơn vị đã giải thể", active=False)
    closed_quiet = make_unit(name="Đơn vị giải thể không tin", active=False)
    helper = make_unit(name="Đơn vị cộng tác", group=UnitGroup.COLLABORATOR)
    publish(closed_busy, datetime(2021, 2, 1, 3))
    publish(helper, datetime(2021, 2, 1, 3))
    appendix = build_appendix(*H1)
    names = [r.unit.name for r in appendix.rows]
    assert quiet.name in names and closed_busy.name in names
    assert closed_quiet.name not in names
    assert [g.group for g in appendix.groups] == [UnitGroup.MEMBER, UnitGroup.COLLABORATOR]
    only_collaborators = build_appendix(*H1, group=UnitGroup.COLLABORATOR)
    assert [g.group for g in only_collaborators.groups] == [UnitGroup.COLLABORATOR]
    assert only_collaborators.rows[0].stt == 1


def test_htmx_gets_the_table_fragment(client, half_year):
    login(client, make_user("chief_editor"))
    url = "/bao-cao/?start=2021-01-01&end=2021-03-31&bucket=quarter"
    part = client.get(url, headers={"HX-Request": "true"})
    html = part.get_data(as_text=True)
    assert "<html" not in html and 'id="report-body"' in html
    assert "HX-Request" in part.headers.get("Vary", "")
    assert "123" in html  # January to March
    full = client.get(url).get_data(as_text=True)
    assert 'id="period-form"' in full and 'hx-push-url="true"' in full


def test_a_bad_period_is_refused_with_422(client, app):
    login(client, make_user("editor"))
    response = client.get("/bao-cao/?start=2021-06-30&end=2021-01-01")
    assert response.status_code == 422
    assert "Ngày kết thúc phải sau ngày bắt đầu" in response.get_data(as_text=True)
    response = client.get("/bao-cao/?start=2010-01-01&end=2021-01-01&bucket=week")
    assert response.status_code == 422
    response = client.get("/bao-cao/phu-luc.xlsx?start=khong-phai-ngay&end=2021-01-01")
    assert response.status_code == 422


def _pieces(units, n):
    for i in range(n):
        publish(
            units[i % len(units)],
            datetime(2021, 1 + i % 6, 1 + i % 28, 2),
            genre=("tin", "bai", "van_ban")[i % 3],
        )


@pytest.mark.parametrize(
    "url",
    ["/bao-cao/", "/bao-cao/phu-luc.xlsx", "/bao-cao/bao-cao-dinh-ky.docx", "/bao-cao/bieu-do"],
)
def test_query_count_does_not_grow_with_units_or_pieces(client, app, url):
    genres()
    login(client, make_user("editor"))
    url += "?start=2021-01-01&end=2021-06-30"
    units = [make_unit() for _ in range(25)]
    _pieces(units, 50)
    client.get(url)  # warm up
    with count_queries() as few:
        assert client.get(url).status_code == 200
    units += [make_unit(group=UnitGroup.COLLABORATOR) for _ in range(35)]
    _pieces(units, 450)
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), (len(few), len(many))
