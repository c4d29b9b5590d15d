"""Backups: the database and the uploads, with a manifest of checksums.

A backup is a folder::

    manifest.json          what is in it: engine, schema revision, sha256 of every file
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: ``pg_dump --format=custom``
    uploads/3f/3fa2….jpg   every file under UPLOAD_DIR

The manifest is written last: a folder without one is not a finished backup. Restoring
checks every checksum before it touches anything, and refuses a database (or an
upload folder) that already holds data unless told to replace it.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from webapp import storage
from webapp.extensions import db
from webapp.timeutil import utcnow

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Vietnamese."""


# --- helpers ------------------------------------------------------------------------------


def _engine_name() -> str:
    return db.engine.dialect.name


def _sqlite_path() -> Path:
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def _libpq() -> tuple[str, dict]:
    """The database URL as pg_dump and pg_restore understand it (no SQLAlchemy driver), and
    their environment: the password goes there, not on the command line others can see."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"Không tìm thấy lệnh {name} (gói postgresql-client, cùng phiên bản chính với "
            "máy chủ PostgreSQL, hoặc mới hơn)."
        )
    return found


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} thất bại: {result.stderr.strip()[:2000]}")


def schema_revision() -> str | None:
    """The Alembic revision the database is at (None for a database never migrated)."""
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _file_entry(root: Path, relative: str) -> dict:
    target = root / relative
    return {
        "path": relative,
        "size": target.stat().st_size,
        "sha256": storage.file_checksum(target),
    }


def database_rows() -> dict[str, int]:
    """Rows in each of the application's tables (the schema's own bookkeeping left out)."""
    names = set(inspect(db.engine).get_table_names())
    counts = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in names:
                counts[table.name] = conn.scalar(select(func.count()).select_from(table))
    return counts


# --- create -------------------------------------------------------------------------------


def create_backup(out: Path) -> dict:
    """Write a backup of the database and the uploads into the folder ``out``.

    The database is copied first, then the uploads: a file uploaded meanwhile is in the
    backup without a row that refers to it (harmless; check-files lists it as an orphan).
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"Thư mục {out} đã có dữ liệu; hãy chọn một thư mục mới hoặc trống.")
    out.mkdir(parents=True, exist_ok=True)
    engine = _engine_name()
    revision = schema_revision()
    if engine == "sqlite":
        database_file = SQLITE_FILE
        db.session.remove()
        source = sqlite3.connect(_sqlite_path())
        target = sqlite3.connect(out / database_file)
        try:
            # The online backup API: a consistent copy while the web server and the job
            # runner keep working (it restarts by itself when they write meanwhile).
            source.backup(target)
            # A self-contained file: reading the backup later writes nothing beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
    elif engine == "postgresql":
        database_file = PG_FILE
        url, env = _libpq()
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={out / database_file}",
                f"--dbname={url}",
            ],
            env,
        )
    else:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {engine}.")

    upload_root = Path(current_app.config["UPLOAD_DIR"])
    files = []
    for relative in storage.files_on_disk():
        target = out / UPLOADS / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(upload_root / relative, target)
        files.append(_file_entry(out / UPLOADS, relative))

    manifest = {
        "format": FORMAT,
        "application": "toasoan",
        "created_at": utcnow().isoformat(timespec="seconds") + "Z",
        "engine": engine,
        "schema_revision": revision,
        "database": _file_entry(out, database_file),
        "uploads": files,
    }
    # Last, and through a temporary name: a folder with a manifest is a finished backup.
    partial = out / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    partial.replace(out / MANIFEST)
    return manifest


# --- verify and restore -------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"Không có {MANIFEST} trong {source}: đây không phải một bản sao lưu hoàn chỉnh."
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("application") != "toasoan":
        raise BackupError(f"{path} không phải bản kê của một bản sao lưu Tòa soạn.")
    return manifest


def verify_backup(source: Path) -> dict:
    """The manifest, once every file it lists is there with its checksum; BackupError if not."""
    source = Path(source)
    manifest = read_manifest(source)
    problems = []
    entries = [(source, manifest["database"])]
    entries += [(source / UPLOADS, entry) for entry in manifest["uploads"]]
    for root, entry in entries:
        target = root / entry["path"]
        if not target.is_file():
            problems.append(f"thiếu tệp {target}")
        elif storage.file_checksum(target) != entry["sha256"]:
            problems.append(f"tệp {target} đã bị thay đổi hoặc hỏng (sai mã kiểm tra)")
    if problems:
        raise BackupError("Bản sao lưu không toàn vẹn:\n" + "\n".join(problems))
    return manifest


def restore_backup(source: Path, force: bool = False) -> dict:
    """Restore a verified backup into this instance's database and upload folder.

    Refuses a database that holds rows, or an upload folder that holds files, unless
    ``force``: then the database is replaced and the backup's files are written over
    the folder's (other files there stay, and check-files lists them as orphans).
    """
    source = Path(source)
    manifest = verify_backup(source)
    engine = _engine_name()
    if manifest["engine"] != engine:
        raise BackupError(
            f"Bản sao lưu là của {manifest['engine']}, cơ sở dữ liệu đích là {engine}: "
            "chỉ khôi phục được vào cùng loại cơ sở dữ liệu."
        )
    if not force:
        filled = {name: n for name, n in database_rows().items() if n}
        if filled:
            some = ", ".join(f"{name} ({n})" for name, n in list(filled.items())[:5])
            raise BackupError(
                f"Cơ sở dữ liệu đích đã có dữ liệu: {some}. Khôi phục vào một cơ sở dữ liệu "
                "trống, hoặc thêm --force để thay thế toàn bộ."
            )
        if storage.files_on_disk():
            raise BackupError(
                f"Thư mục tệp tải lên {current_app.config['UPLOAD_DIR']} đã có tệp. Khôi phục "
                "vào một thư mục trống, hoặc thêm --force."
            )

    db.session.remove()
    if engine == "sqlite":
        db.engine.dispose()
        target_path = _sqlite_path()
        target_path.parent.mkdir(parents=True, exist_ok=True)
        backup = sqlite3.connect(source / manifest["database"]["path"])
        target = sqlite3.connect(target_path, timeout=30)
        try:
            backup.backup(target)  # replaces the whole target database, page by page
        finally:
            target.close()
            backup.close()
    else:
        url, env = _libpq()
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={url}",
                str(source / manifest["database"]["path"]),
            ],
            env,
        )
        db.engine.dispose()

    upload_root = Path(current_app.config["UPLOAD_DIR"])
    for entry in manifest["uploads"]:
        target = upload_root / entry["path"]
        if not target.resolve().is_relative_to(upload_root.resolve()):
            raise BackupError(f"Đường dẫn không hợp lệ trong bản kê: {entry['path']}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / UPLOADS / entry["path"], target)

    restored = schema_revision()
    if restored != manifest["schema_revision"]:
        raise BackupError(
            f"Sau khi khôi phục, phiên bản cấu trúc là {restored}, "
            f"bản kê ghi {manifest['schema_revision']}."
        )
    return manifest


# --- check-files --------------------------------------------------------------------------


@dataclass
class FileCheck:
    checked: int = 0
    missing: list[str] = field(default_factory=list)  # "key (ảnh của tin 12)"
    damaged: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # no checksum recorded (yet)
    fixed: int = 0
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.damaged


def _references():
    """(row, key attribute, checksum attribute, what it is) for every stored file."""
    from webapp.pieces.models import Attachment, PieceImage

    for image in db.session.scalars(select(PieceImage).order_by(PieceImage.id)):
        what = f"ảnh #{image.id} của tin #{image.piece_id}"
        yield image, "key", "sha256", what
        yield image, "thumb_key", "thumb_sha256", f"ảnh thu nhỏ của {what}"
    for attachment in db.session.scalars(select(Attachment).order_by(Attachment.id)):
        yield (
            attachment,
            "key",
            "sha256",
            f"tệp đính kèm #{attachment.id} của tin #{attachment.piece_id}",
        )


def check_files(fix: bool = False) -> FileCheck:
    """Every upload the database refers to exists with its checksum; files nobody refers to.

    With ``fix``, records the checksum of files that have none yet (stored before
    checksums were kept); the caller commits.
    """
    report = FileCheck()
    referenced = set()
    for row, key_attr, sum_attr, what in _references():
        key = getattr(row, key_attr)
        referenced.add(key)
        report.checked += 1
        try:
            target = storage.path(key)
        except ValueError:
            report.missing.append(f"{key} ({what}: tên tệp không hợp lệ)")
            continue
        if not target.is_file():
            report.missing.append(f"{key} ({what})")
            continue
        expected = getattr(row, sum_attr)
        actual = storage.file_checksum(target)
        if expected is None:
            if fix:
                setattr(row, sum_attr, actual)
                report.fixed += 1
            else:
                report.unchecked.append(f"{key} ({what})")
        elif expected != actual:
            report.damaged.append(f"{key} ({what})")
    report.orphans = [f for f in storage.files_on_disk() if f not in referenced]
    db.session.flush()
    return report
