"""Downloading the month's payment sheet: XLSX for signing, CSV for other software."""

import re
from io import BytesIO

from flask import abort, send_file

from webapp.access import roles
from webapp.roles import Role
from webapp.royalties import bp, export, services

PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _checked_period(period: str) -> str:
    """A "YYYY-MM" period, or 404."""
    if not PERIOD_RE.fullmatch(period):
        abort(404)
    return period


def _download(data: bytes, mimetype: str, name: str):
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"  # pay figures: not kept by proxies
    return response


@bp.get("/bang-ke/<period>.xlsx")
@roles(Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN)
def export_xlsx(period: str):
    period = _checked_period(period)
    batch = services.batch(period)
    data = export.build_xlsx(
        batch,
        services.month(period, create=False),
    )
    return _download(data, export.XLSX_MIMETYPE, export.filename(batch, "xlsx"))


@bp.get("/bang-ke/<period>.csv")
@roles(Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN)
def export_csv(period: str):
    period = _checked_period(period)
    batch = services.batch(period)
    return _download(export.build_csv(batch), export.CSV_MIMETYPE, export.filename(batch, "csv"))
