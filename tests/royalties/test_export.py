"""The "Bảng kê chi trả nhuận bút": XLSX and CSV downloads and the command, against the ledger."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.factories import make_unit, make_user
from tests.pieces.helpers import draft, genres, move, people
from webapp.extensions import db
from webapp.pieces.services import AuthorLine
from webapp.royalties import services
from webapp.royalties.models import Payee, RoyaltyEntry
from webapp.royalties.words import amount_in_words

PERIOD = "2021-07"
JULY = datetime(2021, 7, 12, 2, 0)  # UTC: 09:00 in Đak Đoa
AUGUST = datetime(2021, 8, 3, 2, 0)


def _publish(contributor, editor, when, genre="tin", coefficient=None, modifiers=None, **kw):
    piece = draft(contributor, genre=genre, **kw)
    move(piece, contributor, "submit")
    move(
        piece,
        editor,
        "claim",
        "approve",
        "publish",
        coefficient=coefficient,
        modifiers=modifiers,
        now=when,
    )
    return piece


@pytest.fixture
def month_of_pieces():
    """July 2021: one writer over the tax threshold, an outside co-author, a translated item."""
    genres()
    crew = people()
    writer, editor = crew["contributor"], crew["editor"]
    other = make_user("contributor", unit=make_unit(name="Xã Glar"), full_name="Trần Thị Cúc")
    _publish(writer, editor, JULY, title="Ra quân bảo đảm an toàn giao thông", coefficient="1,5")
    _publish(
        writer,
        editor,
        JULY,
        genre="bai",
        coefficient="5",
        title="Phòng, chống tội phạm ma túy trên địa bàn huyện",
        authors=[
            AuthorLine(name=writer.full_name, share=60, user_id=writer.id),
            AuthorLine(name="Phạm Văn Bình", share=40),
        ],
    )
    _publish(writer, editor, JULY, genre="bai", coefficient="5", title="Dân vận khéo ở Glar")
    _publish(writer, editor, JULY, genre="bai", coefficient="4", title="Mùa cà phê chín")
    _publish(other, editor, JULY, title="Hội thi văn nghệ quần chúng", modifiers=["translated"])
    _publish(writer, editor, AUGUST, genre="bai", coefficient="5", title="Bài của tháng sau")
    accountant = make_user("accountant", full_name="Đỗ Thị Kế Toán")
    return {**crew, "other": other, "accountant": accountant}


def _ledger_sums(period):
    rows = db.session.execute(
        select(Payee.full_name, func.sum(RoyaltyEntry.amount))
        .join(Payee, Payee.id == RoyaltyEntry.payee_id)
        .where(RoyaltyEntry.period == period)
        .group_by(Payee.full_name)
    ).all()
    return {name: int(total) for name, total in rows}


def _words(amount):
    return f"Số tiền bằng chữ: {amount_in_words(amount)}."


def _read_sheet(data):
    """The table as dicts by heading, the total row, and every text on the sheet."""
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "STT")
    header = rows[header_at]
    table, total = [], None
    for r in rows[header_at + 1 :]:
        if r[0] == "Tổng cộng":
            total = dict(zip(header, r, strict=True))
            break
        table.append(dict(zip(header, r, strict=True)))
    texts = [str(v) for r in rows for v in r if v is not None]
    return ws, table, total, texts


def _xlsx(client, user, period=PERIOD):
    login(client, user)
    response = client.get(f"/nhuan-but/bang-ke/{period}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"bang-ke-nhuan-but-{period}.xlsx" in response.headers["Content-Disposition"]
    return response.data


def test_the_sheet_matches_the_ledger_to_the_dong(client, month_of_pieces):
    batch = services.batch(PERIOD)
    ledger = _ledger_sums(PERIOD)
    ws, table, total, texts = _read_sheet(_xlsx(client, month_of_pieces["accountant"]))

    assert [row["STT"] for row in table] == list(range(1, len(batch.lines) + 1))
    assert (
        {row["Họ và tên"] for row in table}
        == set(ledger)
        == {"Lê Văn An", "Phạm Văn Bình", "Trần Thị Cúc"}
    )
    by_name = {line.payee.full_name: line for line in batch.lines}
    for row in table:
        line = by_name[row["Họ và tên"]]
        assert row["Thành tiền (đ)"] == line.gross == ledger[row["Họ và tên"]]
        assert row["Thuế TNCN (đ)"] == line.tax
        assert row["Thực nhận (đ)"] == line.net
        assert all(isinstance(row[k], int) for k in ("Thành tiền (đ)", "Thực nhận (đ)"))
    assert total["Thành tiền (đ)"] == batch.gross == sum(ledger.values())
    assert total["Thuế TNCN (đ)"] == batch.tax
    assert total["Thực nhận (đ)"] == batch.net == batch.gross - batch.tax

    # The writer's four pieces (one shared) make 2.011.500 đ: unpaid, the sheet is worked out
    # as of today, under the 2026 rule (from 5.000.000 đ), so nothing is withheld, and each
    # line names that rule, still to be verified.
    an = next(row for row in table if row["Họ và tên"] == "Lê Văn An")
    assert an["Thành tiền (đ)"] == 223_500 + 447_000 + 745_000 + 596_000
    assert an["Thuế TNCN (đ)"] == 0
    rule_2026 = (
        "10 % từ 5.000.000 đ - Nghị định 253/2026/NĐ-CP, Điều 50 (ngày áp dụng chưa đối chiếu "
        "văn bản gốc) (áp dụng từ 01/07/2026) - cần xác minh"
    )
    assert {row["Thuế TNCN theo"] for row in table} == {rule_2026}
    assert an["Đơn vị"] == "Công an huyện"
    pieces = an["Tin, bài (tên, ngày đăng)"].split("\n")
    assert len(pieces) == 4 and "Ra quân bảo đảm an toàn giao thông (12/07/2021)" in pieces
    assert "Bài của tháng sau" not in an["Tin, bài (tên, ngày đăng)"]
    coefficients = dict(zip(pieces, [c for c in an["Hệ số"].split("\n") if c], strict=True))
    assert coefficients["Ra quân bảo đảm an toàn giao thông (12/07/2021)"] == "1,50"
    binh = next(row for row in table if row["Họ và tên"] == "Phạm Văn Bình")
    assert binh["Thành tiền (đ)"] == 298_000 and binh["Thuế TNCN (đ)"] == 0
    cuc = next(row for row in table if row["Họ và tên"] == "Trần Thị Cúc")
    assert cuc["Hệ số"] == "0,50"  # 1,00 translated at 50 %

    assert "BẢNG KÊ CHI TRẢ NHUẬN BÚT" in texts
    assert "Tháng 07 năm 2021" in texts
    assert "(Chưa chi trả)" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert _words(batch.net) in texts
    for heading in ("NGƯỜI LẬP BIỂU", "KẾ TOÁN TRƯỞNG", "TRƯỞNG BAN BIÊN TẬP"):
        assert heading in texts
    assert texts.count("(Ký, ghi rõ họ tên)") == 3
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows


def test_the_sheet_is_vietnamese_whatever_the_readers_language(app, client, month_of_pieces):
    chief = month_of_pieces["chief"]
    chief.locale = "en"
    db.session.flush()
    _ws, _table, _total, texts = _read_sheet(_xlsx(client, chief))
    assert "BẢNG KÊ CHI TRẢ NHUẬN BÚT" in texts and "Tổng cộng" in texts


def test_the_board_and_district_come_from_the_settings(app, client, month_of_pieces):
    app.config.update(
        BOARD_NAME="Ban biên tập Trang TTĐT huyện Đak Đoa", DISTRICT_NAME="UBND huyện Đak Đoa"
    )
    try:
        _ws, _table, _total, texts = _read_sheet(_xlsx(client, month_of_pieces["accountant"]))
    finally:
        del app.config["BOARD_NAME"], app.config["DISTRICT_NAME"]
    assert "BAN BIÊN TẬP TRANG TTĐT HUYỆN ĐAK ĐOA" in texts
    assert "UBND HUYỆN ĐAK ĐOA" in texts


def test_a_paid_month_shows_the_voucher_and_the_frozen_figures(client, month_of_pieces):
    before = services.batch(PERIOD, date(2021, 8, 5))
    services.sign_month(month_of_pieces["chief"], PERIOD)
    services.pay_month(month_of_pieces["accountant"], PERIOD, "PC-07/2021", date(2021, 8, 5))
    _ws, table, total, texts = _read_sheet(_xlsx(client, month_of_pieces["accountant"]))
    assert "Chứng từ số: PC-07/2021 ngày 05/08/2021" in texts
    assert "(Chưa chi trả)" not in texts
    # Paid in 2021: taxed by the threshold of Thông tư 111/2013 (2.000.000 đ), named per line.
    an = next(row for row in table if row["Họ và tên"] == "Lê Văn An")
    assert an["Thuế TNCN (đ)"] == 201_150
    assert an["Thuế TNCN theo"] == (
        "10 % từ 2.000.000 đ - Thông tư 111/2013/TT-BTC, Điều 25 khoản 1 điểm i "
        "(áp dụng từ 01/09/2013)"
    )
    assert (total["Thành tiền (đ)"], total["Thuế TNCN (đ)"], total["Thực nhận (đ)"]) == (
        before.gross,
        before.tax,
        before.net,
    )


def test_a_contributor_may_not_download_the_sheet(client, month_of_pieces):
    login(client, month_of_pieces["contributor"])
    assert client.get(f"/nhuan-but/bang-ke/{PERIOD}.xlsx").status_code == 403
    assert client.get(f"/nhuan-but/bang-ke/{PERIOD}.csv").status_code == 403


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("contributor", 403),
        ("editor", 403),
        ("accountant", 200),
        ("chief_editor", 200),
        ("admin", 200),
    ],
)
def test_who_may_download_the_sheet(client, role, status, extension):
    if role is not None:
        login(client, make_user(role))
    response = client.get(f"/nhuan-but/bang-ke/{PERIOD}.{extension}")
    assert response.status_code == status
    if role is None:
        assert "/dang-nhap" in response.location


@pytest.mark.parametrize("period", ["2021-7", "2021-13", "2021-00", "thang-7", "20210-07"])
def test_a_malformed_month_is_not_found(client, period):
    login(client, make_user("accountant"))
    assert client.get(f"/nhuan-but/bang-ke/{period}.xlsx").status_code == 404
    assert client.get(f"/nhuan-but/bang-ke/{period}.csv").status_code == 404


def test_the_csv_has_the_same_figures(client, month_of_pieces):
    batch = services.batch(PERIOD)
    ledger = _ledger_sums(PERIOD)
    login(client, month_of_pieces["accountant"])
    response = client.get(f"/nhuan-but/bang-ke/{PERIOD}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    payees, total = rows[:-1], rows[-1]
    assert [r["STT"] for r in payees] == [str(n) for n in range(1, len(batch.lines) + 1)]
    for row in payees:
        assert int(row["Thành tiền (đ)"]) == ledger[row["Họ và tên"]]
    an = next(r for r in payees if r["Họ và tên"] == "Lê Văn An")
    assert an["Thành tiền (đ)"] == "2011500"  # no thousands separators
    assert len(an["Tin, bài (tên, ngày đăng)"].split("; ")) == 4
    assert total["Họ và tên"] == "Tổng cộng"
    assert (
        int(total["Thành tiền (đ)"]),
        int(total["Thuế TNCN (đ)"]),
        int(total["Thực nhận (đ)"]),
    ) == (batch.gross, batch.tax, batch.net)


def test_a_title_that_looks_like_a_formula_stays_text(client, month_of_pieces):
    crew = month_of_pieces
    alone = make_user("contributor", full_name="Hà Văn Dũng")
    _publish(alone, crew["editor"], JULY, title='=HYPERLINK("http://x","Bấm")')
    data = _xlsx(client, crew["accountant"])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows() for c in row if "HYPERLINK" in str(c.value or "")]
    assert cells and all(c.data_type == "s" for c in cells)
    rows = csv.DictReader(
        io.StringIO(client.get(f"/nhuan-but/bang-ke/{PERIOD}.csv").data.decode("utf-8-sig"))
    )
    dung = next(r for r in rows if r["Họ và tên"] == "Hà Văn Dũng")
    assert dung["Tin, bài (tên, ngày đăng)"].startswith("'=HYPERLINK")  # Excel shows it as text


def test_an_empty_month_gives_a_sheet_with_zero_totals(client):
    login(client, make_user("accountant"))
    response = client.get("/nhuan-but/bang-ke/2020-01.xlsx")
    assert response.status_code == 200
    _ws, table, total, texts = _read_sheet(response.data)
    assert table == []
    assert (total["Thành tiền (đ)"], total["Thuế TNCN (đ)"], total["Thực nhận (đ)"]) == (0, 0, 0)
    assert "Số tiền bằng chữ: Không đồng." in texts
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get("/nhuan-but/bang-ke/2020-01.csv").data.decode("utf-8-sig"))
        )
    )
    assert len(csv_rows) == 2 and csv_rows[1][6:9] == ["0", "0", "0"]
    assert services.month("2020-01", create=False) is None  # looking creates no month


def test_the_command_writes_the_same_sheet(app, tmp_path, month_of_pieces):
    batch = services.batch(PERIOD)
    out = tmp_path / "bang-ke.xlsx"
    result = app.test_cli_runner().invoke(
        args=["royalties", "export", "--month", PERIOD, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Thực nhận: " in result.output and f"{batch.net:,}".replace(",", ".") in result.output
    _ws, table, total, texts = _read_sheet(out.read_bytes())
    assert len(table) == len(batch.lines)
    assert (total["Thành tiền (đ)"], total["Thuế TNCN (đ)"], total["Thực nhận (đ)"]) == (
        batch.gross,
        batch.tax,
        batch.net,
    )
    assert _words(batch.net) in texts

    out_csv = tmp_path / "bang-ke.csv"
    result = app.test_cli_runner().invoke(
        args=["royalties", "export", "--month", PERIOD, "--out", str(out_csv)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert int(rows[-1]["Thực nhận (đ)"]) == batch.net


@pytest.mark.parametrize(
    ("month", "out", "message"),
    [
        ("2021-13", "x.xlsx", "YYYY-MM"),
        ("07/2021", "x.xlsx", "YYYY-MM"),
        ("2021-07", "x.pdf", ".xlsx"),
    ],
)
def test_the_command_refuses_a_bad_month_or_file(app, tmp_path, month, out, message):
    result = app.test_cli_runner().invoke(
        args=["royalties", "export", "--month", month, "--out", str(tmp_path / out)]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / out).exists()
