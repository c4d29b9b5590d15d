"""The board's periodic report as an editable DOCX, in the layout of Nghị định 30/2020/NĐ-CP.

The layout (Phụ lục I of the decree): A4; margins top and bottom 20 mm, left 30 mm, right
15 mm; Times New Roman; the two header blocks side by side (the issuing body on the left,
its name bold with a short rule under it; the national motto on the right, with a rule as
long as its second line), the number and the place-and-date line under them; the title
centred and bold; the text justified, 14 pt, first lines indented, 6 pt between paragraphs;
"Nơi nhận" and the signature block side by side at the end.

Sections I to III follow the board's own 2021 report. What the data knows is filled in;
what only the board can say is left as highlighted paragraphs "[Ban biên tập bổ sung …]".
The document is an official paper of a Vietnamese authority, so its wording is Vietnamese
whatever the interface language. The appendix (PHỤ LỤC) follows as a second section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from flask import current_app

from webapp.reports import wording
from webapp.reports.appendix import SHEET_BUCKET_HEADINGS, SHEET_GROUP_HEADINGS, Appendix
from webapp.reports.appendix import title_lines as appendix_title_lines
from webapp.reports.services import Figures
from webapp.settings import services as settings
from webapp.timeutil import local_today
from webapp.units.models import UnitGroup

FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 30 - 15
LEFT_BLOCK_MM = 64
RIGHT_BLOCK_MM = TEXT_WIDTH_MM - LEFT_BLOCK_MM
DEFAULT_RECIPIENTS = [
    "Ủy ban nhân dân huyện;",
    "CT, các PCT UBND huyện;",
    "Thành viên Ban biên tập;",
    "Các cơ quan, đơn vị của huyện;",
    "Lưu: VT, BBT.",
]
MOST_NAMED = 7  # units named in "Ưu điểm", per group


@dataclass
class Letterhead:
    """Who issues the report, read from the configuration (with Đak Đoa's as defaults)."""

    district: str = "UBND HUYỆN ĐAK ĐOA"
    board: str = "BAN BIÊN TẬP TRANG\nTHÔNG TIN ĐIỆN TỬ"
    place: str = "Đak Đoa"
    kind: str = "huyện"  # huyện, thị xã, thành phố: how the text names the district
    basis: str = ""
    signer_authority: str = "KT. TRƯỞNG BAN"
    signer_title: str = "PHÓ TRƯỞNG BAN THƯỜNG TRỰC"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=lambda: list(DEFAULT_RECIPIENTS))

    @classmethod
    def from_config(cls, signer_name: str = "") -> Letterhead:
        get = current_app.config.get
        default = cls()
        head = settings.letterhead()
        return cls(
            district=head.district,
            board=head.board,
            place=head.place,
            kind=get("DISTRICT_KIND", default.kind),
            basis=get("REPORT_BASIS", default.basis),
            signer_authority=get("REPORT_SIGNER_AUTHORITY", default.signer_authority),
            signer_title=get("REPORT_SIGNER_TITLE", default.signer_title),
            signer_name=signer_name.strip() or get("REPORT_SIGNER_NAME", default.signer_name),
            recipients=list(get("REPORT_RECIPIENTS", default.recipients)),
        )


# --- low-level helpers ---


def _set_font(run_or_style, size: float | None = None, bold=None, italic=None) -> None:
    font = run_or_style.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    # Word picks the East Asian font slot for some Vietnamese letters: name it too.
    element = run_or_style.element
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _paragraph(
    container,
    text: str = "",
    *,
    size=14,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent=True,
    before=0,
    after=6,
):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(1) if indent else Cm(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if text:
        _set_font(p.add_run(text), size, bold, italic)
    return p


def _add(p, text: str, *, size=14, bold=False, italic=False, placeholder=False):
    """Add a run; a placeholder is italic and highlighted, for the board to replace."""
    run = p.add_run(text)
    _set_font(run, size, bold, italic or placeholder)
    if placeholder:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def _rule(container, width_mm: float, box_mm: float) -> None:
    """A short horizontal line, centred in a box ``box_mm`` wide: a bordered empty paragraph."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    side = max((box_mm - width_mm) / 2, 0)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    # A little air above, so the line never touches the letters' descenders.
    fmt.space_before = Pt(3)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.append(borders)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    p_pr.append(mark)


def _mark_size(p, size: float) -> None:
    """The size of a paragraph's mark (what an empty paragraph is as tall as)."""
    p_pr = p._p.get_or_add_pPr()
    mark = p_pr.find(qn("w:rPr"))
    if mark is None:
        mark = OxmlElement("w:rPr")
        p_pr.append(mark)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(size * 2)))
    mark.append(sz)


def _cell(table, row: int, col: int, width_mm: float):
    cell = table.cell(row, col)
    cell.width = Mm(width_mm)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    # Drop the empty paragraph a new cell starts with; callers add their own.
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    return cell


def _fixed_widths(table, widths_mm) -> None:
    """Column widths as Word and LibreOffice read them: the grid and every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _keep_together(row) -> None:
    """A table row that never splits across pages (the signature block)."""
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _two_blocks(doc, widths=(LEFT_BLOCK_MM, RIGHT_BLOCK_MM), rows=1):
    table = doc.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, widths)
    return table, widths


# --- the document ---


def periodic_docx(
    figures: Figures,
    appendix: Appendix | None = None,
    *,
    number: str = "",
    signed_on: date | None = None,
    signer_name: str = "",
) -> bytes:
    """The report for ``figures``' period; the appendix follows when given."""
    head = Letterhead.from_config(signer_name)
    signed_on = signed_on or local_today()
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    _set_font(normal, 14)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    props = doc.core_properties
    props.title = "Báo cáo tình hình hoạt động Trang thông tin điện tử"
    props.author = " ".join(head.board.split())
    props.language = "vi-VN"

    _letterhead(doc, head, number, signed_on)
    _title(doc, figures)
    _body(doc, head, figures)
    _signature(doc, head)
    if appendix is not None:
        _appendix_section(doc, appendix, number, signed_on)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _letterhead(doc, head: Letterhead, number: str, signed_on: date) -> None:
    table, (left_w, right_w) = _two_blocks(doc, rows=2)
    left, right = _cell(table, 0, 0, left_w), _cell(table, 0, 1, right_w)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(left, head.district.upper(), size=13, align=center, indent=False, after=0)
    board_lines = head.board.upper().split("\n")
    for line in board_lines:
        _paragraph(left, line.strip(), size=13, bold=True, align=center, indent=False, after=0)
    _rule(left, 25, left_w)
    _paragraph(
        right,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        size=12.5,  # 13 would not fit the line
        bold=True,
        align=center,
        indent=False,
        after=0,
    )
    _paragraph(
        right,
        "Độc lập - Tự do - Hạnh phúc",
        size=13.5,
        bold=True,
        align=center,
        indent=False,
        after=0,
    )
    _rule(right, 62, right_w)
    left, right = _cell(table, 1, 0, left_w), _cell(table, 1, 1, right_w)
    shown = number.strip() or "\u00a0" * 6
    _paragraph(left, f"Số: {shown}/BC-BBT", size=13, align=center, indent=False, before=6)
    _paragraph(
        right,
        wording.signing_date(head.place, signed_on),
        size=14,
        italic=True,
        align=center,
        indent=False,
        before=6,
    )


def _title(doc, figures: Figures) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, "BÁO CÁO", size=14, bold=True, align=center, indent=False, before=18, after=0)
    subject = wording.report_subject(figures.start, figures.end)
    _paragraph(
        doc,
        f"Tình hình hoạt động Trang thông tin điện tử của UBND huyện {subject}",
        size=14,
        bold=True,
        align=center,
        indent=False,
        after=0,
    )
    _rule(doc, 45, TEXT_WIDTH_MM)
    _paragraph(doc, "", after=6)


def _body(doc, head: Letterhead, f: Figures) -> None:
    kind = head.kind
    period = wording.period_phrase(f.start, f.end)
    later = wording.next_period_phrase(f.start, f.end)
    subject = wording.report_subject(f.start, f.end)

    p = _paragraph(doc)
    if head.basis:
        _add(p, f"Căn cứ {head.basis.rstrip('.')}. ")
    else:
        _add(p, "Căn cứ ")
        _add(
            p,
            "[Ban biên tập bổ sung: Quyết định số …/QĐ-UBND ngày … về việc kiện toàn "
            "Ban biên tập, Tổ thư ký trang thông tin điện tử]",
            placeholder=True,
        )
        _add(p, ". ")
    _add(
        p,
        f"Ban Biên tập trang thông tin điện tử của UBND {kind} báo cáo tình hình hoạt động "
        f"của Trang thông tin điện tử {period} và phương hướng, nhiệm vụ {later}, cụ thể "
        "như sau:",
    )

    _paragraph(doc, f"I. Tình hình hoạt động của Trang TTĐT {period}:", bold=True)
    p = _paragraph(doc)
    _add(p, "1. Việc triển khai các văn bản chỉ đạo: ", bold=True)
    _add(
        p,
        "[Ban biên tập bổ sung các văn bản chỉ đạo đã tham mưu, ban hành trong kỳ]",
        placeholder=True,
    )

    _paragraph(doc, "2. Kết quả viết tin, bài của các cơ quan, đơn vị:", bold=True)
    p = _paragraph(doc)
    _add(
        p,
        "[Ban biên tập bổ sung nhận xét chung về hoạt động của Trang thông tin điện tử]",
        placeholder=True,
    )
    _paragraph(
        doc,
        f"Kết quả thực hiện trong {period} đã đăng tải {wording.count(f.pieces)} tin bài, "
        f"{wording.count(len(f.categories_opened))} chuyên mục và "
        f"{wording.count(f.documents)} các loại văn bản quản lý hành chính, văn bản chỉ đạo, "
        f"điều hành của {kind}; Trang thông tin điện tử UBND {kind} đã thu hút được "
        f"{wording.grouped(f.visits_period)} lượt truy cập, nâng tổng số lượt truy cập (tính "
        f"đến ngày {f.end.day}/{f.end.month}/{f.end.year}) là {wording.grouped(f.visits_total)} "
        "lượt.",
    )
    members = sum(n for _u, n in f.busy_units[UnitGroup.MEMBER])
    collaborators = sum(n for _u, n in f.busy_units[UnitGroup.COLLABORATOR])
    _paragraph(
        doc,
        f"Trong đó: các đơn vị thuộc Ban biên tập {wording.count(members)} tin bài; các đơn vị "
        f"cộng tác {wording.count(collaborators)} tin bài (chi tiết tại Phụ lục kèm theo).",
    )
    if f.categories_opened:
        opened = "; ".join(f"“{name}”" for name in f.categories_opened)
        _paragraph(doc, f"- Mở các chuyên mục mới: {opened}.")
    p = _paragraph(doc)
    _add(p, "- ")
    _add(
        p,
        "[Ban biên tập bổ sung các nội dung khác đã cập nhật: thủ tục hành chính, lịch làm "
        "việc của lãnh đạo, thông báo, trả lời kiến nghị…]",
        placeholder=True,
    )

    _paragraph(doc, "3. Kinh phí hoạt động của Trang TTĐT", bold=True)
    _spending(doc, f, period)

    _paragraph(doc, "II. Đánh giá chung:", bold=True)
    _paragraph(doc, "1. Ưu điểm:", bold=True)
    p = _paragraph(doc)
    _add(p, "- ")
    _add(p, "[Ban biên tập bổ sung nhận xét]", placeholder=True)
    _paragraph(doc, _contributors(f, kind))

    _paragraph(doc, "2. Hạn chế:", bold=True)
    if f.idle_units:
        idle = wording.names([u.name for u in f.idle_units])
        _paragraph(
            doc,
            f"- Số lượng tin bài một số đơn vị còn hạn chế, một số đơn vị trong "
            f"{period} chưa có tin bài như: {idle} (Có phụ lục kèm theo).",
        )
    else:
        _paragraph(
            doc,
            f"- Tất cả các cơ quan, đơn vị đều có tin bài trong {period} (Có phụ lục kèm theo).",
        )
    p = _paragraph(doc)
    _add(p, "- ")
    _add(p, "[Ban biên tập bổ sung nhận xét về nội dung, chất lượng tin, bài]", placeholder=True)
    if f.uncovered_topics:
        _add(p, f" Một số lĩnh vực chưa đề cập đến như: {wording.names(f.uncovered_topics)}.")

    _paragraph(doc, f"III. Phương hướng, nhiệm vụ {later}:", bold=True)
    _paragraph(
        doc,
        f"- Đôn đốc các cơ quan, đơn vị, UBND các xã, thị trấn cung cấp đầy đủ "
        f"thông tin, tin, bài cho Trang Thông tin điện tử {kind} theo đúng quy định; "
        "nhất là các đơn vị chưa có tin bài và các lĩnh vực còn ít và thiếu thông "
        "tin.",
    )
    p = _paragraph(doc)
    _add(p, "- ")
    _add(p, "[Ban biên tập bổ sung các nhiệm vụ khác]", placeholder=True)

    closing = _paragraph(
        doc,
        f"Trên đây là báo cáo tình hình hoạt động Trang thông tin điện tử của UBND "
        f"{kind} {subject}./.",
    )
    closing.paragraph_format.keep_with_next = True  # the last words go with the signature


def _spending(doc, f: Figures, period: str) -> None:
    years = sorted(f.budgets)
    known = {y: v for y, v in f.budgets.items() if v}
    if known:
        parts = "; ".join(f"năm {y}: {wording.money(v)}" for y, v in sorted(known.items()))
        if len(years) == 1:
            parts = f"năm {years[0]}: {wording.money(known[years[0]])}"
        _paragraph(doc, f"Tổng kinh phí chi cho hoạt động của trang Thông tin điện tử {parts}.")
    else:
        p = _paragraph(doc)
        _add(
            p,
            f"[Chưa có số liệu kinh phí năm {', '.join(map(str, years))}: Ban biên tập bổ sung]",
            placeholder=True,
        )
    spending = f.spending
    details = [f"Tiền thù lao, nhuận bút tin, bài: {wording.money(spending['royalties'])}"]
    for category, amount in spending["expenses"].items():
        label = category[:1].lower() + category[1:] if category else category
        details.append(f"{label}: {wording.money(amount)}")
    text = (
        f"Trong {period} Ban Biên tập đã chi {wording.money(spending['total'])} "
        f"(Trong đó: {'; '.join(details)})"
    )
    if f.budget_percent is not None:
        text += f", bằng {wording.percent(f.budget_percent)} tổng kinh phí"
        text += " năm." if len(years) == 1 else " các năm."
    else:
        text += "."
    _paragraph(doc, text)


def _contributors(f: Figures, kind: str) -> str:
    def listed(rows):
        """Names, the busiest first; ",..." ends a list cut short, as the seed writes it."""
        shown = wording.names([u.name for u, _n in rows[:MOST_NAMED]])
        return shown + (",..." if len(rows) > MOST_NAMED else ".")

    members = f.busy_units[UnitGroup.MEMBER]
    collaborators = f.busy_units[UnitGroup.COLLABORATOR]
    if not members and not collaborators:
        return "- Trong kỳ chưa có cơ quan, đơn vị nào gửi tin, bài."
    text = "- Ban biên tập trang thông tin điện tử của UBND " + kind
    if members:
        text += f" đã nhận được sự cộng tác tích cực của các cơ quan, đơn vị như: {listed(members)}"
    else:
        text += " chưa nhận được tin, bài của các cơ quan, đơn vị thuộc Ban biên tập."
    if collaborators:
        text += (
            " Ngoài ra, Ban biên tập nhận được sự cộng tác tích cực của các cộng tác viên "
            f"từ các đơn vị: {listed(collaborators)}"
        )
    return text


def _signature(doc, head: Letterhead) -> None:
    table, (left_w, right_w) = _two_blocks(doc, widths=(68, TEXT_WIDTH_MM - 68))
    _keep_together(table.rows[0])
    left, right = _cell(table, 0, 0, left_w), _cell(table, 0, 1, right_w)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(
        left,
        "Nơi nhận:",
        size=12,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent=False,
        before=6,
        after=0,
    )
    for line in head.recipients:
        _paragraph(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, after=0)
    _paragraph(
        right,
        head.signer_authority,
        size=13,
        bold=True,
        align=center,
        indent=False,
        before=6,
        after=0,
    )
    _paragraph(right, head.signer_title, size=13, bold=True, align=center, indent=False, after=0)
    for _blank in range(4):
        _paragraph(right, "", size=14, align=center, indent=False, after=0)
    if head.signer_name:
        _paragraph(right, head.signer_name, size=13, bold=True, align=center, indent=False)
    else:
        p = _paragraph(right, "", align=center, indent=False)
        _add(p, "[Họ và tên người ký]", placeholder=True)


def _appendix_section(doc, appendix: Appendix, number: str, signed_on: date) -> None:
    n = len(appendix.columns)
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    if n > 8:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    width_mm = (section.page_width - section.left_margin - section.right_margin) / Mm(1)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for line in appendix_title_lines(appendix, number, signed_on):
        last = line.startswith("(")
        _paragraph(
            doc,
            line,
            size=13,
            bold=not last,
            italic=last,
            align=center,
            indent=False,
            after=12 if last else 0,
        )

    table = doc.add_table(rows=0, cols=n + 3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    period_w = min(12.0, (width_mm - 12 - 60 - 18) / max(n, 1))
    name_w = width_mm - 12 - 18 - period_w * n
    widths = [12, name_w, *([period_w] * n), 18]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    # Many narrow columns (weeks): a smaller type and thinner cell margins keep numbers whole.
    size = 12 if n <= 12 else 10 if n <= 20 else 9
    if n > 12:
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), "40")
            edge.set(qn("w:type"), "dxa")
            margins.append(edge)
        table._tbl.tblPr.append(margins)

    def row(values, bold=False):
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = Mm(widths[i])  # before any merge: a merged cell sums its parts
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            # Room above the Vietnamese stacked accents (Ủ, Ễ), less for many narrow columns.
            p.paragraph_format.space_before = Pt(2 if size >= 12 else 1)
            p.paragraph_format.space_after = Pt(1 if size >= 12 else 0)
            p.paragraph_format.line_spacing = 1.1
            _mark_size(p, size)  # an empty cell's height follows its paragraph mark
            p.paragraph_format.alignment = (
                WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER
            )
            if value not in (None, ""):
                _set_font(p.add_run(str(value)), size, bold)
        return cells

    first = row(
        [
            "STT",
            "Tên đơn vị",
            SHEET_BUCKET_HEADINGS[appendix.bucket],
            *([""] * (n - 1)),
            "Tổng cộng",
        ],
        bold=True,
    )
    second = row(["", "", *[c.label for c in appendix.columns], ""], bold=True)
    for header in table.rows[:2]:  # repeated at the top of every page of the table
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    first[0].merge(second[0])
    first[1].merge(second[1])
    first[-1].merge(second[-1])
    if n > 1:
        first[2].merge(first[n + 1])
    for group in appendix.groups:
        cells = row([SHEET_GROUP_HEADINGS[group.group], *([""] * (n + 2))], bold=True)
        merged = cells[0].merge(cells[-1])
        merged.paragraphs[0].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for line in group.rows:
            # Zero months blank, as on the seed's paper; the total always shows.
            row([line.stt, line.unit.name, *[c or "" for c in line.counts], line.total])
    cells = row(["Tổng cộng", "", *appendix.column_totals, appendix.total], bold=True)
    cells[0].merge(cells[1])
