"""The report screens under /bao-cao: appendix, periodic report, topics, turnaround, charts,
and (admins) importing past pieces.

Every screen reads the same period from the query string; each runs a fixed number of
queries whatever the number of units or pieces.
"""

from __future__ import annotations

from datetime import date

from flask import Response, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp import idempotency
from webapp.access import roles
from webapp.extensions import db
from webapp.formatting import money
from webapp.htmx import render
from webapp.reports import bp, charts, services
from webapp.reports.appendix import appendix_xlsx, build_appendix
from webapp.reports.forms import DocumentForm, ImportForm, PeriodForm, presets
from webapp.reports.importer import COLUMNS, ImportResult, import_pieces, sample_csv
from webapp.reports.periodic import periodic_docx
from webapp.roles import Role
from webapp.royalties.services import budget_for_year, spending_between
from webapp.taxonomy.models import Genre
from webapp.units.models import UnitGroup

report_roles = roles(Role.EDITOR, Role.CHIEF_EDITOR, Role.ACCOUNTANT, Role.ADMIN)
admin_only = roles(Role.ADMIN)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _period_form() -> PeriodForm:
    genres = db.session.scalars(select(Genre).order_by(Genre.id)).all()
    return PeriodForm(request.args, genres=genres)


def decimal(value: float, digits: int = 1) -> str:
    """36.59 → "36,6" (a dot in English)."""
    text = f"{value:.{digits}f}"
    return text if str(get_locale() or "vi").startswith("en") else text.replace(".", ",")


def _page(template: str, fragment: str, form: PeriodForm, status: int = 200, **ctx):
    return render(
        template,
        fragment,
        status=status,
        form=form,
        presets=presets(),
        bucket_labels=services.BUCKET_LABELS,
        decimal=decimal,
        **ctx,
    )


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _file_name(kind: str, form: PeriodForm, ext: str) -> str:
    return f"{kind}-{form.start.data:%Y%m%d}-{form.end.data:%Y%m%d}.{ext}"


def _appendix_for(form: PeriodForm):
    return build_appendix(
        form.start.data, form.end.data, form.bucket.data, form.unit_group, form.genre.data or None
    )


# --- the appendix and the board's figures ---


@bp.route("/")
@report_roles
def index():
    form = _period_form()
    doc_form = DocumentForm(request.args)
    if not form.validate():
        return _page(
            "reports/index.html",
            "reports/_appendix.html",
            form,
            status=422,
            appendix=None,
            figures=None,
            doc_form=doc_form,
        )
    appendix = _appendix_for(form)
    # The figures are those of the whole report: every unit, news and articles.
    whole = form.unit_group is None and not form.genre.data
    figures = services.figures(
        form.start.data, form.end.data, appendix.unit_totals() if whole else None
    )
    return _page(
        "reports/index.html",
        "reports/_appendix.html",
        form,
        appendix=appendix,
        figures=figures,
        doc_form=doc_form,
    )


def _refused_download(form, doc_form):
    """A download asked with a bad period or document line: the index again, with the errors."""
    return _page(
        "reports/index.html",
        "reports/_appendix.html",
        form,
        status=422,
        appendix=None,
        figures=None,
        doc_form=doc_form,
    )


@bp.route("/phu-luc.xlsx")
@report_roles
def appendix_download():
    form, doc_form = _period_form(), DocumentForm(request.args)
    if not form.validate() or not doc_form.validate():
        return _refused_download(form, doc_form)
    data = appendix_xlsx(_appendix_for(form), doc_form.number.data or "", doc_form.signed_on.data)
    return _download(data, XLSX, _file_name("phu-luc", form, "xlsx"))


@bp.route("/bao-cao-dinh-ky.docx")
@report_roles
def periodic_download():
    form, doc_form = _period_form(), DocumentForm(request.args)
    if not form.validate() or not doc_form.validate():
        return _refused_download(form, doc_form)
    # The paper always covers every unit and counts news and articles, as the seed does.
    appendix = build_appendix(form.start.data, form.end.data, form.bucket.data)
    figures = services.figures(form.start.data, form.end.data, appendix.unit_totals())
    data = periodic_docx(
        figures,
        appendix,
        number=doc_form.number.data or "",
        signed_on=doc_form.signed_on.data,
        signer_name=doc_form.signer.data or "",
    )
    return _download(data, DOCX, _file_name("bao-cao", form, "docx"))


# --- topics, turnaround, charts ---


@bp.route("/linh-vuc")
@report_roles
def topics():
    form = _period_form()
    if not form.validate():
        return _page("reports/topics.html", "reports/_topics.html", form, status=422, coverage=None)
    coverage = services.topic_coverage(form.start.data, form.end.data, form.bucket.data)
    return _page("reports/topics.html", "reports/_topics.html", form, coverage=coverage)


@bp.route("/thoi-gian-xu-ly")
@report_roles
def turnaround():
    form = _period_form()
    if not form.validate():
        return _page(
            "reports/turnaround.html", "reports/_turnaround.html", form, status=422, result=None
        )
    result = services.turnaround(form.start.data, form.end.data, form.bucket.data)
    return _page("reports/turnaround.html", "reports/_turnaround.html", form, result=result)


@bp.route("/bieu-do")
@report_roles
def charts_page():
    form = _period_form()
    if not form.validate():
        return _page("reports/charts.html", "reports/_charts.html", form, status=422, svgs=None)
    return _page("reports/charts.html", "reports/_charts.html", form, svgs=_charts(form))


CHART_UNITS = 5  # the most and the least active units shown


def _charts(form: PeriodForm) -> dict:
    appendix = _appendix_for(form)
    by_group = {g.group: g for g in appendix.groups}
    series = [
        (f"{group.numeral}. {group.label}", by_group[group].column_totals, color)
        for group, color in (
            (UnitGroup.MEMBER, charts.BLUE),
            (UnitGroup.COLLABORATOR, charts.ORANGE),
        )
        if group in by_group
    ]
    rows = appendix.rows
    ranked = sorted(rows, key=lambda r: -r.total)
    least = sorted(rows, key=lambda r: r.total)[:CHART_UNITS]
    start, end = form.start.data, form.end.data
    spending = spending_between(start, end)
    budget = sum(budget_for_year(y) or 0 for y in range(start.year, end.year + 1))
    parts = [(_("Nhuận bút"), spending["royalties"], charts.BLUE)]
    palette = [charts.ORANGE, charts.GREEN, "#7a4fb3", "#2f8f9d", "#8a6d3b"]
    for i, (category, amount) in enumerate(spending["expenses"].items()):
        parts.append((category, amount, palette[i % len(palette)]))
    heading = services.BUCKET_LABELS[form.bucket.data]
    return {
        "per_period": charts.stacked_columns(
            _("Tin, bài đã đăng theo %(bucket)s và nhóm đơn vị", bucket=str(heading).lower()),
            [c.label for c in appendix.columns],
            series,
        ),
        "most": charts.ranked_bars(
            _("Đơn vị có nhiều tin, bài nhất"),
            [(r.unit.name, r.total) for r in ranked[:CHART_UNITS]],
        ),
        "least": charts.ranked_bars(
            _("Đơn vị có ít tin, bài nhất"),
            [(r.unit.name, r.total) for r in least],
            color=charts.ORANGE,
        ),
        "budget": charts.budget_bar(
            _("Chi tiêu so với kinh phí"),
            budget,
            parts,
            fmt=money,
            budget_label=_("Kinh phí"),
        ),
        "spending": spending,
        "budget_amount": budget,
        "columns": appendix.columns,
    }


# --- importing past pieces ---


def _import_page(form: ImportForm, result=None, status: int = 200, period=None):
    return render(
        "reports/import.html",
        "reports/_import_panel.html",
        status=status,
        form=form,
        result=result,
        columns=COLUMNS,
        period=period or _imported_period(result),
    )


# What an import answered, kept with its form's token to answer a resend the same way.
_COUNTS = ("rows", "imported", "skipped", "without_authors", "royalty_lines")


def _imported_again(done: dict):
    counts = done["import"]
    result = ImportResult(**{name: counts[name] for name in _COUNTS})
    return _import_page(ImportForm(formdata=None), result, period=counts.get("period"))


def _imported_period(result) -> dict | None:
    """The period the imported pieces cover, to link to their appendix."""
    if result is None or not result.pieces:
        return None
    days = [services.local_day(p.published_at) for p in result.pieces]
    first, last = min(days), max(days)
    return {"start": date(first.year, first.month, 1).isoformat(), "end": last.isoformat()}


@bp.route("/nhap-tin-bai")
@admin_only
def import_form():
    return _import_page(ImportForm(formdata=None))


@bp.route("/nhap-tin-bai", methods=["POST"])
@admin_only
def import_upload():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    if (done := idempotency.replay()) is not None:  # this very file has been imported
        return _imported_again(done)
    upload = form.file.data
    result = import_pieces(
        upload.read(),
        current_user,
        dry_run=form.dry_run.data,
        with_royalties=form.with_royalties.data,
        source=upload.filename or "",
    )
    if result.errors or result.dry_run:
        db.session.rollback()
        return _import_page(form, result, status=422 if result.errors else 200)
    counts = {name: getattr(result, name) for name in _COUNTS}
    counts["period"] = _imported_period(result)
    if (done := idempotency.finish(**{"import": counts})) is not None:
        return _imported_again(done)
    return _import_page(ImportForm(formdata=None), result)


@bp.route("/nhap-tin-bai/mau.csv")
@admin_only
def import_sample():
    return _download(sample_csv().encode("utf-8-sig"), "text/csv", "mau-nhap-tin-bai.csv")
