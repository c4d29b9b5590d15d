"""Commands: ``flask --app wsgi royalties export --month YYYY-MM --out FILE.xlsx``."""

import re
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from webapp.formatting import money

PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _period(ctx, param, value: str) -> str:
    if not PERIOD_RE.fullmatch(value or ""):
        raise click.BadParameter(
            _(
                "“%(value)s” không phải là một tháng; hãy nhập theo dạng YYYY-MM, ví dụ 2021-07.",
                value=value,
            )
        )
    return value


def _out(ctx, param, value: str) -> Path:
    path = Path(value)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter(_("Tên tệp phải kết thúc bằng .xlsx hoặc .csv."))
    return path


@click.group("royalties")
def royalties_command():
    """Royalties (nhuận bút): the monthly payment sheet."""


@royalties_command.command("export")
@click.option(
    "--month",
    "period",
    required=True,
    callback=_period,
    metavar="YYYY-MM",
    help="The month of the ledger, e.g. 2021-07.",
)
@click.option(
    "--out",
    "out",
    required=True,
    callback=_out,
    metavar="FILE",
    help="Where to write: FILE.xlsx (the sheet to sign) or FILE.csv.",
)
@with_appcontext
def export_command(period: str, out: Path):
    """Write the month's "Bảng kê chi trả nhuận bút" and print its totals."""
    from webapp.royalties import export, services

    batch = services.batch(period)
    if out.suffix.lower() == ".csv":
        data = export.build_csv(batch)
    else:
        data = export.build_xlsx(
            batch,
            services.month(period, create=False),
        )
    try:
        out.write_bytes(data)
    except OSError as err:
        raise click.ClickException(
            _("Không ghi được tệp %(path)s: %(error)s", path=out, error=err.strerror or err)
        ) from None
    year, mon = period.split("-")
    click.echo(
        _(
            "Bảng kê nhuận bút tháng %(month)s/%(year)s: %(count)d người nhận.",
            month=mon,
            year=year,
            count=len(batch.lines),
        )
    )
    click.echo(_("Thành tiền: %(amount)s", amount=money(batch.gross)))
    click.echo(_("Thuế TNCN: %(amount)s", amount=money(batch.tax)))
    click.echo(_("Thực nhận: %(amount)s", amount=money(batch.net)))
    click.echo(_("Đã ghi %(path)s.", path=out))
