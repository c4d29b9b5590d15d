"""Backups that restore: `flask backup create`, `flask backup restore`, `flask check-files`.

A populated instance (pieces with images and attachments, royalty ledger lines) is backed
up, restored into a fresh empty database and a fresh upload folder, and compared table by
table, row by row, and file by file, byte for byte. On SQLite and on PostgreSQL (the
suite's run with TEST_DATABASE_URL).
"""

import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from tests.conftest import DATABASE_URL, IS_POSTGRES, Config, _ensure_postgres_database
from tests.pieces.helpers import draft, move, people
from webapp import create_app
from webapp.backup.services import database_rows
from webapp.extensions import db
from webapp.pieces import services as pieces
from webapp.pieces.models import Attachment, PieceImage
from webapp.review.services import transition
from webapp.review.workflow import Action

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _jpeg(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _populate() -> None:
    """Two published pieces with photos and a PDF each, and their royalty lines."""
    cast = people()
    for n, colour in enumerate([(200, 30, 30), (30, 120, 200)]):
        piece = draft(cast["contributor"], title=f"Ngày hội Đại đoàn kết toàn dân tộc số {n}")
        pieces.add_image(
            cast["contributor"], piece, f"anh-{n}.jpg", _jpeg(colour), "Chú thích", "Ảnh: Hà"
        )
        pieces.add_attachment(cast["contributor"], piece, f"ke-hoach-{n}.pdf", PDF + bytes([n]))
        move(piece, cast["contributor"], "submit")
        move(piece, cast["editor"], "claim")
        transition(cast["editor"], piece, Action.APPROVE)
        transition(cast["editor"], piece, Action.PUBLISH)
    db.session.commit()


def _tables() -> dict[str, list[tuple]]:
    """Every table of the database (the schema's bookkeeping included), every row, in order."""
    names = [t.name for t in db.metadata.sorted_tables] + ["alembic_version"]
    out = {}
    with db.engine.connect() as conn:
        for name in names:
            rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()  # noqa: S608
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _restore_url(tmp_path: Path) -> str:
    if not IS_POSTGRES:
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    url = make_url(DATABASE_URL)
    target = url.set(database=f"{url.database}_restore").render_as_string(hide_password=False)
    _ensure_postgres_database(target)  # created if missing, emptied
    return target


@pytest.fixture
def source(app, tmp_path, monkeypatch):
    """The suite's database, populated with real commits, and an upload folder of its own."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", tmp_path / "uploads")
    with app.app_context():
        _populate()
    return app


@pytest.fixture
def target(tmp_path):
    """A second instance: a fresh empty database and a fresh, empty upload folder."""

    class Restored(Config):
        SQLALCHEMY_DATABASE_URI = _restore_url(tmp_path)
        UPLOAD_DIR = tmp_path / "restored-uploads"

    restored = create_app(Restored)
    yield restored
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.real_commits
def test_backup_round_trip_restores_every_row_and_every_file(source, target, tmp_path):
    out = tmp_path / "backup"
    result = source.test_cli_runner().invoke(args=["backup", "create", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"] == ("postgresql" if IS_POSTGRES else "sqlite")
    with source.app_context():
        before = _tables()
        uploads = _files(Path(source.config["UPLOAD_DIR"]))
        assert len(before["pieces"]) == 2 and len(before["royalty_entries"]) >= 2
        assert len(before["piece_images"]) == 2 and len(before["attachments"]) == 2
        assert len(uploads) == 6  # two photos, their thumbnails, two PDFs
        assert manifest["schema_revision"] == before["alembic_version"][0][0]
    assert {f["path"] for f in manifest["uploads"]} == set(uploads)

    result = target.test_cli_runner().invoke(args=["backup", "restore", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục" in result.output
    with target.app_context():
        after = _tables()
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], f"table {name} differs after the restore"
    assert _files(Path(target.config["UPLOAD_DIR"])) == uploads
    # Reading the backup left it as it was: nothing added beside the files of the manifest.
    listed = {"manifest.json", manifest["database"]["path"]}
    listed |= {f"uploads/{f['path']}" for f in manifest["uploads"]}
    assert set(_files(out)) == listed

    # The restored instance finds every file with its checksum.
    result = target.test_cli_runner().invoke(args=["check-files"])
    assert result.exit_code == 0, result.output
    assert "thiếu 0, hỏng 0, chưa có mã kiểm tra 0" in result.output

    # A second restore onto the data now there is refused, unless told.
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(out)])
    assert result.exit_code != 0
    assert "đã có dữ liệu" in result.output and "--force" in result.output
    with target.app_context():
        assert _tables() == after


@pytest.mark.real_commits
def test_a_damaged_backup_is_refused_before_anything_is_touched(source, target, tmp_path):
    out = tmp_path / "backup"
    assert (
        source.test_cli_runner().invoke(args=["backup", "create", "--out", str(out)]).exit_code == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    damaged = out / "uploads" / manifest["uploads"][0]["path"]
    data = damaged.read_bytes()
    damaged.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # one byte changed

    result = target.test_cli_runner().invoke(args=["backup", "restore", str(out)])

    assert result.exit_code != 0
    assert "không toàn vẹn" in result.output and manifest["uploads"][0]["path"] in result.output
    assert not Path(target.config["UPLOAD_DIR"]).exists() or not any(
        Path(target.config["UPLOAD_DIR"]).iterdir()
    )
    with target.app_context():
        assert not any(database_rows().values())


@pytest.mark.real_commits
def test_check_files_finds_missing_damaged_and_orphan_files(source):
    runner = source.test_cli_runner()
    with source.app_context():
        image = db.session.scalars(select(PieceImage).order_by(PieceImage.id)).first()
        attachment = db.session.scalars(select(Attachment).order_by(Attachment.id)).first()
        assert image.sha256 and image.thumb_sha256 and attachment.sha256  # filled on upload
        upload_dir = Path(source.config["UPLOAD_DIR"])
        (upload_dir / image.key).unlink()
        (upload_dir / attachment.key).write_bytes(b"%PDF-1.4 something else")
        stray = upload_dir / "ab" / ("ab" + "0" * 30 + ".jpg")
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"left behind")
        missing_key, damaged_key = image.key, attachment.key

    result = runner.invoke(args=["check-files"])

    assert result.exit_code == 1, result.output
    assert f"THIẾU   {missing_key}" in result.output
    assert f"HỎNG    {damaged_key}" in result.output
    assert f"THỪA    ab/ab{'0' * 30}.jpg" in result.output


@pytest.mark.real_commits
def test_check_files_fix_records_checksums_of_files_stored_before(source):
    with source.app_context():
        image = db.session.scalars(select(PieceImage).order_by(PieceImage.id)).first()
        image_id, expected = image.id, image.sha256
        image.sha256 = None  # as a file stored before checksums were kept
        db.session.commit()
    runner = source.test_cli_runner()

    result = runner.invoke(args=["check-files"])
    assert result.exit_code == 0, result.output
    assert "chưa có mã kiểm tra 1" in result.output

    result = runner.invoke(args=["check-files", "--fix"])
    assert result.exit_code == 0, result.output
    assert "đã ghi mã cho 1" in result.output
    with source.app_context():
        assert db.session.get(PieceImage, image_id).sha256 == expected


def test_backup_refuses_a_folder_that_is_not_empty(app, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", "create", "--out", str(tmp_path / "old")])
    assert result.exit_code != 0
    assert "đã có dữ liệu" in result.output
    shutil.rmtree(tmp_path / "old")
