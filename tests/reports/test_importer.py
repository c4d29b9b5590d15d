"""Importing past pieces: all rows checked first, errors named by row, nothing twice."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_user
from tests.reports.helpers import import_rows, to_csv
from webapp.extensions import db
from webapp.pieces.models import Piece, PieceAuthor, PieceState, WorkflowEvent
from webapp.reports.importer import import_pieces, parse_authors, parse_day, sample_csv
from webapp.royalties.models import Payee, RoyaltyEntry
from webapp.services import ServiceError


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _state():
    return {m.__name__: _count(m) for m in (Piece, PieceAuthor, WorkflowEvent, RoyaltyEntry, Payee)}


def test_a_bad_row_in_the_middle_leaves_the_database_unchanged(district):
    rows = import_rows()
    rows[120]["unit"] = "Phòng Không Có"  # data row 121 is line 122 (the header is line 1)
    before = _state()
    result = import_pieces(to_csv(rows), district, with_royalties=True)
    assert not result.ok and result.imported == 0
    assert [(e.row, e.column) for e in result.errors] == [(122, "unit")]
    assert "Phòng Không Có" in result.errors[0].message
    assert str(result.errors[0]).startswith("Dòng 122, unit:")
    assert _state() == before


def test_every_error_is_reported_with_its_row_and_column(district):
    rows = import_rows()[:10]
    rows[1]["published_at"] = "31/02/2021"
    rows[2]["genre"] = "phóng sự"
    rows[3]["category"] = "Chuyên mục mới toanh"
    rows[4]["topics"] = "Kinh tế; Không có lĩnh vực này"
    rows[5]["coefficient"] = "một rưỡi"
    rows[6]["authors"] = "An:70; Bình:20"
    rows[7]["title"] = " "
    rows[8]["url"] = "javascript:alert(1)"
    rows[9]["unit"] = "Cong an huyen"
    result = import_pieces(to_csv(rows), district)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "published_at"),
        (4, "genre"),
        (5, "category"),
        (6, "topics"),
        (7, "coefficient"),
        (8, "authors"),
        (9, "title"),
        (10, "url"),
        (11, "unit"),
    ]
    assert "Có phải “Công an huyện”?" in result.errors[-1].message
    assert _count(Piece) == 0


def test_header_problems_are_row_one(district):
    result = import_pieces("published_at,unit,title,categroy\n2021-01-01,x,y,z\n", district)
    assert [(e.row, e.column) for e in result.errors] == [(1, "genre"), (1, "categroy")]
    assert import_pieces(b"\xff\xfe bad", district).errors[0].row == 1
    assert import_pieces("", district).errors[0].row == 1


def test_a_repeated_import_adds_nothing(district):
    text = to_csv(import_rows())
    first = import_pieces(text, district)
    assert (first.imported, first.skipped) == (242, 0)
    db.session.commit()
    before = _state()
    again = import_pieces(text, district)
    assert (again.imported, again.skipped) == (0, 242)
    assert _state() == before
    # The same piece in another file, its date and unit written differently, is recognised.
    row = import_rows()[0]
    other = dict(
        row,
        published_at="/".join(reversed(row["published_at"].split("-"))),
        unit=row["unit"].upper(),
        title=f"  {row['title']}  ",
    )
    assert import_pieces(to_csv([other]), district).skipped == 1


def test_the_same_piece_twice_in_one_file_is_imported_once(district):
    row = import_rows()[0]
    result = import_pieces(to_csv([row, row]), district)
    assert (result.imported, result.skipped) == (1, 1)


def test_an_imported_piece_is_published_on_its_date_at_eight(district):
    row = {
        "published_at": "15/03/2021",
        "unit": "Công an huyện",
        "genre": "Bài",
        "title": "Đảm bảo  an ninh trật tự dịp lễ",
        "category": "Tin tức - Sự kiện",
        "topics": "Quốc phòng - an ninh; kinh tế",
        "authors": "Lê Văn An; Trần Bình; Võ Cúc",
        "coefficient": "2,5",
        "body": "<p>Nội dung <script>alert(1)</script>chính.</p>",
        "url": "https://dakdoa.gialai.gov.vn/tin/123",
    }
    result = import_pieces(to_csv([row]), district, source="cu.csv")
    assert result.ok and result.imported == 1
    piece = result.pieces[0]
    assert piece.state is PieceState.PUBLISHED
    assert piece.published_at == datetime(2021, 3, 15, 1, 0)  # 08:00 in Đak Đoa
    assert piece.submitter_id == district.id
    assert piece.unit.name == "Công an huyện" and piece.genre.code == "bai"
    assert piece.title == "Đảm bảo an ninh trật tự dịp lễ"
    assert sorted(t.name for t in piece.topics) == ["Kinh tế", "Quốc phòng - an ninh"]
    # Without shares: an equal split of the amount, not of the percentage.
    assert [(a.name, a.share) for a in piece.authors] == [
        ("Lê Văn An", None),
        ("Trần Bình", None),
        ("Võ Cúc", None),
    ]
    assert piece.authors[0].user_id is not None  # the demo account of that name, in that unit
    assert piece.coefficient_centi == 250
    assert "script" not in piece.body and "alert" not in piece.body
    assert "dam bao an ninh trat tu" in piece.search_text
    assert piece.source_url == row["url"] and piece.slug.startswith("dam-bao-an-ninh")
    assert piece.first_submitted_at is None and piece.decided_at is None
    event = db.session.scalar(select(WorkflowEvent).where(WorkflowEvent.piece_id == piece.id))
    assert (event.action, event.from_state, event.to_state) == ("import", "draft", "published")
    assert event.actor_id == district.id and "dòng 2" in event.comment


def test_with_royalties_each_piece_accrues_as_of_its_date(district):
    rows = [
        {
            "published_at": "2021-02-10",
            "unit": "Huyện Đoàn",
            "genre": "tin",
            "title": "Tuổi trẻ ra quân",
            "authors": "Ksor Hà:60; Người Mới Hẳn:40",
        },
        {
            "published_at": "2021-04-01",
            "unit": "Huyện Đoàn",
            "genre": "tin",
            "title": "Không tác giả",
            "authors": "",
        },
    ]
    result = import_pieces(to_csv(rows), district, with_royalties=True)
    assert result.ok and result.royalty_lines == 2 and result.without_authors == 1
    lines = db.session.scalars(select(RoyaltyEntry).order_by(RoyaltyEntry.share.desc())).all()
    assert [(e.period, e.published_on.isoformat(), e.share) for e in lines] == [
        ("2021-02", "2021-02-10", 60),
        ("2021-02", "2021-02-10", 40),
    ]
    assert lines[0].amount + lines[1].amount == lines[0].piece_amount > 0
    payees = set(db.session.scalars(select(Payee.full_name)))
    assert {"Ksor Hà", "Người Mới Hẳn"} <= payees  # authors become payees


def test_dry_run_writes_nothing(district):
    before = _state()
    result = import_pieces(to_csv(import_rows()), district, dry_run=True)
    assert result.ok and result.imported == 242 and _state() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An", [("An", None)]),
        ("An; Bình; Cúc", [("An", None), ("Bình", None), ("Cúc", None)]),
        ("An;Bình;Cúc;Dũng;Em;Giang", [(n, None) for n in "An Bình Cúc Dũng Em Giang".split()]),
        ("An:70; Bình:30", [("An", 70), ("Bình", 30)]),
        ("Nguyễn Văn A : 100", [("Nguyễn Văn A", 100)]),
        ("", []),
    ],
)
def test_author_shares(text, expected):
    assert parse_authors(text) == expected


@pytest.mark.parametrize("text", ["An:70; Bình", "An:60; Bình:30", "An:0", "An:abc", ":100"])
def test_bad_author_shares(app, text):
    with app.test_request_context(), pytest.raises(ServiceError):
        parse_authors(text)


def test_dates_in_either_format():
    assert parse_day("2021-03-05") == parse_day("05/03/2021") == parse_day("5/3/2021")
    assert parse_day("2021-02-30") is None and parse_day("03-05-2021") is None


def test_the_cli_imports_once_and_names_bad_rows(app, district, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "h1.csv"
    good.write_text(to_csv(import_rows()), encoding="utf-8")
    result = runner.invoke(args=["import-pieces", str(good), "--dry-run"])
    assert result.exit_code == 0 and "sẽ nhập 242" in result.output
    assert _count(Piece) == 0
    result = runner.invoke(args=["import-pieces", str(good), "--with-royalties"])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 242 tin, bài; bỏ qua 0" in result.output
    assert _count(RoyaltyEntry) > 0
    result = runner.invoke(args=["import-pieces", str(good)])
    assert "Đã nhập 0 tin, bài; bỏ qua 242" in result.output
    rows = import_rows()
    rows[50]["genre"] = "không rõ"
    bad = tmp_path / "bad.csv"
    bad.write_text(to_csv(rows), encoding="utf-8")
    before = _state()
    result = runner.invoke(args=["import-pieces", str(bad)])
    assert result.exit_code != 0
    assert "Dòng 52, genre" in result.output and "chưa nhập dòng nào" in result.output
    assert _state() == before


def test_the_cli_needs_an_admin(app, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("published_at,unit,genre,title\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-pieces", str(path)])
    assert result.exit_code != 0 and "tài khoản quản trị" in result.output


def _upload(client, text, **fields):
    from io import BytesIO

    data = {"file": (BytesIO(text.encode("utf-8")), "tin-cu.csv"), **fields}
    return post(
        client, "/bao-cao/nhap-tin-bai", data, htmx=True, content_type="multipart/form-data"
    )


def test_the_upload_page_imports_and_reports(client, district):
    login(client, make_user("admin"))
    page = client.get("/bao-cao/nhap-tin-bai").get_data(as_text=True)
    assert 'hx-encoding="multipart/form-data"' in page and 'hx-indicator="#import-busy"' in page
    assert "<progress" in page and 'data-upload-progress="#import-upload"' in page
    rows = import_rows()
    rows[99]["published_at"] = "2021-13-01"
    response = _upload(client, to_csv(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "chưa nhập dòng nào" in html and '<td class="num">101</td>' in html
    assert _count(Piece) == 0
    response = _upload(client, to_csv(import_rows()), with_royalties="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã nhập 242 tin, bài; bỏ qua 0 tin, bài đã có." in html
    assert "start=2021-01-01" in html  # a link to the appendix of what was imported
    html = _upload(client, to_csv(import_rows())).get_data(as_text=True)
    assert "Đã nhập 0 tin, bài; bỏ qua 242 tin, bài đã có." in html
    assert _count(Piece) == 242


def test_the_upload_page_checks_only_when_asked_and_refuses_other_files(client, district):
    login(client, make_user("admin"))
    html = _upload(client, to_csv(import_rows()), dry_run="y").get_data(as_text=True)
    assert "sẽ nhập 242 tin, bài" in html and _count(Piece) == 0
    from io import BytesIO

    response = post(
        client,
        "/bao-cao/nhap-tin-bai",
        {"file": (BytesIO(b"x"), "anh.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Chỉ nhận tệp .csv" in response.get_data(as_text=True)


def test_the_sample_file_imports_cleanly(client, district):
    login(client, make_user("admin"))
    response = client.get("/bao-cao/nhap-tin-bai/mau.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert import_pieces(sample_csv(), district).ok


# --- strict reading: open quotes, encodings, columns ---


def _plain_rows(n: int) -> list[dict]:
    """Rows whose lines hold no quote at all (no comma in any cell), to put one in by hand."""
    rows = [r for r in import_rows() if "," not in "".join(r.values())][:n]
    assert len(rows) == n
    return rows


def _lines_of(rows) -> list[str]:
    lines = to_csv(rows).splitlines(keepends=True)
    assert '"' not in "".join(lines)
    return lines


def _open_quote_in_title(lines: list[str], index: int) -> None:
    """Line ``index`` (0-based) gets a quote before its title that is never closed."""
    cells = lines[index].split(",")
    cells[3] = '"' + cells[3]
    lines[index] = ",".join(cells)


@pytest.mark.parametrize("closed_by", ["end of file", "a later quoted cell", "a later inch sign"])
def test_an_unbalanced_quote_is_refused_on_the_line_it_opened(district, closed_by):
    rows = _plain_rows(12)
    lines = _lines_of(rows)
    _open_quote_in_title(lines, 5)  # data row 5 is line 6 of the file
    if closed_by == "a later quoted cell":
        lines[9] = lines[9].replace(rows[8]["title"], f'"{rows[8]["title"]}, họp bàn"')
    elif closed_by == "a later inch sign":
        lines[9] = lines[9].replace(rows[8]["title"], 'Tặng tivi 55"')
    before = _state()
    result = import_pieces("".join(lines), district)
    assert not result.ok and result.imported == 0
    [error] = result.errors
    assert error.row == 6
    assert str(error).startswith("Dòng 6") and "ngoặc kép" in error.message
    assert _state() == before


def test_a_quote_left_open_in_the_body_is_refused_too(district):
    rows = _plain_rows(8)
    for row in rows:
        row["body"] = "Nội dung."
    lines = _lines_of(rows)
    lines[3] = lines[3].replace(",Nội dung.,", ',"Nội dung.,', 1)
    result = import_pieces("".join(lines), district)
    assert [(e.row, e.column) for e in result.errors] == [(4, "")]
    assert "ngoặc kép" in result.errors[0].message and _count(Piece) == 0


def test_text_after_a_closing_quote_is_refused_on_its_line(district):
    rows = _plain_rows(8)
    rows[6]["genre"] = "phóng sự"
    lines = _lines_of(rows)
    lines[2] = lines[2].replace(rows[1]["title"], f'"{rows[1]["title"]}" (ảnh)')
    result = import_pieces("".join(lines), district)
    assert [(e.row, e.column) for e in result.errors] == [(3, ""), (8, "genre")]
    assert "phải là dấu phẩy hoặc hết dòng" in result.errors[0].message
    assert _count(Piece) == 0


def test_a_body_on_several_lines_still_imports(district):
    row = dict(import_rows()[0], body="Đoạn một, có dấu phẩy.\n\nĐoạn hai “trích”.")
    text = to_csv([row, import_rows()[1]])
    assert '"Đoạn một' in text  # quoted by the CSV writer, as a spreadsheet would
    result = import_pieces(text, district)
    assert result.ok and result.imported == 2
    assert result.pieces[0].body == "<p>Đoạn một, có dấu phẩy.</p><p>Đoạn hai “trích”.</p>"


def _cp1258(text: str) -> bytes:
    """What Excel writes for "CSV (Comma delimited)" on a Vietnamese Windows: Windows-1258,
    where the tone marks are separate (combining) characters."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it(district):
    text = to_csv(import_rows()[:5])
    legacy = _cp1258(text)
    unicode_text = text.replace(",", "\t").encode("utf-16")  # Excel's "Unicode Text"
    no_bom = text.encode("utf-16-le")
    for data in (legacy, unicode_text, no_bom):
        result = import_pieces(data, district)
        assert not result.ok and result.imported == 0
        [error] = result.errors
        assert "CSV UTF-8 (Comma delimited)" in error.message
        assert "Lưu thành (File → Save As)" in error.message
    assert "Windows-1258" in import_pieces(legacy, district).errors[0].message
    assert "dòng 2" in import_pieces(legacy, district).errors[0].message  # the first Vietnamese
    assert "UTF-16" in import_pieces(unicode_text, district).errors[0].message
    assert _count(Piece) == 0
    # The same file saved as "CSV UTF-8" (with its BOM) imports.
    result = import_pieces(text.encode("utf-8-sig"), district)
    assert result.ok and result.imported == 5


def test_unknown_or_unnamed_columns_are_errors(district):
    result = import_pieces(
        "published_at,unit,genre,title,tac_gia\n2021-01-05,Công an huyện,tin,Tin,An\n", district
    )
    [error] = result.errors
    assert (error.row, error.column) == (1, "tac_gia")
    assert "authors" in error.message  # the columns that are read are listed
    row = import_rows()[0]
    text = "published_at,unit,genre,title,\n" + ",".join(
        [row["published_at"], "Công an huyện", "tin", "Tin một", "Lê Văn An"]
    )
    result = import_pieces(text + "\n", district)
    assert [(e.row, e.column) for e in result.errors] == [(2, "")]
    assert "Ô thứ 5" in result.errors[0].message and _count(Piece) == 0


def test_the_upload_page_explains_a_file_saved_in_another_encoding(client, district):
    from io import BytesIO

    login(client, make_user("admin"))
    data = to_csv(import_rows()[:3]).encode("utf-16")
    response = post(
        client,
        "/bao-cao/nhap-tin-bai",
        {"file": (BytesIO(data), "tin-cu.csv")},
        htmx=True,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "CSV UTF-8 (Comma delimited)" in response.get_data(as_text=True)
    assert _count(Piece) == 0


def test_the_cli_refuses_an_open_quote_and_writes_nothing(app, district, tmp_path):
    lines = _lines_of(_plain_rows(6))
    _open_quote_in_title(lines, 2)
    path = tmp_path / "bad.csv"
    path.write_text("".join(lines), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-pieces", str(path)])
    assert result.exit_code != 0
    assert "Dòng 3" in result.output and "ngoặc kép" in result.output
    assert _count(Piece) == 0


def test_authors_without_shares_split_the_amount_equally_to_the_dong(district):
    row = {
        "published_at": "2021-02-10",
        "unit": "Huyện Đoàn",
        "genre": "tin",
        "title": "Ba tác giả chia đều",
        "authors": "Ksor Hà; Người Mới Hẳn; Đinh Thị Cúc",
        "coefficient": "1",
    }
    result = import_pieces(to_csv([row]), district, with_royalties=True)
    assert result.ok and result.royalty_lines == 3
    lines = db.session.scalars(select(RoyaltyEntry).order_by(RoyaltyEntry.id)).all()
    # 1,00 × 10 % × 1.490.000 = 149.000 đ: 49.666 each and the 2 đ left over to the first,
    # not 34/33/33 % (50.660 + 49.170 + 49.170).
    assert [e.amount for e in lines] == [49_668, 49_666, 49_666]
    assert [e.payee.full_name for e in lines] == ["Ksor Hà", "Người Mới Hẳn", "Đinh Thị Cúc"]
    assert all(e.share is None and e.piece_amount == 149_000 for e in lines)


@pytest.mark.parametrize("coefficient", ["8000", "10000", "8.000", "2,5"])
def test_a_coefficient_outside_the_genres_range_is_refused_with_its_row(district, coefficient):
    rows = [
        {"published_at": "2021-02-10", "unit": "Huyện Đoàn", "genre": "tin", "title": "Đúng",
         "coefficient": "1,5"},
        {"published_at": "2021-02-11", "unit": "Huyện Đoàn", "genre": "tin", "title": "Sai",
         "coefficient": coefficient},
    ]  # fmt: skip
    before = _state()
    result = import_pieces(to_csv(rows), district, with_royalties=True)
    assert not result.ok and result.imported == 0
    assert [(e.row, e.column) for e in result.errors] == [(3, "coefficient")]
    assert str(result.errors[0]) == (
        "Dòng 3, coefficient: Hệ số của thể loại “Tin” phải từ 0,50 đến 2,00."
    )
    assert _state() == before
    assert db.session.scalar(select(func.count(RoyaltyEntry.id))) == 0


def test_every_imported_piece_splits_to_the_dong_with_or_without_shares(district):
    """A property over many rows, through the import and the ledger: equal splits are equal
    but for the first author (fewer than n đồng more); explicit shares add up exactly."""
    from random import Random

    rng = Random(2026)
    rows = []
    for k in range(40):
        count = rng.randint(1, 7)
        names = [f"Cộng tác viên {k}-{i}" for i in range(count)]
        if k % 2:  # explicit shares summing to 100
            cuts = sorted(rng.sample(range(1, 100), count - 1))
            shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
            authors = "; ".join(f"{n}:{s}" for n, s in zip(names, shares, strict=True))
        else:
            authors = "; ".join(names)
        rows.append(
            {
                "published_at": f"2021-03-{1 + k % 28:02d}",
                "unit": "Huyện Đoàn",
                "genre": "tin",
                "title": f"Tin chia nhuận bút số {k}",
                "authors": authors,
                "coefficient": f"{rng.randint(50, 200) / 100:.2f}".replace(".", ","),
            }
        )
    result = import_pieces(to_csv(rows), district, with_royalties=True)
    assert result.ok and result.imported == 40
    for piece, row in zip(result.pieces, rows, strict=True):
        lines = db.session.scalars(
            select(RoyaltyEntry).where(RoyaltyEntry.piece_id == piece.id).order_by(RoyaltyEntry.id)
        ).all()
        total = lines[0].piece_amount
        assert len(lines) == len(row["authors"].split(";"))
        assert sum(line.amount for line in lines) == total > 0
        if ":" in row["authors"]:
            shares = [int(a.rsplit(":", 1)[1]) for a in row["authors"].split(";")]
            assert [line.share for line in lines] == shares
            assert [line.amount for line in lines[1:]] == [total * s // 100 for s in shares[1:]]
        else:
            n = len(lines)
            assert all(line.share is None for line in lines)
            assert all(line.amount == total // n for line in lines[1:])
            assert 0 <= lines[0].amount - total // n < n
