"""Every spreadsheet the application writes keeps typed text as text: no formula runs.

A unit, a person, a title or a bank name that starts with "=", "+", "-", "@", a tab or a
carriage return is read back from every XLSX as a string cell with the text unchanged,
and from every CSV with the leading apostrophe that makes a spreadsheet show it as text;
the counts and the money stay numbers.
"""

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_unit, make_user
from tests.pieces.helpers import genres, people
from tests.royalties.test_export import JULY, PERIOD, _publish
from webapp.export_safety import FORMULA_STARTS, csv_cell, csv_row, xlsx_cell
from webapp.extensions import db
from webapp.royalties.models import Payee

UNIT = "=1+2 Xã Ia Pết"
WRITER = "+Nguyễn Văn Hòa"
TITLES = ["-Giảm nghèo bền vững", "@Tết sum vầy", '=HYPERLINK("http://x","Bấm")']
PEN_NAME = "@Hòa Bình"
BANK = "\tAgribank Đak Đoa"
TAX_CODE = "\r8012345678"
NUMBER = re.compile(r"-?\d+")


def _month_with_dangerous_text():
    genres()
    crew = people()
    unit = make_unit(name=UNIT)
    writer = make_user("contributor", unit=unit, full_name=WRITER)
    for title in TITLES:
        _publish(writer, crew["editor"], JULY, title=title, coefficient="2")
    payee = db.session.scalar(select(Payee).where(Payee.full_name == WRITER))
    payee.pen_name, payee.bank_name, payee.tax_code = PEN_NAME, BANK, TAX_CODE
    db.session.commit()
    return make_user("accountant")


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def _check_xlsx(data: bytes, must_hold: list[str]) -> None:
    cells = _cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # no formula at all
    texts = {c.value for c in cells if c.data_type == "s"}
    for typed in must_hold:
        assert any(typed in text for text in texts), typed
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.lstrip("'").startswith(FORMULA_STARTS):
            assert cell.data_type == "s", cell.coordinate
    assert any(isinstance(c.value, int) and c.value > 0 for c in cells)  # numbers stay numbers


def _check_csv(data: bytes, must_hold: list[str]) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    for row in rows:
        for value in row:
            assert NUMBER.fullmatch(value) or not value.startswith(FORMULA_STARTS), value
    flat = [value for row in rows for value in row]
    for typed in must_hold:
        assert any(v.startswith("'" + typed) for v in flat), typed
    return rows


def test_the_payment_sheet_xlsx_and_csv_keep_typed_text_as_text(client):
    accountant = _month_with_dangerous_text()
    login(client, accountant)
    xlsx = client.get(f"/nhuan-but/bang-ke/{PERIOD}.xlsx")
    assert xlsx.status_code == 200
    _check_xlsx(xlsx.data, [UNIT, WRITER, *TITLES, PEN_NAME])  # no bank details on paper

    response = client.get(f"/nhuan-but/bang-ke/{PERIOD}.csv")
    assert response.status_code == 200
    rows = _check_csv(response.data, [UNIT, WRITER, PEN_NAME, BANK, TAX_CODE])
    header = rows[0]
    hoa = dict(zip(header, next(r for r in rows if r[1] == "'" + WRITER), strict=True))
    assert any(hoa[header[4]].startswith("'" + title) for title in TITLES)
    gross = hoa[next(h for h in header if h.startswith("Thành tiền") or "(đ)" in h)]
    assert NUMBER.fullmatch(gross) and int(gross) > 0  # money: a plain number


def test_the_appendix_xlsx_keeps_a_unit_name_as_text(client):
    accountant = _month_with_dangerous_text()
    login(client, accountant)
    response = client.get(
        "/bao-cao/phu-luc.xlsx?start=2021-07-01&end=2021-07-31&number=%3D01&signed_on=2021-08-02"
    )
    assert response.status_code == 200
    _check_xlsx(response.data, [UNIT])
    unit_cell = next(c for c in _cells(response.data) if c.value == UNIT)
    counts = [c.value for c in unit_cell.parent[unit_cell.row] if c.column > unit_cell.column]
    assert counts and all(isinstance(v, int) for v in counts) and counts[-1] == len(TITLES)


def test_the_import_sample_csv_has_no_formula(client):
    login(client, make_user("admin"))
    response = client.get("/bao-cao/nhap-tin-bai/mau.csv")
    assert response.status_code == 200
    _check_csv(response.data, [])


def test_the_one_rule():
    for start in FORMULA_STARTS:
        assert csv_cell(start + "x") == "'" + start + "x"
    assert csv_cell(-5000) == -5000 and csv_cell("Bình thường") == "Bình thường"
    assert csv_row(["=A1", 3, None]) == ["'=A1", 3, None]
    from openpyxl import Workbook

    sheet = Workbook().active
    assert xlsx_cell(sheet, 1, 1, "=SUM(A2:A3)").data_type == "s"
    assert xlsx_cell(sheet, 1, 2, "#N/A").data_type == "s"
    assert xlsx_cell(sheet, 1, 3, 12).data_type == "n"
