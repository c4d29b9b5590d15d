"""The editors' reminder screen, the previews, "Gửi ngay", the admins' schedule, the banner."""

from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from webapp.access import roles
from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.forms import ActionForm
from webapp.htmx import is_htmx, render
from webapp.pagination import paginate
from webapp.params import int_arg
from webapp.reminders import bp, services
from webapp.reminders.forms import CountRuleForm, StageForm
from webapp.reminders.models import ReminderKind, ReminderRun, ReminderStage
from webapp.roles import Role
from webapp.services import ServiceError, apply_error
from webapp.timeutil import local_today
from webapp.units.models import Unit, UnitGroup

screen = roles(*services.SCREEN_ROLES)
admin_only = roles(Role.ADMIN)


def _grouped(statuses):
    """[(group, [status, ...])], group I first: the appendix's layout."""
    out = []
    for group in UnitGroup:
        rows = [s for s in statuses if s.unit.group is group]
        if rows:
            out.append((group, rows))
    return out


# --- the editors' screen ------------------------------------------------------------


@bp.route("")
@screen
def index():
    """This month per unit, and the reminder log. htmx (pager, refresh): the log alone."""
    today = local_today()
    unit_id = int_arg("unit")
    page = paginate(services.log_query(unit_id))
    if is_htmx():
        return render("reminders/index.html", "reminders/_log.html", page=page, unit_id=unit_id)
    statuses = services.month_status(today)
    return render(
        "reminders/index.html",
        page=page,
        unit_id=unit_id,
        groups=_grouped(statuses),
        today=today,
        period=services.Period.of(today),
        days_left=services.days_left(today),
        rule=services.count_rule(),
        stages=services.stages(),
    )


@bp.route("/xem-truoc/<int:unit_id>")
@screen
def preview(unit_id):
    """The mail a unit would get today for a stage (``?loai=``), rendered, not sent."""
    unit = db.get_or_404(Unit, unit_id)
    kind_value = request.args.get("loai", ReminderKind.BELOW_QUOTA.value)
    if kind_value not in ReminderKind._value2member_map_ or kind_value == "board_summary":
        abort(404)
    planned = services.preview_unit(unit, ReminderKind(kind_value), local_today())
    return render("reminders/preview.html", planned=planned, unit=unit, kinds=_unit_kinds())


@bp.route("/xem-truoc/ban-bien-tap")
@screen
def preview_board():
    """The board's summary of last month, as the 1st sends it."""
    planned = services.preview_board(local_today())
    paragraph = services.shortfall_paragraph(planned.period, planned.missed)
    return render(
        "reminders/preview.html", planned=planned, unit=None, kinds=(), paragraph=paragraph
    )


def _unit_kinds():
    return [ReminderKind.NOTHING_YET, ReminderKind.BELOW_QUOTA, ReminderKind.MANUAL]


@bp.route("/gui-ngay/<int:unit_id>", methods=["POST"])
@screen
def send_now(unit_id):
    """Queue a reminder to one unit at once; the job runner delivers it within a minute."""
    unit = db.get_or_404(Unit, unit_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    today = local_today()
    try:
        services.send_now(current_user, unit, today)
    except ServiceError as err:
        db.session.rollback()
        flash(str(err.message), "error")
        sent = False
    else:
        db.session.commit()
        flash(_("Đã xếp thư nhắc nhở cho “%(unit)s” vào hàng gửi.", unit=unit.name), "success")
        sent = True
    if not is_htmx():
        return redirect(url_for("reminders.index"), 303)
    unit = db.get_or_404(Unit, unit_id)
    # A refusal comes back as a 200 with its message: the row stays as it was, usable.
    response = render(
        "reminders/index.html",
        "reminders/_status_row.html",
        status_row=services.unit_status(unit, today),
    )
    if sent:
        response.headers["HX-Trigger"] = "reminder-sent"  # the log reloads itself
    return response


# --- the schedule (admins) ------------------------------------------------------------


def _schedule_page(status=200, stage_forms=None, rule_form=None):
    stages = services.stages()
    stage_forms = stage_forms or {}
    forms = {s.id: stage_forms.get(s.id) or _stage_form(s, formdata=None) for s in stages}
    rule_form = rule_form or CountRuleForm(formdata=None, rule=services.count_rule().value)
    runs = db.session.scalars(
        select(ReminderRun).order_by(ReminderRun.created_at.desc(), ReminderRun.id.desc()).limit(12)
    ).all()
    history = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type.in_(["reminder_stages", "reminder_settings"]))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(20)
    ).all()
    return render(
        "reminders/schedule.html",
        status=status,
        stages=stages,
        forms=forms,
        rule_form=rule_form,
        runs=runs,
        history=history,
        stage_codes={s.code: s for s in stages},
    )


def _stage_form(stage: ReminderStage, **kwargs) -> StageForm:
    form = StageForm(obj=stage, **kwargs)
    if stage.kind is ReminderKind.BOARD_SUMMARY:
        del form.escalate_after_months  # the board is not escalated to
    return form


@bp.route("/lich")
@admin_only
def schedule():
    return _schedule_page()


@bp.route("/lich/moc/<int:stage_id>", methods=["POST"])
@admin_only
def stage_update(stage_id):
    stage = db.get_or_404(ReminderStage, stage_id)
    form = _stage_form(stage)
    if form.validate_on_submit():
        try:
            services.update_stage(
                current_user,
                stage,
                day_of_month=form.day_of_month.data,
                active=form.active.data,
                escalate_after_months=(
                    form.escalate_after_months.data
                    if "escalate_after_months" in form
                    else stage.escalate_after_months
                ),
            )
        except ServiceError as err:
            db.session.rollback()
            stage = db.get_or_404(ReminderStage, stage_id)
            apply_error(form, err)
        else:
            db.session.commit()
            flash(_("Đã lưu mốc “%(stage)s”.", stage=stage.kind.label), "success")
            if not is_htmx():
                return redirect(url_for("reminders.schedule"), 303)
            return render(
                "reminders/schedule.html",
                "reminders/_stage_row.html",
                stage=stage,
                form=_stage_form(stage, formdata=None),
            )
    if not is_htmx():
        return _schedule_page(status=422, stage_forms={stage.id: form})
    return render(
        "reminders/schedule.html", "reminders/_stage_row.html", status=422, stage=stage, form=form
    )


@bp.route("/lich/cach-tinh", methods=["POST"])
@admin_only
def count_rule_update():
    form = CountRuleForm()
    if form.validate_on_submit():
        services.set_count_rule(current_user, form.rule.data)
        db.session.commit()
        flash(_("Đã lưu cách tính định mức."), "success")
        if not is_htmx():
            return redirect(url_for("reminders.schedule"), 303)
        return render("reminders/schedule.html", "reminders/_count_rule.html", rule_form=form)
    if not is_htmx():
        return _schedule_page(status=422, rule_form=form)
    return render(
        "reminders/schedule.html", "reminders/_count_rule.html", status=422, rule_form=form
    )


# --- the banner ------------------------------------------------------------------------

_UNSET = object()


def quota_banner():
    """The signed-in user's quota banner, computed once per request, on first use.

    Only full pages (base.html) ask for it, so fragments cost nothing; a failure here is
    logged and shows no banner, never an error page.
    """
    if not has_request_context() or not current_user.is_authenticated:
        return None
    banner = g.get("quota_banner", _UNSET)
    if banner is _UNSET:
        try:
            banner = services.banner_for(current_user, local_today())
        except SQLAlchemyError:
            current_app.logger.exception("quota banner")
            banner = None
        g.quota_banner = banner
    return banner


@bp.app_context_processor
def _inject_quota_banner():
    return {"quota_banner": quota_banner}
