"""The "Bảng kê chi trả nhuận bút" as an XLSX sheet and as CSV, built from a ``Batch``.

The sheet is a legal accounting document, so it is always in Vietnamese whatever the
reader's language. Money cells hold integer đồng (Excel adds them); the totals are the
batch's own integers, so the sheet matches the ledger to the đồng.
"""

import csv
import io
import textwrap
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from webapp.export_safety import csv_row, xlsx_cell
from webapp.formatting import day, money
from webapp.royalties import calc
from webapp.royalties.admin_services import format_percent
from webapp.royalties.models import EntryKind, MonthState, RoyaltyMonth, TaxRule
from webapp.royalties.rules import format_coefficient
from webapp.royalties.services import Batch
from webapp.royalties.words import amount_in_words
from webapp.settings import services as settings

FONT_NAME = "Times New Roman"
MONEY_FORMAT = "#,##0"
# Column widths in characters: STT, name, pen name, unit, pieces, coefficient, gross, tax,
# net, the tax rule applied, signature.
WIDTHS = [5, 22, 13, 22, 46, 8, 14, 14, 14, 26, 13]
COLUMNS = len(WIDTHS)
LINE_HEIGHT = 15  # points per line of wrapped 12-point Times New Roman
# Characters of Vietnamese text in Times New Roman 12 per unit of column width (measured).
CHARS_PER_WIDTH = 1.33

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


# --- what every format shows ------------------------------------------------------------------


def period_label(period: str) -> str:
    """The period as the sheet names it: 2021-07 → Tháng 07 năm 2021."""
    year, mon = period.split("-")
    return _("Tháng %(month)s năm %(year)s", month=mon, year=year)


def effective_coefficient(entry) -> str:
    """The coefficient the line was paid at, modifiers applied: "1,50", "0,50", "1,725"."""
    value = calc.effective_coefficient(
        entry.coefficient_centi, [(kind, val) for _code, kind, val in entry.modifiers or []]
    )
    if (value * 100).denominator == 1:
        text = format_coefficient(int(value * 100))
    else:
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        text = f"{exact.quantize(Decimal('0.0001')).normalize():f}".replace(".", ",")
    return "-" + text if entry.kind is EntryKind.REVERSAL else text


def tax_rule_label(rule: TaxRule | None) -> str:
    """The dated rule a payment was taxed by, as the sheet names it:
    "10 % từ 2.000.000 đ - Thông tư 111/2013/TT-BTC… (từ 01/09/2013)", marked when unverified."""
    if rule is None:
        return _("Chưa có quy định thuế")
    text = _(
        "%(rate)s từ %(threshold)s - %(basis)s (áp dụng từ %(day)s)",
        rate=format_percent(rule.rate),
        threshold=money(rule.threshold),
        basis=rule.legal_basis or _("không ghi căn cứ"),
        day=day(rule.valid_from),
    )
    if not rule.verified:
        text += " - " + _("cần xác minh")
    return text


def tax_basis(line) -> str:
    """What a batch line was taxed by: its payee's commitment form, or the dated rule."""
    if line.payee.commitment_on_file:
        return _("Cam kết 08/CK-TNCN: không khấu trừ")
    return tax_rule_label(line.tax_rule)


def piece_line(entry) -> str:
    """One piece as listed: Tên bài (dd/mm/yyyy), marked for a reversal or a correction."""
    text = f"{entry.piece.title} ({day(entry.published_on)})"
    if entry.kind is EntryKind.REVERSAL:
        text += " - " + _("gỡ bài, thu hồi")
    elif entry.kind is EntryKind.ADJUSTMENT:
        text += " - " + _("điều chỉnh")
    return text


def coefficient_line(entry) -> str:
    return "" if entry.kind is EntryKind.ADJUSTMENT else effective_coefficient(entry)


def headings() -> list[str]:
    return [
        _("STT"),
        _("Họ và tên"),
        _("Bút danh"),
        _("Đơn vị"),
        _("Tin, bài (tên, ngày đăng)"),
        _("Hệ số"),
        _("Thành tiền (đ)"),
        _("Thuế TNCN (đ)"),
        _("Thực nhận (đ)"),
        _("Thuế TNCN theo"),
        _("Ký nhận"),
    ]


def payment_note(month: RoyaltyMonth | None) -> str:
    if month is not None and month.state is MonthState.PAID:
        return _(
            "Chứng từ số: %(voucher)s ngày %(day)s",
            voucher=month.voucher_no,
            day=day(month.voucher_date),
        )
    return _("(Chưa chi trả)")


# --- XLSX --------------------------------------------------------------------------------------


def _font(size: int = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
TOP_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
TOP_RIGHT = Alignment(horizontal="right", vertical="top")


def _text(ws, row: int, col: int, value: str, font: Font | None = None, align=None):
    """A text cell: never read as a formula, whatever a title starts with."""
    cell = xlsx_cell(ws, row, col, value or "")
    cell.font = font or _font()
    if align is not None:
        cell.alignment = align
    return cell


def _merged(ws, row: int, first: int, last: int, value: str, font: Font, align=CENTER):
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    return _text(ws, row, first, value, font, align)


def _money(ws, row: int, col: int, value: int, bold: bool = False):
    cell = xlsx_cell(ws, row, col, int(value))
    cell.number_format = MONEY_FORMAT
    cell.font = _font(bold=bold)
    cell.alignment = TOP_RIGHT
    return cell


def _lines_needed(text: str, width: int) -> int:
    """How many printed lines a wrapped cell takes: openpyxl cannot fit row heights itself."""
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    return sum(max(len(textwrap.wrap(part, per_line)), 1) for part in (text or "").split("\n"))


def build_xlsx(
    batch: Batch,
    month: RoyaltyMonth | None,
    unit_name_of_board: str | None = None,
    district_name: str | None = None,
) -> bytes:
    """The month's payment sheet as an XLSX file, laid out as an administrative list."""
    with force_locale("vi"):
        return _build_xlsx(batch, month, unit_name_of_board, district_name)


def _build_xlsx(batch, month, board_name, district_name) -> bytes:
    head = settings.letterhead()
    district_name = district_name or head.district
    board_name = board_name or head.board
    wb = Workbook()
    ws = wb.active
    ws.title = _("Bảng kê %(period)s", period=batch.period)
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    # The heading: the issuing body on the left, the national motto on the right.
    _merged(ws, 1, 1, 4, district_name.upper(), _font(13))
    _merged(ws, 1, 6, COLUMNS, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _font(13, bold=True))
    _merged(ws, 2, 1, 4, board_name.upper(), _font(13, bold=True))
    _merged(ws, 2, 6, COLUMNS, _("Độc lập - Tự do - Hạnh phúc"), _font(13, bold=True))
    for row in (1, 2):
        ws.row_dimensions[row].height = 2 * LINE_HEIGHT + 2
    _merged(ws, 4, 1, COLUMNS, _("BẢNG KÊ CHI TRẢ NHUẬN BÚT"), _font(14, bold=True))
    _merged(ws, 5, 1, COLUMNS, period_label(batch.period), _font(13, bold=True))
    _merged(ws, 6, 1, COLUMNS, payment_note(month), _font(13, italic=True))
    ws.row_dimensions[4].height = 21

    header_row = 8
    for col, label in enumerate(headings(), start=1):
        cell = _text(ws, header_row, col, label, _font(12, bold=True), CENTER)
        cell.border = BOX
    ws.row_dimensions[header_row].height = 2 * LINE_HEIGHT + 4

    row = header_row
    for number, line in enumerate(batch.lines, start=1):
        row += 1
        payee = line.payee
        titles = [piece_line(e) for e in line.entries]
        pieces = "\n".join(titles)
        # Each coefficient on the first line of its piece: pad for titles that wrap.
        coefficients = "\n".join(
            coefficient_line(e) + "\n" * (_lines_needed(t, WIDTHS[4]) - 1)
            for e, t in zip(line.entries, titles, strict=True)
        )
        xlsx_cell(ws, row, 1, number).alignment = TOP_CENTER
        ws.cell(row=row, column=1).font = _font()
        _text(ws, row, 2, payee.full_name, align=TOP_LEFT)
        _text(ws, row, 3, payee.pen_name or "", align=TOP_LEFT)
        _text(ws, row, 4, payee.unit.name if payee.unit else "", align=TOP_LEFT)
        _text(ws, row, 5, pieces, align=TOP_LEFT)
        _text(ws, row, 6, coefficients, align=TOP_CENTER)
        _money(ws, row, 7, line.gross)
        _money(ws, row, 8, line.tax)
        _money(ws, row, 9, line.net)
        basis = tax_basis(line)
        _text(ws, row, 10, basis, align=TOP_LEFT)
        _text(ws, row, 11, "")
        lines = max(
            _lines_needed(pieces, WIDTHS[4]),
            _lines_needed(basis, WIDTHS[9]),
            _lines_needed(payee.full_name, WIDTHS[1]),
            _lines_needed(payee.unit.name if payee.unit else "", WIDTHS[3]),
            2,  # room for a signature
        )
        ws.row_dimensions[row].height = lines * LINE_HEIGHT + 4

    row += 1
    total_row = row
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
    _text(ws, row, 1, _("Tổng cộng"), _font(12, bold=True), CENTER)
    _money(ws, row, 7, batch.gross, bold=True)
    _money(ws, row, 8, batch.tax, bold=True)
    _money(ws, row, 9, batch.net, bold=True)
    _text(ws, row, 10, "")
    _text(ws, row, 11, "")
    ws.row_dimensions[row].height = LINE_HEIGHT + 6
    for table_row in ws.iter_rows(min_row=header_row, max_row=total_row, max_col=COLUMNS):
        for cell in table_row:
            cell.border = BOX

    row += 2
    words = _("Số tiền bằng chữ: %(words)s", words=amount_in_words(batch.net) + ".")
    _merged(ws, row, 1, COLUMNS, words, _font(12, italic=True), TOP_LEFT)

    # Signatures: the preparer, the chief accountant, the head of the board.
    row += 2
    _merged(ws, row, 7, COLUMNS, _("Ngày ..... tháng ..... năm ........"), _font(12, italic=True))
    row += 1
    blocks = [(1, 3), (4, 6), (7, COLUMNS)]
    titles = [_("NGƯỜI LẬP BIỂU"), _("KẾ TOÁN TRƯỞNG"), _("TRƯỞNG BAN BIÊN TẬP")]
    for (first, last), title in zip(blocks, titles, strict=True):
        _merged(ws, row, first, last, title, _font(12, bold=True))
        _merged(ws, row + 1, first, last, _("(Ký, ghi rõ họ tên)"), _font(12, italic=True))

    # Print the blank rows under the headings too: that is where they sign.
    ws.print_area = f"A1:{get_column_letter(COLUMNS)}{row + 6}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom, ws.page_margins.footer = 0.6, 0.8, 0.3
    ws.oddFooter.center.text = _("Trang &P / &N")
    ws.oddFooter.center.font = f"{FONT_NAME},Italic"
    ws.oddFooter.center.size = 10
    wb.properties.title = _("Bảng kê chi trả nhuận bút")

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- CSV ---------------------------------------------------------------------------------------


def build_csv(batch: Batch) -> bytes:
    """The same list as CSV: UTF-8 with a BOM (so Excel reads Vietnamese), plain integers."""
    with force_locale("vi"):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            csv_row(headings()[:-1] + [_("Mã số thuế"), _("Số tài khoản"), _("Ngân hàng")])
        )
        for number, line in enumerate(batch.lines, start=1):
            payee = line.payee
            writer.writerow(
                csv_row(
                    [
                        number,
                        payee.full_name,
                        payee.pen_name,
                        payee.unit.name if payee.unit else "",
                        "; ".join(piece_line(e) for e in line.entries),
                        "; ".join(coefficient_line(e) for e in line.entries),
                        line.gross,
                        line.tax,
                        line.net,
                        tax_basis(line),
                        payee.tax_code,
                        payee.bank_account,
                        payee.bank_name,
                    ]
                )
            )
        writer.writerow(
            csv_row(["", _("Tổng cộng"), *[""] * 4, batch.gross, batch.tax, batch.net, *[""] * 4])
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def filename(batch: Batch, extension: str) -> str:
    return f"bang-ke-nhuan-but-{batch.period}.{extension}"
