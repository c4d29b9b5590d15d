"""The appendix (PHỤ LỤC): units × periods, group I then group II, STT, totals; and its XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from webapp.export_safety import xlsx_cell
from webapp.reports import services, wording
from webapp.reports.services import Column
from webapp.settings import services as settings
from webapp.units.models import Unit, UnitGroup

# The sheet is the district's official appendix: its wording is Vietnamese, as on paper.
SHEET_GROUP_HEADINGS = {
    UnitGroup.MEMBER: "I/ CÁC ĐƠN VỊ THUỘC BAN BIÊN TẬP:",
    UnitGroup.COLLABORATOR: "II/ CÁC ĐƠN VỊ CỘNG TÁC GỬI TIN BÀI:",
}
SHEET_BUCKET_HEADINGS = {"month": "Tháng", "week": "Tuần", "quarter": "Quý"}


@dataclass
class AppendixRow:
    stt: int
    unit: Unit
    counts: list[int]
    total: int


@dataclass
class AppendixGroup:
    group: UnitGroup
    rows: list[AppendixRow]
    column_totals: list[int]
    total: int


@dataclass
class Appendix:
    start: date
    end: date
    bucket: str
    genre_code: str | None
    columns: list[Column]
    groups: list[AppendixGroup]
    column_totals: list[int]
    total: int

    @property
    def rows(self) -> list[AppendixRow]:
        return [row for group in self.groups for row in group.rows]

    def unit_totals(self) -> dict[int, int]:
        return {row.unit.id: row.total for row in self.rows}


def build_appendix(
    start: date,
    end: date,
    bucket: str = "month",
    group: UnitGroup | None = None,
    genre_code: str | None = None,
) -> Appendix:
    """The table for the local days start..end: two queries, whatever the number of units
    or pieces. Active units with nothing stay in, numbered 1..n within their group."""
    cols = services.columns(start, end, bucket)
    index = {c.key: i for i, c in enumerate(cols)}
    counts: dict[int, list[int]] = {}
    for (unit_id, key), n in services.unit_counts(start, end, bucket, genre_code).items():
        counts.setdefault(unit_id, [0] * len(cols))[index[key]] += n
    units = services.report_units(group, keep=set(counts))
    groups = []
    for unit_group in UnitGroup:
        members = [u for u in units if u.group == unit_group]
        if not members:
            continue
        rows = [
            AppendixRow(
                stt, unit, counts.get(unit.id, [0] * len(cols)), sum(counts.get(unit.id, []))
            )
            for stt, unit in enumerate(members, start=1)
        ]
        totals = [sum(r.counts[i] for r in rows) for i in range(len(cols))]
        groups.append(AppendixGroup(unit_group, rows, totals, sum(totals)))
    column_totals = [sum(g.column_totals[i] for g in groups) for i in range(len(cols))]
    return Appendix(start, end, bucket, genre_code, cols, groups, column_totals, sum(column_totals))


# --- XLSX ---

_FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
# Zero months print blank, as on the seed's paper; the cell still holds the number 0.
_BLANK_ZERO = "0;-0;;@"


def _font(bold=False, italic=False, size=12):
    return Font(name=_FONT, size=size, bold=bold, italic=italic)


def title_lines(appendix: Appendix, number: str = "", signed_on: date | None = None) -> list[str]:
    """The appendix's title lines, as the seed writes them."""
    district = settings.letterhead().district
    period = wording.period_phrase(appendix.start, appendix.end)
    number = number.strip() or "      "
    when = (
        f"{signed_on.day}/{signed_on.month}/{signed_on.year}" if signed_on else "     /     /     "
    )
    return [
        "PHỤ LỤC",
        "DANH SÁCH CÁC ĐƠN VỊ CÓ TIN, BÀI ĐĂNG LÊN TRANG THÔNG TIN ĐIỆN TỬ",
        f"{district} {period}".upper(),
        f"(kèm theo Báo cáo số {number}/BC-BBT ngày {when} của Ban Biên tập Trang TTĐT)",
    ]


def appendix_xlsx(appendix: Appendix, number: str = "", signed_on: date | None = None) -> bytes:
    """The appendix as an XLSX sheet laid out like the seed's PHỤ LỤC."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục"
    n = len(appendix.columns)
    last = n + 3  # STT, name, the periods, the total
    last_letter = get_column_letter(last)

    lines = title_lines(appendix, number, signed_on)
    if appendix.genre_code:
        lines.append(f"(Thể loại: {appendix.genre_code})")
    for row, text in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last_letter}{row}")
        cell = xlsx_cell(sheet, row, 1, text)
        cell.font = _font(bold=not text.startswith("("), italic=text.startswith("("), size=13)
        cell.alignment = _CENTER

    head = len(lines) + 2
    xlsx_cell(sheet, head, 1, "STT")
    xlsx_cell(sheet, head, 2, "Tên đơn vị")
    xlsx_cell(sheet, head, 3, SHEET_BUCKET_HEADINGS[appendix.bucket])
    xlsx_cell(sheet, head, last, "Tổng cộng")
    sheet.merge_cells(start_row=head, start_column=1, end_row=head + 1, end_column=1)
    sheet.merge_cells(start_row=head, start_column=2, end_row=head + 1, end_column=2)
    sheet.merge_cells(start_row=head, start_column=last, end_row=head + 1, end_column=last)
    if n > 1:
        sheet.merge_cells(start_row=head, start_column=3, end_row=head, end_column=n + 2)
    for i, column in enumerate(appendix.columns):
        xlsx_cell(
            sheet, head + 1, 3 + i, int(column.label) if column.label.isdigit() else column.label
        )
    for row in (head, head + 1):
        for col in range(1, last + 1):
            cell = sheet.cell(row, col)
            cell.font = _font(bold=True)
            cell.alignment = _CENTER
            cell.border = _BOX

    row = head + 2
    for group in appendix.groups:
        xlsx_cell(sheet, row, 1, SHEET_GROUP_HEADINGS[group.group])
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        for col in range(1, last + 1):
            sheet.cell(row, col).border = _BOX
        sheet.cell(row, 1).font = _font(bold=True)
        sheet.cell(row, 1).alignment = _LEFT
        row += 1
        for line in group.rows:
            values = [line.stt, line.unit.name, *line.counts, line.total]
            for col, value in enumerate(values, start=1):
                cell = xlsx_cell(sheet, row, col, value)
                cell.font = _font()
                cell.border = _BOX
                cell.alignment = _LEFT if col == 2 else _CENTER
                if 3 <= col < last:
                    cell.number_format = _BLANK_ZERO
            row += 1

    xlsx_cell(sheet, row, 1, "Tổng cộng")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for i, value in enumerate([*appendix.column_totals, appendix.total]):
        xlsx_cell(sheet, row, 3 + i, value)
    for col in range(1, last + 1):
        cell = sheet.cell(row, col)
        cell.font = _font(bold=True)
        cell.border = _BOX
        cell.alignment = _CENTER

    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 42
    for col in range(3, last):
        sheet.column_dimensions[get_column_letter(col)].width = 6 if n <= 12 else 8
    sheet.column_dimensions[last_letter].width = 10
    sheet.freeze_panes = f"C{head + 2}"
    sheet.print_title_rows = f"{head}:{head + 1}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait" if n <= 8 else "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    out = BytesIO()
    book.save(out)
    return out.getvalue()
