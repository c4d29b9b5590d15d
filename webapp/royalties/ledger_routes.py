"""The accountant's ledger: the month's lines, sign-off and payment, what is overdue, what
needs looking at, the year's budget, and each person's own statement.

Who may do what is declared on each view (``webapp.access``); the arithmetic and every
change of state is in ``webapp.royalties.services``. A view loads, checks, calls one
service, commits once, and renders.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import defaultload

from webapp import idempotency
from webapp.access import roles, signed_in
from webapp.auth.models import User
from webapp.extensions import db
from webapp.formatting import money
from webapp.forms import ActionForm
from webapp.htmx import hx_redirect, is_htmx, render
from webapp.pagination import paginate
from webapp.params import int_arg
from webapp.pieces.models import Piece
from webapp.roles import Role
from webapp.royalties import bp, calc, services
from webapp.royalties.chart import ChartTexts, spending_chart
from webapp.royalties.export import tax_basis, tax_rule_label
from webapp.royalties.ledger_forms import AdjustForm, PayForm, ResolveFlagForm
from webapp.royalties.models import (
    EntryKind,
    MonthState,
    Payee,
    PaymentLine,
    RoyaltyEntry,
    RoyaltyFlag,
    RoyaltyModifier,
    RoyaltyMonth,
    RoyaltyRuleSet,
)
from webapp.royalties.rules import format_coefficient
from webapp.services import ServiceError, apply_error, race
from webapp.taxonomy.models import Genre
from webapp.timeutil import local_today
from webapp.units.models import Unit

LEDGER_ROLES = (Role.ACCOUNTANT, Role.CHIEF_EDITOR, Role.ADMIN)
PER_PAGE = 50
PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


# --- small helpers ---------------------------------------------------------------------------


def _period_or_404(value: str | None) -> str:
    if not value or not PERIOD_RE.fullmatch(value):
        abort(404)
    return value


def _month_arg() -> str:
    """``?thang=YYYY-MM``, the current month when absent; 404 when malformed."""
    value = request.args.get("thang", "").strip()
    return _period_or_404(value) if value else services.period_of(local_today())


def previous_period(period: str) -> str:
    year, month = map(int, period.split("-"))
    return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"


def period_label(period: str) -> str:
    year, month = period.split("-")
    return _("Tháng %(month)s/%(year)s", month=month, year=year)


def percent_text(centi: int) -> str:
    """Hundredths of a percent as people write them: 1000 → "10", 1250 → "12,5"."""
    return _decimal_text(Fraction(centi, 100))


def _decimal_text(value: Fraction, places: int = 4) -> str:
    """An exact fraction with a decimal comma and no trailing zeros: 3/2 → "1,5"."""
    number = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1).scaleb(-places)
    )
    return f"{number:f}".rstrip("0").rstrip(".").replace(".", ",")


def coefficient_text(entry: RoyaltyEntry, modifier_names: dict) -> str:
    """The coefficient and how it was modified: "1,50 × 0,5 (Dịch…) = 0,75".

    A fixed modifier replaces the coefficient ("1,50 → 0,50 (Đăng lại…)"); a percentage
    multiplies it. The result is the coefficient the amount was computed with.
    """
    text = format_coefficient(entry.coefficient_centi)
    modifiers = entry.modifiers or []
    for code, kind, value in modifiers:  # fixed ones first, as calc applies them
        if kind == "fixed":
            name = modifier_names.get((entry.rule_set_id, code), code)
            text += f" → {format_coefficient(value)} ({name})"
    for code, kind, value in modifiers:
        if kind == "percent":
            name = modifier_names.get((entry.rule_set_id, code), code)
            text += f" × {_decimal_text(Fraction(value, calc.HUNDRED_PERCENT))} ({name})"
    if modifiers:
        effective = calc.effective_coefficient(
            entry.coefficient_centi, [(kind, value) for _code, kind, value in modifiers]
        )
        text += f" = {_decimal_text(effective)}"
    return text


def _rule_sets_of(entries) -> tuple[dict, dict]:
    """Names of the rule sets and modifiers the lines used: two queries, whatever the count."""
    ids = {e.rule_set_id for e in entries if e.rule_set_id is not None}
    if not ids:
        return {}, {}
    rule_sets = dict(
        db.session.execute(
            select(RoyaltyRuleSet.id, RoyaltyRuleSet.name).where(RoyaltyRuleSet.id.in_(ids))
        ).all()
    )
    modifiers = {
        (rule_set_id, code): name
        for rule_set_id, code, name in db.session.execute(
            select(RoyaltyModifier.rule_set_id, RoyaltyModifier.code, RoyaltyModifier.name).where(
                RoyaltyModifier.rule_set_id.in_(ids)
            )
        )
    }
    return rule_sets, modifiers


def current_open_period(today: date | None = None) -> str:
    """Where a correction made today lands: this month, or the first later one still open.

    Read-only (one query), unlike ``services.open_period_for``, which creates the months.
    """
    period = services.period_of(today or local_today())
    closed = set(
        db.session.scalars(
            select(RoyaltyMonth.period).where(
                RoyaltyMonth.period >= period, RoyaltyMonth.state != MonthState.OPEN
            )
        )
    )
    while period in closed:
        period = services.next_period(period)
    return period


def _ledger_filters(args) -> dict:
    kinds = {k.value for k in EntryKind}
    return {
        "unit_id": int_arg("unit", args=args),
        "payee_id": int_arg("payee", args=args),
        "genre_id": int_arg("genre", args=args),
        "kind": args.get("kind") if args.get("kind") in kinds else None,
    }


def _totals(query) -> dict:
    """Count and sum of the filtered lines, per kind and overall: one query, not the page."""
    rows = db.session.execute(
        query.with_only_columns(
            RoyaltyEntry.kind,
            func.count(RoyaltyEntry.id),
            func.coalesce(func.sum(RoyaltyEntry.amount), 0),
        )
        .group_by(RoyaltyEntry.kind)
        .order_by(None)
    ).all()
    by_kind = {EntryKind(kind): (int(count), int(amount)) for kind, count, amount in rows}
    return {
        "by_kind": by_kind,
        "count": sum(c for c, _a in by_kind.values()),
        "amount": sum(a for _c, a in by_kind.values()),
    }


# --- the ledger ------------------------------------------------------------------------------


def _table_context(period: str) -> dict:
    """What the lines' table needs: the filtered page, its totals, the rules it cites."""
    filters = _ledger_filters(request.args)
    query = services.entries_of(period, **filters)
    page = paginate(
        query.options(
            # The piece's byline, photos and topics are not shown here.
            defaultload(RoyaltyEntry.piece).lazyload(Piece.authors),
            defaultload(RoyaltyEntry.piece).lazyload(Piece.images),
            defaultload(RoyaltyEntry.piece).lazyload(Piece.topics),
        ),
        per_page=PER_PAGE,
    )
    rule_sets, modifier_names = _rule_sets_of(page.items)
    return {
        "period": period,
        "filters": filters,
        "page": page,
        "totals": _totals(query),
        "rule_sets": rule_sets,
        "rule_set_numbers": {rid: n for n, rid in enumerate(sorted(rule_sets), start=1)},
        "describe": lambda entry: coefficient_text(entry, modifier_names),
        "percent_text": percent_text,
        "kinds": list(EntryKind),
        "can_adjust": current_user.has_role(Role.ACCOUNTANT),
    }


def _ledger_context(period: str, pay_form=None, month_error=None) -> dict:
    """The whole page: the month's state and actions, the filters, the table, the batch."""
    month = services.month(period, create=False)
    state = month.state if month is not None else MonthState.OPEN
    paid = state is MonthState.PAID
    is_accountant = current_user.has_role(Role.ACCOUNTANT)
    if pay_form is None and is_accountant and state is MonthState.SIGNED:
        pay_form = PayForm(formdata=None, voucher_date=local_today())
    return {
        **_table_context(period),
        "label": period_label(period),
        "period_label": period_label,
        "previous": previous_period(period),
        "next": services.next_period(period),
        "month": month,
        "state": state,
        "batch": services.batch(period, None if paid else local_today()),
        "tax_basis": tax_basis,
        "tax_rule_label": tax_rule_label,
        "units": db.session.scalars(Unit.ordered()).all(),
        "genres": db.session.scalars(select(Genre).order_by(Genre.id)).all(),
        "payees": db.session.scalars(
            select(Payee)
            .where(Payee.id.in_(select(RoyaltyEntry.payee_id).where(RoyaltyEntry.period == period)))
            .order_by(Payee.full_name, Payee.id)
        ).all(),
        "can_sign": current_user.has_role(Role.CHIEF_EDITOR) and state is MonthState.OPEN,
        "can_pay": is_accountant and state is MonthState.SIGNED,
        "pay_form": pay_form,
        "month_error": month_error,
    }


@bp.get("/")
@roles(*LEDGER_ROLES)
def ledger():
    """Sổ nhuận bút: one month's lines, filtered, with totals and the batch per payee."""
    period = _month_arg()
    if is_htmx():  # the filters or the pager: only the table changes
        return render(
            "royalties/_ledger_table.html", "royalties/_ledger_table.html", **_table_context(period)
        )
    return render("royalties/ledger.html", **_ledger_context(period))


def _month_panel(period: str, status: int, **kw):
    """The month's state and actions again, after a refusal: the panel, or the whole page."""
    return render(
        "royalties/ledger.html",
        "royalties/_month.html",
        status=status,
        **_ledger_context(period, **kw),
    )


@bp.post("/<period>/ky")
@roles(Role.CHIEF_EDITOR)
def sign(period):
    """“Ký bảng kê”: the chief editor signs the month; it never changes after this."""
    period = _period_or_404(period)
    if not ActionForm().validate_on_submit():
        abort(400)
    if (done := idempotency.replay()) is not None:  # this very form has signed already
        return hx_redirect(done["redirect"])
    try:
        with race(lambda: services.month_conflict(period)):
            services.sign_month(current_user, period)
            # Commits the signature with this form's token: a resend answers the same.
            done = idempotency.finish(redirect=url_for("royalties.ledger", thang=period))
    except ServiceError as err:
        db.session.rollback()
        return _month_panel(period, err.status, month_error=str(err.message))
    if done is not None:
        return hx_redirect(done["redirect"])
    flash(_("Đã ký bảng kê nhuận bút %(month)s.", month=period_label(period).lower()), "success")
    return hx_redirect(url_for("royalties.ledger", thang=period))


@bp.post("/<period>/chi-tra")
@roles(Role.ACCOUNTANT)
def pay(period):
    """“Đã chi trả”: the accountant records the voucher; the batch is frozen."""
    period = _period_or_404(period)
    form = PayForm()
    if form.validate_on_submit():
        if (done := idempotency.replay()) is not None:  # this very form has paid already
            return hx_redirect(done["redirect"])
        try:
            with race(lambda: services.month_conflict(period)):
                services.pay_month(
                    current_user, period, form.voucher_no.data, form.voucher_date.data
                )
                # Commits the payment with this form's token: a resend answers the same.
                done = idempotency.finish(redirect=url_for("royalties.ledger", thang=period))
        except services.MonthClosed as err:
            db.session.rollback()
            return _month_panel(period, err.status, pay_form=form, month_error=str(err.message))
        except ServiceError as err:
            db.session.rollback()
            apply_error(form, err)
        else:
            if done is not None:
                return hx_redirect(done["redirect"])
            flash(
                _(
                    "Đã ghi nhận chi trả nhuận bút %(month)s, chứng từ số %(no)s.",
                    month=period_label(period).lower(),
                    no=form.voucher_no.data.strip(),
                ),
                "success",
            )
            return hx_redirect(url_for("royalties.ledger", thang=period))
    return _month_panel(period, 422, pay_form=form)


def _entry_or_404(entry_id: int) -> RoyaltyEntry:
    entry = db.session.get(RoyaltyEntry, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.route("/dong/<int:entry_id>/dieu-chinh", methods=["GET", "POST"])
@roles(Role.ACCOUNTANT)
def adjust(entry_id):
    """“Điều chỉnh”: a correction of one line, written to the month open now."""
    entry = _entry_or_404(entry_id)
    form = AdjustForm()
    status = 200
    if form.validate_on_submit():
        try:
            line = services.adjust(current_user, entry, form.delta.data, form.note.data)
        except ServiceError as err:
            db.session.rollback()
            entry = _entry_or_404(entry_id)
            apply_error(form, err)
        else:
            db.session.commit()
            flash(
                _(
                    "Đã ghi điều chỉnh %(amount)s vào %(month)s.",
                    amount=money(line.amount),
                    month=period_label(line.period).lower(),
                ),
                "success",
            )
            return hx_redirect(url_for("royalties.ledger", thang=line.period))
        status = 422
    elif form.is_submitted():
        status = 422
    rule_sets, modifier_names = _rule_sets_of([entry])
    return render(
        "royalties/adjust.html",
        "royalties/_adjust_form.html",
        status=status,
        entry=entry,
        form=form,
        target=period_label(current_open_period()),
        rule_set_name=rule_sets.get(entry.rule_set_id, ""),
        coefficient=coefficient_text(entry, modifier_names),
        percent_text=percent_text,
        period_label=period_label,
    )


# --- overdue, flags --------------------------------------------------------------------------


@bp.get("/qua-han")
@roles(*LEDGER_ROLES)
def overdue():
    """Lines of pieces published more than 60 days ago whose month is not paid."""
    today = local_today()
    entries = services.overdue(today)
    periods = {e.period for e in entries}
    months = (
        {
            m.period: m
            for m in db.session.scalars(
                select(RoyaltyMonth).where(RoyaltyMonth.period.in_(periods))
            )
        }
        if periods
        else {}
    )
    return render(
        "royalties/overdue.html",
        entries=entries,
        months=months,
        today=today,
        cutoff=today - timedelta(days=services.PAYMENT_DUE_DAYS),
        total=sum(e.amount for e in entries),
        due_days=services.PAYMENT_DUE_DAYS,
        period_label=period_label,
    )


def _flags_context() -> dict:
    open_flags = db.session.scalars(
        select(RoyaltyFlag)
        .where(RoyaltyFlag.resolved_at.is_(None))
        .order_by(RoyaltyFlag.created_at, RoyaltyFlag.id)
    ).all()
    resolved = db.session.scalars(
        select(RoyaltyFlag)
        .where(RoyaltyFlag.resolved_at.is_not(None))
        .order_by(RoyaltyFlag.resolved_at.desc(), RoyaltyFlag.id.desc())
        .limit(50)
    ).all()
    return {
        "open_flags": open_flags,
        "resolved": resolved,
        "resolvers": _names({f.resolved_by_id for f in resolved}),
        "without_lines": services.published_pieces_without_lines(),
    }


def _names(user_ids) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


@bp.get("/can-xu-ly")
@roles(Role.ACCOUNTANT, Role.ADMIN)
def flags():
    """What the accountant must look at: paid pieces taken down, pieces with no line."""
    return render("royalties/flags.html", **_flags_context())


@bp.post("/can-xu-ly/<int:flag_id>")
@roles(Role.ACCOUNTANT, Role.ADMIN)
def resolve(flag_id):
    """“Đã xử lý”: close a flag with a note."""
    flag = db.session.get(RoyaltyFlag, flag_id)
    if flag is None:
        abort(404)
    form = ResolveFlagForm()
    if form.validate_on_submit():
        try:
            services.resolve_flag(current_user, flag, form.resolution.data)
        except ServiceError as err:
            db.session.rollback()
            flag = db.session.get(RoyaltyFlag, flag_id)
            apply_error(form, err)
        else:
            db.session.commit()
            flash(_("Đã đánh dấu đã xử lý: %(title)s.", title=flag.piece.title), "success")
            if not is_htmx():
                return redirect(url_for("royalties.flags"), 303)
            return render(
                "royalties/_flag_row.html",
                "royalties/_flag_row.html",
                flag=flag,
                resolvers=_names([flag.resolved_by_id]),
            )
    context = _flags_context()
    context["resolvers"].update(_names([flag.resolved_by_id]))
    return render(
        "royalties/flags.html",
        "royalties/_flag_row.html",
        status=422,
        flag=flag,
        failed_flag_id=flag.id,
        failed_form=form,
        **context,
    )


# --- the budget ------------------------------------------------------------------------------


def _chart_texts(year: int) -> ChartTexts:
    return ChartTexts(
        title=_("Chi tiêu kinh phí năm %(year)d theo tháng", year=year),
        description=_(
            "Cột chồng: nhuận bút và chi khác của từng tháng; đường liền: tổng đã chi cộng "
            "dồn; đường chấm: dự kiến đến cuối năm; đường đứt đỏ: dự toán năm. "
            "Số liệu chi tiết ở bảng bên dưới."
        ),
        royalties=_("Nhuận bút"),
        expenses=_("Chi khác"),
        cumulative=_("Đã chi cộng dồn"),
        budget=_("Dự toán"),
        projected=_("Dự kiến cả năm"),
        months=[_("T%(month)d", month=m) for m in range(1, 13)],
    )


@bp.get("/kinh-phi")
@roles(*LEDGER_ROLES)
def budget():
    """Kinh phí: the year's budget, spent, remaining, projected, and a chart by month."""
    today = local_today()
    year = int_arg("nam", minimum=1900, maximum=2100) or today.year
    if not 2000 <= year <= 2100:
        abort(404)
    figures = services.budget_status(year, today)
    through = 12 if year < today.year else (today.month if year == today.year else 0)
    running, rows = 0, []
    for m in figures["months"]:
        total = m["royalties"] + m["expenses"]
        running += total
        rows.append(
            {
                **m,
                "total": total,
                "cumulative": running,
                "percent": running * 100 // figures["budget"] if figures["budget"] else None,
            }
        )
    chart = spending_chart(
        figures["months"],
        figures["budget"],
        _chart_texts(year),
        money,
        projected=figures["projected"] if year == today.year else None,
        through_month=through,
    )
    return render(
        "royalties/budget.html",
        figures=figures,
        year=year,
        rows=rows,
        chart=chart,
        today=today,
    )


# --- a contributor's own statement -----------------------------------------------------------


@bp.get("/cua-toi")
@signed_in
def statement():
    """Nhuận bút của tôi: the signed-in person's lines, month by month, paid or not."""
    payee, rows = services.statement_for(current_user)
    groups: list[dict] = []
    for entry, state in rows:
        if not groups or groups[-1]["period"] != entry.period:
            groups.append(
                {"period": entry.period, "state": MonthState(state), "entries": [], "amount": 0}
            )
        groups[-1]["entries"].append(entry)
        groups[-1]["amount"] += entry.amount
    payments = {}
    if payee is not None and groups:
        payments = {
            p.period: p
            for p in db.session.scalars(select(PaymentLine).where(PaymentLine.payee_id == payee.id))
        }
    _names_of_rule_sets, modifier_names = _rule_sets_of([entry for entry, _state in rows])
    paid = sum(g["amount"] for g in groups if g["state"] is MonthState.PAID)
    waiting = sum(g["amount"] for g in groups if g["state"] is not MonthState.PAID)
    return render(
        "royalties/statement.html",
        payee=payee,
        groups=groups,
        payments=payments,
        paid=paid,
        waiting=waiting,
        describe=lambda entry: coefficient_text(entry, modifier_names),
        period_label=period_label,
        overdue_before=local_today() - timedelta(days=services.PAYMENT_DUE_DAYS),
    )
