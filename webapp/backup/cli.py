"""``flask backup create --out DIR``, ``flask backup restore DIR``, ``flask check-files``."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.extensions import db


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


@click.group("backup")
def backup_command():
    """Sao lưu và khôi phục: cơ sở dữ liệu, tệp tải lên, bản kê có mã kiểm tra."""


@backup_command.command("create")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục mới (hoặc trống) để ghi bản sao lưu.",
)
@with_appcontext
def create(out: Path):
    """Sao lưu cơ sở dữ liệu và tệp tải lên vào thư mục OUT."""
    from webapp.backup.services import BackupError, create_backup

    try:
        manifest = create_backup(out)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    total = manifest["database"]["size"] + sum(f["size"] for f in manifest["uploads"])
    click.echo(
        f"Đã sao lưu vào {out}: cơ sở dữ liệu {manifest['engine']} "
        f"(phiên bản cấu trúc {manifest['schema_revision']}), "
        f"{len(manifest['uploads'])} tệp tải lên, tổng {_size(total)}."
    )


@backup_command.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Thay thế cả cơ sở dữ liệu đích đã có dữ liệu (mọi dữ liệu hiện có sẽ mất).",
)
@with_appcontext
def restore(source: Path, force: bool):
    """Khôi phục bản sao lưu SOURCE vào cơ sở dữ liệu và thư mục tệp tải lên (đang trống)."""
    from webapp.backup.services import BackupError, restore_backup

    try:
        manifest = restore_backup(source, force=force)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    click.echo(
        f"Đã khôi phục {source} (tạo lúc {manifest['created_at']}): cơ sở dữ liệu và "
        f"{len(manifest['uploads'])} tệp tải lên, mã kiểm tra đều khớp."
    )


@click.command("check-files")
@click.option("--fix", is_flag=True, help="Ghi mã kiểm tra cho các tệp chưa có.")
@with_appcontext
def check_files_command(fix: bool):
    """Kiểm tra mọi tệp tải lên mà cơ sở dữ liệu nhắc đến: có đủ, đúng mã kiểm tra; liệt kê tệp
    thừa. Mã thoát 1 khi thiếu hoặc hỏng tệp."""
    from webapp.backup.services import check_files

    report = check_files(fix=fix)
    db.session.commit()
    for key in report.missing:
        click.echo(f"THIẾU   {key}")
    for key in report.damaged:
        click.echo(f"HỎNG    {key}")
    for key in report.unchecked:
        click.echo(f"CHƯA CÓ MÃ KIỂM TRA  {key}")
    for key in report.orphans:
        click.echo(f"THỪA    {key}  (không bản ghi nào nhắc đến)")
    click.echo(
        f"Đã kiểm tra {report.checked} tệp: thiếu {len(report.missing)}, hỏng "
        f"{len(report.damaged)}, chưa có mã kiểm tra {len(report.unchecked)}"
        + (f", đã ghi mã cho {report.fixed}" if fix else "")
        + f"; tệp thừa {len(report.orphans)}."
    )
    if report.unchecked:
        click.echo("Chạy lại với --fix để ghi mã kiểm tra cho các tệp chưa có.")
    if not report.ok:
        raise SystemExit(1)
