"""Importing past published pieces from a CSV file, so that a district starts with its history.

The file: UTF-8, a header row, then one piece per row. Columns (any order):

- published_at: YYYY-MM-DD or DD/MM/YYYY (required);
- unit: a unit's name, trimmed, case ignored (required);
- genre: a genre's code or name (required);
- title (required);
- category: a section's name; topics: names separated by ";";
- authors: separated by ";", each "Name" or "Name:share" (shares in percent, all or none;
  without shares the amount is split equally to the đồng, the leftover to the first);
- coefficient: "1,5" or "1.5", within the genre's range in the rule set in force on the
  piece's date; body: HTML or plain text; url: the piece's old address.

Reading is strict, because a file read loosely imports the wrong thing without a word:

- UTF-8 only (with or without a BOM). A file saved as "Unicode Text" (UTF-16) or in
  Windows-1258 is refused with how to save it as "CSV UTF-8 (Comma delimited)" in Excel.
- A quote left open is refused on the line it opened on: read loosely, the rows after it
  would be merged into one cell. Only ``body`` may hold line breaks.
- An unknown column, or data in a column without a name, is an error.

Rules:

- Every row is checked before anything is written; an error names the row (the header is
  row 1) and the column, and nothing from a file with errors is imported.
- An unknown category or topic is an error, not created on the fly: a misspelt name would
  otherwise open a new section, and the board's report counts new sections.
- Each piece gets ``import_key``, a hash of (date, unit, title), so the same piece is
  recognised in this file, in the same file imported again, or in another file: it is
  skipped, not added twice.
- Imported pieces are published at 08:00 local time on their date, submitted by the
  importing admin, with a WorkflowEvent "import"; they carry no submission or decision
  time, so they stay out of the editors' turnaround figures.
- The caller commits once (or rolls back): the import flushes and never commits.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from webapp.auth.models import User
from webapp.export_safety import csv_cell
from webapp.extensions import db
from webapp.pieces.models import Piece, PieceAuthor, PieceState, SourceKind, WorkflowEvent
from webapp.royalties.admin_services import MAX_COEFFICIENT
from webapp.royalties.models import RoyaltyRuleSet
from webapp.royalties.rules import format_coefficient, parse_coefficient
from webapp.royalties.services import accrue_for_piece
from webapp.sanitize import clean_html, plain_text
from webapp.services import ServiceError
from webapp.taxonomy.models import Category, Genre, Topic
from webapp.text import clean_multiline, fold, slugify
from webapp.timeutil import LOCAL_TZ, local_today, utcnow
from webapp.units.models import Unit

COLUMNS = (
    "published_at", "unit", "genre", "title", "category", "topics", "authors", "coefficient",
    "body", "url",
)  # fmt: skip
REQUIRED = ("published_at", "unit", "genre", "title")
MAX_ROWS = 20_000
MAX_AUTHORS = 20
PUBLISHED_HOUR = time(8, 0)  # a past piece's time of day is unknown: 08:00 local
IMPORT_ACTION = "import"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("Dòng %(row)d", row=self.row)
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportRow:
    row: int
    published_on: date
    unit: Unit
    genre: Genre
    title: str
    key: str
    category: Category | None = None
    topics: list[Topic] = field(default_factory=list)
    # (name, share or None for an equal split, user id)
    authors: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    coefficient_centi: int | None = None
    body: str = ""
    url: str = ""


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    without_authors: int = 0
    royalty_lines: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class NoImporter(ServiceError):
    """The CLI found no active admin to record as the importer."""


# --- reading ---


SAVE_AS_CSV_UTF8 = _l(
    "Hãy mở tệp trong Excel, chọn Tệp → Lưu thành (File → Save As), ở ô “Kiểu tệp” "
    "(Save as type) chọn “CSV UTF-8 (Comma delimited) (*.csv)”, lưu rồi tải tệp đó lên lại."
)


def _decode(data: bytes | str) -> str:
    """The file's text: UTF-8, with or without a BOM; anything else is refused with how to
    save the file as "CSV UTF-8" (a legacy encoding decoded loosely would import mojibake)."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    # "Unicode Text" from Excel is UTF-16: a BOM, or NUL bytes between ASCII letters.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ServiceError(
            _("Tệp được lưu dạng “Unicode Text” (UTF-16), không phải CSV UTF-8.")
            + " "
            + str(SAVE_AS_CSV_UTF8)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ServiceError(
            _(
                "Tệp không phải CSV UTF-8 (dòng %(row)d có ký tự không đọc được; có thể tệp được "
                "lưu bằng bảng mã Windows-1258 hoặc TCVN3).",
                row=line,
            )
            + " "
            + str(SAVE_AS_CSV_UTF8)
        ) from None


def _delimiter(first_line: str) -> str:
    """Comma, or the semicolon or tab some spreadsheet programs write."""
    for candidate in (",", ";", "\t"):
        if "published_at" in [c.strip().lower() for c in first_line.split(candidate)]:
            return candidate
    return ","


# Only the body may hold line breaks (paragraphs); in any other cell a line break means a
# quote left open that swallowed the rows after it.
MULTILINE_COLUMNS = ("body",)


@dataclass
class _QuotedCell:
    column: int  # its position in the record
    line: int  # the line its opening quote is on
    end_line: int = 0  # the line its closing quote is on (or the last line, when none)
    closed: bool = False  # False: the text ended inside it, or a character follows its close
    ended: bool = False  # the text ended inside it


def _quoted_cells(raw: str, first_line: int, delimiter: str) -> list[_QuotedCell]:
    """The quoted cells of one record's raw text, with the lines each one opens and closes on;
    stops at the first one that is not closed properly."""
    cells: list[_QuotedCell] = []
    column, line, i, at_start = 0, first_line, 0, True
    while i < len(raw):
        char = raw[i]
        if at_start and char == '"':
            cell = _QuotedCell(column, line)
            cells.append(cell)
            i += 1
            while i < len(raw):
                char = raw[i]
                if char == '"' and raw[i + 1 : i + 2] == '"':
                    i += 2
                    continue
                if char == '"':
                    cell.closed = raw[i + 1 : i + 2] in ("", delimiter, "\r", "\n")
                    break
                if char == "\n" or (char == "\r" and raw[i + 1 : i + 2] != "\n"):
                    line += 1
                i += 1
            else:
                cell.ended = True
            cell.end_line = line
            if not cell.closed:
                return cells
            i += 1
            at_start = False
            continue
        if char == delimiter:
            column += 1
            at_start = True
        elif char in "\r\n":
            if char == "\n" or raw[i + 1 : i + 2] != "\n":
                line += 1
            at_start = True
        else:
            at_start = False
        i += 1
    return cells


def _quote_error(
    raw: str, first_line: int, delimiter: str, column: int | None = None, name: str = ""
) -> RowError:
    """The error for a quote gone wrong in one record's raw text, on the line it opened on:
    the quote not closed properly, else the one of the cell at ``column``."""
    cells = _quoted_cells(raw, first_line, delimiter)
    culprit = next((c for c in cells if not c.closed), None)
    if culprit is None:
        culprit = next((c for c in cells if c.column == column), None)
    if culprit is None:
        culprit = _QuotedCell(column or 0, first_line, first_line)
    if not culprit.closed and not culprit.ended and culprit.end_line == culprit.line:
        # "abc"def on one line: a cell closed, then more text; nothing was merged.
        return RowError(
            culprit.line,
            name,
            _(
                'Sau dấu ngoặc kép (") đóng một ô phải là dấu phẩy hoặc hết dòng. Hãy sửa ô '
                "đó rồi tải tệp lên lại."
            ),
        )
    return RowError(
        culprit.line,
        name,
        _(
            'Dấu ngoặc kép (") mở ở dòng này không được đóng, nên các dòng sau nó bị gộp vào '
            "một ô. Hãy đóng hoặc xóa dấu ngoặc kép đó rồi tải tệp lên lại."
        ),
    )


def _swallows_rows(text: str, names: list[str], delimiter: str) -> bool:
    """A body spanning lines, one of which reads as a whole row of the file: an open quote."""
    date_at = names.index("published_at")
    for line in text.splitlines()[1:]:
        cells = next(csv.reader([line], delimiter=delimiter), [])
        if len(cells) == len(names) and parse_day(cells[date_at]) is not None:
            return True
    return False


def read_records(data: bytes | str) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """The rows as (row number, {column: text}), blank rows left out; header errors.

    The row number is the file's line number (the header is line 1) where the row ends. A
    quote left open is an error on the line where it opened: read loosely, it would merge the
    rows after it into one cell.
    """
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, "", _("Tệp trống."))]
    except csv.Error:
        return [], [_quote_error("".join(lines[: reader.line_num]), 1, delimiter)]
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    errors = []
    for required in REQUIRED:
        if required not in names:
            errors.append(RowError(1, required, _("Thiếu cột bắt buộc.")))
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                ", ".join(unknown),
                _("Cột không được hỗ trợ. Các cột được dùng: %(names)s.", names=", ".join(COLUMNS)),
            )
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        errors.append(RowError(1, ", ".join(repeated), _("Cột bị lặp.")))
    if errors:
        return [], errors
    records = []
    end = reader.line_num
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raw = "".join(lines[start - 1 : reader.line_num])
            errors.append(_quote_error(raw, start, delimiter))
            if reader.line_num > start:
                break  # past a quote left open the rest of the file cannot be read reliably
            end = reader.line_num  # "abc"def on one line: the next line starts a new row
            continue
        end = reader.line_num
        cells = [clean_multiline(c) for c in cells]  # NFC: an NFD copy is the same file
        if not any(c.strip() for c in cells):
            continue
        broken = next(
            (
                i
                for i, c in enumerate(cells[: len(names)])
                if ("\n" in c or "\r" in c)
                and (names[i] not in MULTILINE_COLUMNS or _swallows_rows(c, names, delimiter))
            ),
            None,
        )
        if broken is not None:
            raw = "".join(lines[start - 1 : end])
            errors.append(_quote_error(raw, start, delimiter, broken, names[broken]))
            break
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
            errors.append(RowError(end, "", _("Dòng có nhiều ô hơn tiêu đề.")))
            continue
        headless = [
            i + 1 for i, n in enumerate(names) if not n and i < len(cells) and cells[i].strip()
        ]
        if headless:
            errors.append(
                RowError(
                    end,
                    "",
                    _(
                        "Ô thứ %(n)s có dữ liệu nhưng cột của nó không có tên ở dòng tiêu đề.",
                        n=", ".join(map(str, headless)),
                    ),
                )
            )
            continue
        cells = cells + [""] * (len(names) - len(cells))
        records.append((end, {n: c.strip() for n, c in zip(names, cells, strict=False) if n}))
        if len(records) > MAX_ROWS:
            return [], [RowError(end, "", _("Tệp quá %(n)d dòng: hãy chia nhỏ.", n=MAX_ROWS))]
    return records, errors


# --- checking ---


def _key_name(text: str) -> str:
    return " ".join(text.split()).casefold()


def import_key(published_on: date, unit_id: int, title: str) -> str:
    """sha256 of (date, unit, title): the same piece in any file gives the same key."""
    raw = f"{published_on.isoformat()}\n{unit_id}\n{_key_name(title)}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def parse_day(text: str) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None when neither, or not a real day."""
    text = text.strip()
    try:
        if match := _ISO.match(text):
            y, m, d = map(int, match.groups())
            return date(y, m, d)
        if match := _VN.match(text):
            d, m, y = map(int, match.groups())
            return date(y, m, d)
    except ValueError:
        return None
    return None


def parse_authors(text: str) -> list[tuple[str, int | None]]:
    """ "A; B:30" → [(name, share)]; with no share given, every share is None: the amount is
    then split equally to the đồng, the leftover to the first. Raises ServiceError."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if not parts:
        return []
    if len(parts) > MAX_AUTHORS:
        raise ServiceError(_("Nhiều nhất %(n)d tác giả.", n=MAX_AUTHORS))
    named: list[tuple[str, int | None]] = []
    for part in parts:
        name, share = part, None
        if ":" in part:
            name, raw = (s.strip() for s in part.rsplit(":", 1))
            if not raw.isdigit():
                raise ServiceError(
                    _("Tỉ lệ của “%(name)s” phải là số nguyên phần trăm.", name=name)
                )
            share = int(raw)
            if not 1 <= share <= 100:
                raise ServiceError(_("Tỉ lệ của mỗi tác giả phải từ 1 đến 100%."))
        name = " ".join(name.split())
        if not name:
            raise ServiceError(_("Mỗi tác giả cần có họ tên."))
        if len(name) > 120:
            raise ServiceError(_("Họ tên tác giả dài quá 120 ký tự."))
        named.append((name, share))
    given = [s for _n, s in named if s is not None]
    if given and len(given) != len(named):
        raise ServiceError(_("Ghi tỉ lệ cho tất cả tác giả, hoặc không ghi cho ai."))
    if given:
        if sum(given) != 100:
            raise ServiceError(
                _(
                    "Tổng tỉ lệ của các tác giả phải bằng 100%% (hiện là %(total)d%%).",
                    total=sum(given),
                )
            )
    return named


def _body_html(text: str) -> str:
    """HTML as written; plain text becomes paragraphs. Sanitised either way."""
    if not text:
        return ""
    if "<" not in text:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r?\n", text) if p.strip()]
        text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return clean_html(text)


class _Lookups:
    """Every name the rows may use, loaded with one query per kind, whatever the row count."""

    def __init__(self):
        units = db.session.scalars(select(Unit)).all()
        self.units = {_key_name(u.name): u for u in units}
        self.units_folded = {fold(u.name): u for u in units}
        self.genres = {}
        for genre in db.session.scalars(select(Genre)):
            self.genres[_key_name(genre.code)] = genre
            self.genres[_key_name(genre.name)] = genre
        self.categories = {_key_name(c.name): c for c in db.session.scalars(select(Category))}
        self.topics = {_key_name(t.name): t for t in db.session.scalars(select(Topic))}
        # Every rule set, newest first, genre rules loaded: few rows, one query.
        self.rule_sets = db.session.scalars(
            select(RoyaltyRuleSet).order_by(
                RoyaltyRuleSet.valid_from.desc(), RoyaltyRuleSet.id.desc()
            )
        ).all()
        self.users: dict[tuple[int | None, str], list[int]] = {}
        for user_id, name, unit_id in db.session.execute(
            select(User.id, User.full_name, User.unit_id).where(User.active.is_(True))
        ):
            self.users.setdefault((unit_id, _key_name(name)), []).append(user_id)

    def unit_hint(self, text: str) -> str:
        near = self.units_folded.get(fold(text))
        return _(" Có phải “%(name)s”?", name=near.name) if near else ""

    def coefficient_problem(self, genre: Genre, day: date, centi: int) -> str | None:
        """Why a coefficient is refused: outside the genre's range in the rule set in force
        on ``day`` (as the approve form checks it), or absurd when no rule covers the day."""
        rule_set = next(
            (
                r
                for r in self.rule_sets
                if r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)
            ),
            None,
        )
        rule = (
            next((r for r in rule_set.genre_rules if r.genre_id == genre.id), None)
            if rule_set
            else None
        )
        if rule is None:
            return _("Hệ số không được lớn hơn 100.") if centi > MAX_COEFFICIENT else None
        if not rule.min_centi <= centi <= rule.max_centi:
            return _(
                "Hệ số của thể loại “%(genre)s” phải từ %(low)s đến %(high)s.",
                genre=genre.name,
                low=format_coefficient(rule.min_centi),
                high=format_coefficient(rule.max_centi),
            )
        return None

    def user_for(self, unit_id: int, name: str) -> int | None:
        """An author who is the one active user of that name in the unit becomes that user."""
        found = self.users.get((unit_id, _key_name(name)), [])
        return found[0] if len(found) == 1 else None


def check_rows(records: list[tuple[int, dict]]) -> tuple[list[ImportRow], list[RowError]]:
    """Turn the records into rows to import, or report every error with its row and column."""
    look = _Lookups()
    today = local_today()
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for number, cells in records:
        found: list[RowError] = []

        def fail(column: str, message: str, number=number, found=found) -> None:
            found.append(RowError(number, column, message))

        published_on = parse_day(cells.get("published_at", ""))
        if published_on is None:
            fail(
                "published_at",
                _(
                    "Ngày “%(v)s” không hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY).",
                    v=cells.get("published_at", ""),
                ),
            )
        elif published_on > today:
            fail("published_at", _("Ngày đăng ở tương lai."))
        unit_name = cells.get("unit", "")
        unit = look.units.get(_key_name(unit_name))
        if unit is None:
            fail("unit", _("Không có đơn vị “%(v)s”.", v=unit_name) + look.unit_hint(unit_name))
        genre = look.genres.get(_key_name(cells.get("genre", "")))
        if genre is None:
            fail("genre", _("Không có thể loại “%(v)s”.", v=cells.get("genre", "")))
        title = " ".join(cells.get("title", "").split())
        if not title:
            fail("title", _("Thiếu tiêu đề."))
        elif len(title) > 300:
            fail("title", _("Tiêu đề dài quá 300 ký tự."))
        category = None
        if name := cells.get("category", ""):
            category = look.categories.get(_key_name(name))
            if category is None:
                fail("category", _("Không có chuyên mục “%(v)s”.", v=name))
        topics = []
        for name in (t.strip() for t in cells.get("topics", "").split(";")):
            if not name:
                continue
            topic = look.topics.get(_key_name(name))
            if topic is None:
                fail("topics", _("Không có lĩnh vực “%(v)s”.", v=name))
            elif topic not in topics:
                topics.append(topic)
        try:
            authors = parse_authors(cells.get("authors", ""))
        except ServiceError as err:
            fail("authors", str(err.message))
            authors = []
        coefficient = None
        if raw := cells.get("coefficient", ""):
            try:
                coefficient = parse_coefficient(raw)
            except ServiceError as err:
                fail("coefficient", str(err.message))
            else:
                problem = (
                    look.coefficient_problem(genre, published_on, coefficient)
                    if genre is not None and published_on is not None
                    else None
                )
                if problem:
                    fail("coefficient", problem)
        url = cells.get("url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            fail("url", _("Đường dẫn phải bắt đầu bằng http:// hoặc https://"))
        elif len(url) > 500:
            fail("url", _("Đường dẫn dài quá 500 ký tự."))
        if found:
            errors.extend(found)
            continue
        rows.append(
            ImportRow(
                row=number,
                published_on=published_on,
                unit=unit,
                genre=genre,
                title=title,
                key=import_key(published_on, unit.id, title),
                category=category,
                topics=topics,
                authors=[(n, s, look.user_for(unit.id, n)) for n, s in authors],
                coefficient_centi=coefficient,
                body=cells.get("body", ""),
                url=url,
            )
        )
    return rows, errors


def _existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 500):  # a bounded IN list on both engines
        chunk = keys[i : i + 500]
        found.update(
            db.session.scalars(select(Piece.import_key).where(Piece.import_key.in_(chunk)))
        )
    return found


# --- writing ---


def first_admin() -> User:
    """The CLI's importer: the first active admin."""
    from webapp.auth.models import UserRole
    from webapp.roles import Role

    user = db.session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    if user is None:
        raise NoImporter(
            _(
                "Chưa có tài khoản quản trị nào đang hoạt động: hãy tạo một tài khoản quản trị "
                "trước khi nhập tin, bài."
            )
        )
    return user


def _published_at(day: date) -> datetime:
    local = datetime.combine(day, PUBLISHED_HOUR, tzinfo=LOCAL_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def import_pieces(
    data: bytes | str,
    actor: User,
    *,
    dry_run: bool = False,
    with_royalties: bool = False,
    source: str = "",
) -> ImportResult:
    """Check the whole file, then add its new pieces in the caller's transaction.

    With errors, or with ``dry_run``, nothing is written. ``with_royalties`` accrues each
    imported piece's royalty as if it had been published on its date.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        records, result.errors = read_records(data)
    except ServiceError as err:
        result.errors = [RowError(1, "", str(err.message))]
        return result
    result.rows = len(records)
    rows, errors = check_rows(records)
    result.errors.extend(errors)
    result.errors.sort(key=lambda e: e.row)
    if result.errors:
        return result
    present = _existing_keys([r.key for r in rows])
    new_rows = []
    for row in rows:
        if row.key in present:
            result.skipped += 1
            continue
        present.add(row.key)  # the same piece twice in one file: the second is skipped
        new_rows.append(row)
    result.imported = len(new_rows)
    result.without_authors = sum(1 for r in new_rows if not r.authors)
    if dry_run or not new_rows:
        return result

    now = utcnow()
    note = _("Nhập tin, bài đã đăng trước đây") + (f" ({source})" if source else "")
    for row in new_rows:
        published_at = _published_at(row.published_on)
        body = _body_html(row.body)
        piece = Piece(
            unit_id=row.unit.id,
            submitter_id=actor.id,
            genre_id=row.genre.id,
            category_id=row.category.id if row.category else None,
            title=row.title,
            lead="",
            body=body,
            search_text=fold(f"{row.title}\n\n{plain_text(body)}"),
            source_kind=SourceKind.ORIGINAL,
            source_url=row.url,
            state=PieceState.PUBLISHED,
            coefficient_centi=row.coefficient_centi,
            modifier_codes=[],
            created_at=published_at,
            updated_at=now,
            published_at=published_at,
            slug=slugify(row.title, 120),
            import_key=row.key,
            topics=row.topics,
            authors=[
                PieceAuthor(position=i, name=name, share=share, user_id=user_id)
                for i, (name, share, user_id) in enumerate(row.authors)
            ],
        )
        db.session.add(piece)
        result.pieces.append(piece)
    db.session.flush()
    for piece, row in zip(result.pieces, new_rows, strict=True):
        db.session.add(
            WorkflowEvent(
                piece_id=piece.id,
                actor_id=actor.id,
                action=IMPORT_ACTION,
                from_state=PieceState.DRAFT.value,
                to_state=PieceState.PUBLISHED.value,
                comment=f"{note}, {_('dòng %(n)d', n=row.row)}",
                created_at=now,
            )
        )
    db.session.flush()
    if with_royalties:
        for piece in result.pieces:
            result.royalty_lines += len(accrue_for_piece(piece, actor=actor))
    return result


def imported_count() -> int:
    return db.session.scalar(select(func.count(Piece.id)).where(Piece.import_key.is_not(None)))


SAMPLE = [
    {
        "published_at": "2021-01-15",
        "unit": "Công an huyện",
        "genre": "tin",
        "title": "Ra quân bảo đảm trật tự an toàn giao thông dịp Tết",
        "category": "Tin tức - Sự kiện",
        "topics": "Quốc phòng - an ninh",
        "authors": "Lê Văn An",
        "coefficient": "1,5",
        "body": "<p>Sáng nay, Công an huyện tổ chức lễ ra quân…</p>",
        "url": "",
    },
    {
        "published_at": "20/02/2021",
        "unit": "Huyện Đoàn",
        "genre": "bai",
        "title": "Tuổi trẻ huyện nhà chung tay xây dựng nông thôn mới",
        "category": "",
        "topics": "Kinh tế; Nông nghiệp",
        "authors": "Ksor Thanh Niên:60; Nguyễn Văn Bình:40",
        "coefficient": "",
        "body": "",
        "url": "https://example.org/tin-cu/123",
    },
]


def sample_csv() -> str:
    """A small example file with every column, for the upload page."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: csv_cell(value) for name, value in row.items()} for row in SAMPLE)
    return out.getvalue()
