"""Commands: ``flask --app wsgi report appendix|periodic ...`` and ``import-pieces FILE.csv``."""

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.services import ServiceError

report_group = AppGroup("report", help="Báo cáo: phụ lục (XLSX) và báo cáo định kỳ (DOCX).")

_DAY = click.DateTime(formats=["%Y-%m-%d"])


def _period_options(command):
    from webapp.reports.services import BUCKETS

    command = click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Tệp kết quả.",
    )(command)
    command = click.option(
        "--by",
        "bucket",
        type=click.Choice(BUCKETS),
        default="month",
        show_default=True,
        help="Chia cột theo tháng, tuần hay quý.",
    )(command)
    command = click.option("--to", "end", required=True, type=_DAY, help="Đến ngày (YYYY-MM-DD).")(
        command
    )
    command = click.option(
        "--from", "start", required=True, type=_DAY, help="Từ ngày (YYYY-MM-DD)."
    )(command)
    command = click.option("--number", default="", help="Số báo cáo, ví dụ 01.")(command)
    command = click.option(
        "--signed-on",
        "signed_on",
        type=_DAY,
        default=None,
        help="Ngày ký (YYYY-MM-DD); mặc định hôm nay.",
    )(command)
    return command


def _checked(start, end, bucket):
    from webapp.reports.services import check_period

    start, end = start.date(), end.date()
    try:
        check_period(start, end, bucket)
    except ServiceError as err:
        raise click.UsageError(str(err.message)) from None
    return start, end


@report_group.command("appendix")
@_period_options
def appendix_command(start, end, bucket, out, number, signed_on):
    """The appendix (PHỤ LỤC) for the period, as an XLSX file."""
    from webapp.reports.appendix import appendix_xlsx, build_appendix

    start, end = _checked(start, end, bucket)
    appendix = build_appendix(start, end, bucket)
    out.write_bytes(appendix_xlsx(appendix, number, signed_on.date() if signed_on else None))
    db.session.rollback()
    click.echo(
        _(
            "Đã ghi %(path)s: %(units)d đơn vị, %(n)d tin, bài.",
            path=str(out),
            units=len(appendix.rows),
            n=appendix.total,
        )
    )


@report_group.command("periodic")
@_period_options
@click.option("--signer", default="", help="Họ tên người ký.")
@click.option("--no-appendix", is_flag=True, help="Không kèm phụ lục.")
def periodic_command(start, end, bucket, out, number, signed_on, signer, no_appendix):
    """The board's periodic report for the period, as an editable DOCX file."""
    from webapp.reports.appendix import build_appendix
    from webapp.reports.periodic import periodic_docx
    from webapp.reports.services import figures

    start, end = _checked(start, end, bucket)
    appendix = build_appendix(start, end, bucket)
    numbers = figures(start, end, appendix.unit_totals())
    out.write_bytes(
        periodic_docx(
            numbers,
            None if no_appendix else appendix,
            number=number,
            signed_on=signed_on.date() if signed_on else None,
            signer_name=signer,
        )
    )
    db.session.rollback()
    click.echo(
        _(
            "Đã ghi %(path)s: %(n)d tin, bài, %(d)d văn bản, %(u)d đơn vị chưa có tin, bài.",
            path=str(out),
            n=numbers.pieces,
            d=numbers.documents,
            u=len(numbers.idle_units),
        )
    )


@click.command("import-pieces")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi gì.")
@click.option(
    "--with-royalties",
    is_flag=True,
    help="Tính nhuận bút cho mỗi tin, bài như khi đăng vào ngày của nó.",
)
@with_appcontext
def import_pieces_command(file, dry_run, with_royalties):
    """Import past published pieces from a UTF-8 CSV file (see webapp/reports/importer.py)."""
    from webapp.reports.importer import first_admin, import_pieces

    try:
        actor = first_admin()
    except ServiceError as err:
        raise click.ClickException(str(err.message)) from None
    try:
        result = import_pieces(
            file.read_bytes(),
            actor,
            dry_run=dry_run,
            with_royalties=with_royalties,
            source=file.name,
        )
    except Exception:
        db.session.rollback()
        raise
    if result.errors:
        db.session.rollback()
        for error in result.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(_("Tệp có %(n)d lỗi: chưa nhập dòng nào.", n=len(result.errors)))
    if dry_run:
        db.session.rollback()
        click.echo(
            _(
                "Tệp hợp lệ (chỉ kiểm tra): %(rows)d dòng, sẽ nhập %(n)d, bỏ qua %(m)d đã có.",
                rows=result.rows,
                n=result.imported,
                m=result.skipped,
            )
        )
        return
    db.session.commit()
    click.echo(
        _(
            "Đã nhập %(n)d tin, bài; bỏ qua %(m)d tin, bài đã có.",
            n=result.imported,
            m=result.skipped,
        )
    )
    if with_royalties:
        click.echo(_("Đã ghi %(n)d dòng nhuận bút.", n=result.royalty_lines))
