"""Quota reminders: count each unit's pieces in a month, remind on schedule, tell the board.

Everything here takes ``today`` (a local date in Asia/Ho_Chi_Minh) so that the job
runner, the ``reminders run`` command and the tests share one schedule:

- ``plan(today)`` works out what is due and renders the mail, writing nothing: it is
  what ``--dry-run`` prints and what the preview shows;
- ``run_schedule(today)`` records each reminder and queues its mail in the caller's
  transaction; the caller commits once;
- ``run_due(now)`` is what the job runner calls on every pass.

Exactly once: a stage is evaluated once per period (``ReminderRun``, unique on period
and stage) and each reminder is unique on (target, period, stage); both are inserted
inside a savepoint, so a second runner racing on the same key gets an IntegrityError,
rolls back only that savepoint, and skips. The outbox's dedupe key, built from the same
key, is a third guard. Delivery is the outbox's job: retried with backoff, never lost.

Months are calendar months in local time (``periods.Period``). Piece times are naive
UTC, so a month's bounds are converted once and every count is a range comparison the
indexes on ``published_at`` / ``first_submitted_at`` serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from webapp.audit.services import record
from webapp.extensions import db
from webapp.mail.services import queue_mail
from webapp.pieces.models import Piece, PieceState
from webapp.reminders.models import (
    COUNT_RULE_KEY,
    CountRule,
    Reminder,
    ReminderKind,
    ReminderRun,
    ReminderSetting,
    ReminderStage,
)
from webapp.reminders.periods import Period, days_left, local_midnight_utc, months
from webapp.roles import Role
from webapp.services import ServiceError
from webapp.timeutil import to_local, utcnow
from webapp.units.models import Unit

# The stages every installation starts with (the migration inserts the same rows).
DEFAULT_STAGES = (
    # code, kind, day of month, escalate after (months)
    ("board_summary", ReminderKind.BOARD_SUMMARY, 1, 0),
    ("nothing_yet", ReminderKind.NOTHING_YET, 15, 2),
    ("below_quota", ReminderKind.BELOW_QUOTA, 25, 2),
)
UNIT_KINDS = (ReminderKind.NOTHING_YET, ReminderKind.BELOW_QUOTA)
# The job runner sends from this local hour on, so reminders arrive in working hours;
# the ``reminders run`` command runs at once whatever the hour.
SEND_HOUR = 7
# How far back consecutive short months are counted (escalation and the board's list).
MAX_HISTORY_MONTHS = 12
# Who may use "Gửi ngay" and see the screen (admins see it too; the nav says so).
SCREEN_ROLES = (Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN)
WRITER_ROLES = (Role.CONTRIBUTOR, Role.EDITOR, Role.CHIEF_EDITOR)


# --- settings and stages -----------------------------------------------------------


def count_rule() -> CountRule:
    """What counts toward the quota: published pieces unless an admin chose otherwise."""
    value = db.session.scalar(
        select(ReminderSetting.value).where(ReminderSetting.key == COUNT_RULE_KEY)
    )
    return CountRule(value) if value in CountRule._value2member_map_ else CountRule.PUBLISHED


def stages(active_only: bool = False) -> list[ReminderStage]:
    query = select(ReminderStage).order_by(ReminderStage.day_of_month, ReminderStage.id)
    if active_only:
        query = query.where(ReminderStage.active.is_(True))
    return list(db.session.scalars(query))


def ensure_defaults() -> int:
    """Add the default stages and the counting rule where missing; returns rows added.

    The migration inserts them; this is for databases emptied since (tests, seed-demo).
    """
    have = set(db.session.scalars(select(ReminderStage.code)))
    added = 0
    for code, kind, day, escalate in DEFAULT_STAGES:
        if code not in have:
            db.session.add(
                ReminderStage(
                    code=code, kind=kind, day_of_month=day, escalate_after_months=escalate
                )
            )
            added += 1
    if not db.session.scalar(
        select(ReminderSetting.id).where(ReminderSetting.key == COUNT_RULE_KEY)
    ):
        db.session.add(ReminderSetting(key=COUNT_RULE_KEY, value=CountRule.PUBLISHED.value))
        added += 1
    db.session.flush()
    return added


STAGE_FIELDS = ("day_of_month", "active", "escalate_after_months")


def update_stage(
    actor, stage: ReminderStage, *, day_of_month: int, active: bool, escalate_after_months: int
) -> ReminderStage:
    """Change one stage of the schedule (audited). A stage whose new day has already passed
    this month runs on the next pass, unless it already ran this month."""
    if not 1 <= int(day_of_month) <= 28:
        raise ServiceError(_("Ngày trong tháng phải từ 1 đến 28."), "day_of_month")
    if not 0 <= int(escalate_after_months) <= MAX_HISTORY_MONTHS:
        raise ServiceError(
            _("Số tháng phải từ 0 đến %(n)d.", n=MAX_HISTORY_MONTHS), "escalate_after_months"
        )
    before = {f: getattr(stage, f) for f in STAGE_FIELDS}
    stage.day_of_month = int(day_of_month)
    stage.active = bool(active)
    if stage.kind is not ReminderKind.BOARD_SUMMARY:
        stage.escalate_after_months = int(escalate_after_months)
    after = {f: getattr(stage, f) for f in STAGE_FIELDS}
    changes = {f: [before[f], after[f]] for f in STAGE_FIELDS if before[f] != after[f]}
    record(actor, "update", stage, changes, label=str(stage.kind.label))
    return stage


def set_count_rule(actor, rule: CountRule | str) -> ReminderSetting:
    """Choose what counts toward the quota (audited)."""
    rule = CountRule(rule)
    setting = db.session.scalar(
        select(ReminderSetting).where(ReminderSetting.key == COUNT_RULE_KEY)
    )
    if setting is None:
        setting = ReminderSetting(key=COUNT_RULE_KEY, value=CountRule.PUBLISHED.value)
        db.session.add(setting)
    before = setting.value
    if before != rule.value:
        setting.value = rule.value
        setting.updated_at = utcnow()
        record(
            actor,
            "update",
            setting,
            {COUNT_RULE_KEY: [before, rule.value]},
            label=_("Cách tính định mức"),
        )
    return setting


# --- counting ----------------------------------------------------------------------


def _counted_column(rule: CountRule):
    return Piece.published_at if rule is CountRule.PUBLISHED else Piece.first_submitted_at


def piece_counts(
    periods: list[Period],
    rule: CountRule,
    until: datetime | None = None,
    unit_ids: list[int] | None = None,
) -> dict[tuple[int, str], int]:
    """Pieces per (unit id, period code) over consecutive ``periods``: one GROUP BY query.

    Under the "published" rule a piece counts in the month it was published, if it is
    still published (one taken down no longer counts); under "submitted", in the month it
    was first submitted, whatever became of it (a resubmission after a return is the same
    piece). ``until`` (naive UTC) cuts the last month short: the schedule run as of a past
    day counts what existed that day. Units with no piece are absent: read with ``.get``.
    """
    if not periods:
        return {}
    periods = sorted(periods)
    column = _counted_column(rule)
    end = periods[-1].utc_end if until is None else min(until, periods[-1].utc_end)
    # Which month a piece falls in, by comparison with the precomputed bounds: portable
    # across SQLite and PostgreSQL, and right in local time without any time-zone SQL.
    month = literal(periods[-1].code)
    if len(periods) > 1:
        month = case(*[(column < p.utc_end, literal(p.code)) for p in periods[:-1]], else_=month)
    inner = select(Piece.unit_id.label("unit_id"), month.label("period")).where(
        column >= periods[0].utc_start, column < end
    )
    if rule is CountRule.PUBLISHED:
        inner = inner.where(Piece.state == PieceState.PUBLISHED)
    if unit_ids is not None:
        inner = inner.where(Piece.unit_id.in_(unit_ids))
    inner = inner.subquery()
    rows = db.session.execute(
        select(inner.c.unit_id, inner.c.period, func.count()).group_by(
            inner.c.unit_id, inner.c.period
        )
    )
    return {(unit_id, period): n for unit_id, period, n in rows}


def end_of(today: date) -> datetime:
    """The end of ``today`` (local), naive UTC: the ``until`` of a run as of ``today``."""
    return local_midnight_utc(today + timedelta(days=1))


def judged(unit: Unit, period: Period) -> bool:
    """Whether ``period`` can count against ``unit``: it existed when the month began.

    A unit created on the 20th is not listed as having missed that month, nor escalated
    for it. (Quotas have no history: past months are judged against today's quota.)
    """
    return to_local(unit.created_at).date() <= period.first_day


def months_short(unit: Unit, period: Period, counts: dict, oldest: Period) -> int:
    """How many months running, ``period`` included, ``unit`` has been short of its quota.

    ``period`` itself counts as short (the caller only asks about a unit short in it);
    earlier months are counted from the data, back to ``oldest``, while the unit existed.
    """
    n, current = 1, period.shift(-1)
    while current >= oldest and judged(unit, current):
        if counts.get((unit.id, current.code), 0) >= unit.monthly_quota:
            break
        n += 1
        current = current.shift(-1)
    return n


# --- the plan: what is due, rendered, nothing written ------------------------------


@dataclass
class Message:
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str


@dataclass
class Planned:
    """One reminder to record and send."""

    kind: ReminderKind
    stage_code: str
    period: Period
    unit: Unit | None
    count: int
    quota: int
    months_short: int = 0
    escalated: bool = False
    message: Message | None = None
    # The board summary: [(unit, count, months short)], appendix order.
    missed: list = field(default_factory=list)

    @property
    def target(self) -> str:
        return Reminder.unit_target(self.unit.id) if self.unit else "board"

    @property
    def key(self) -> str:
        return f"reminder:{self.target}:{self.period.code}:{self.stage_code}"


@dataclass
class StageDue:
    stage: ReminderStage
    period: Period
    reminders: list[Planned]
    # Why a due stage sends nothing: "superseded" (a later stage of the month is due too),
    # "no_units" (no unit existed for the whole month the board summary is about).
    skipped: str = ""


@dataclass
class Plan:
    today: date
    rule: CountRule
    due: list[StageDue]  # stages due and not yet run for their period
    already_ran: list[ReminderRun]  # stages due whose period's run is on record

    @property
    def reminders(self) -> list[Planned]:
        return [r for d in self.due for r in d.reminders]


def _period_for(stage: ReminderStage, today: date) -> Period:
    """The board summary is about last month; a unit stage about this one."""
    current = Period.of(today)
    return current.shift(-1) if stage.kind is ReminderKind.BOARD_SUMMARY else current


def plan(today: date) -> Plan:
    """What the schedule sends as of ``today``: the due stages not yet run for their period,
    and for each the reminders with their mail. Reads only; a fixed number of queries."""
    rule = count_rule()
    due_stages = [s for s in stages(active_only=True) if today.day >= s.day_of_month]
    if not due_stages:
        return Plan(today, rule, [], [])
    keys = {(s.code, _period_for(s, today).code) for s in due_stages}
    runs = {
        (r.stage, r.period): r
        for r in db.session.scalars(
            select(ReminderRun).where(
                ReminderRun.stage.in_({code for code, _period in keys}),
                ReminderRun.period.in_({period for _code, period in keys}),
            )
        )
    }
    already = [runs[k] for k in sorted(keys) if k in runs]
    todo = [s for s in due_stages if (s.code, _period_for(s, today).code) not in runs]
    if not todo:
        return Plan(today, rule, [], already)

    units = [u for u in db.session.scalars(Unit.ordered()) if u.active and u.monthly_quota > 0]
    current = Period.of(today)
    # One count for every month any due stage needs: this one, last one, and the year
    # before for the months running a unit has been short. It only runs when a stage is
    # due and not yet run, a few times a month; the passes in between stop above.
    oldest = current.shift(-MAX_HISTORY_MONTHS)
    counts = piece_counts(months(oldest, current), rule, until=end_of(today))
    context = _MailContext(today, rule)

    # Of the unit stages due this month only the latest is sent: a runner that was down over
    # several (or first started late in the month) sends one reminder, not "nothing yet"
    # and "below quota" at once; and a stage an admin moved to an earlier day after a later
    # one ran is not sent late. The earlier stages are marked as run, with nothing sent.
    unit_due = [s for s in due_stages if s.kind in UNIT_KINDS]
    latest = max(unit_due, key=lambda s: (s.day_of_month, s.id)) if unit_due else None

    due = []
    for stage in todo:
        period = _period_for(stage, today)
        if stage.kind is ReminderKind.BOARD_SUMMARY:
            if not any(judged(u, period) for u in units):
                due.append(StageDue(stage, period, [], skipped="no_units"))
                continue
            reminders = [_board_summary(stage.code, period, units, counts, oldest, context)]
        elif stage is not latest:
            due.append(StageDue(stage, period, [], skipped="superseded"))
            continue
        else:
            reminders = [
                _unit_reminder(stage, period, unit, counts, oldest, context)
                for unit in units
                if _needs(stage.kind, counts.get((unit.id, period.code), 0), unit.monthly_quota)
            ]
        due.append(StageDue(stage, period, reminders))
    return Plan(today, rule, due, already)


def _needs(kind: ReminderKind, count: int, quota: int) -> bool:
    if kind is ReminderKind.NOTHING_YET:
        return count == 0
    return count < quota


def _unit_reminder(stage, period, unit, counts, oldest, context) -> Planned:
    short = months_short(unit, period, counts, oldest)
    threshold = stage.escalate_after_months
    planned = Planned(
        kind=stage.kind,
        stage_code=stage.code,
        period=period,
        unit=unit,
        count=counts.get((unit.id, period.code), 0),
        quota=unit.monthly_quota,
        months_short=short,
        escalated=bool(threshold) and short >= threshold,
    )
    planned.message = context.unit_message(planned)
    return planned


def _board_summary(stage_code, period, units, counts, oldest, context) -> Planned:
    """Last month's missers in appendix order: active units with a quota, judged for the
    month, below it; each with its count and how many months running it has been short."""
    missed = [
        (unit, counts.get((unit.id, period.code), 0), months_short(unit, period, counts, oldest))
        for unit in units
        if judged(unit, period) and counts.get((unit.id, period.code), 0) < unit.monthly_quota
    ]
    planned = Planned(
        kind=ReminderKind.BOARD_SUMMARY,
        stage_code=stage_code,
        period=period,
        unit=None,
        count=len(missed),
        quota=0,
        missed=missed,
    )
    planned.message = context.board_message(planned)
    return planned


# --- the mail ----------------------------------------------------------------------


def write_url() -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/tin-bai/moi"


def screen_url() -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/nhac-nho"


def shortfall_paragraph(period: Period, missed: list[tuple[Unit, int, int]]) -> str:
    """The "Hạn chế" paragraph of the board's report, in its words, ready to paste.

    ``missed`` is [(unit, count, months short)] in appendix order.
    """
    nothing = [u.name for u, n, _short in missed if n == 0]
    below = [
        _("%(unit)s (%(count)d/%(quota)d)", unit=u.name, count=n, quota=u.monthly_quota)
        for u, n, _short in missed
        if n > 0
    ]
    month = period.label
    if nothing and below:
        return _(
            "- Số lượng tin bài một số đơn vị còn hạn chế, một số đơn vị trong tháng %(month)s "
            "chưa có tin bài như: %(nothing)s; chưa đạt định mức: %(below)s "
            "(Có phụ lục kèm theo)",
            month=month,
            nothing=", ".join(nothing),
            below=", ".join(below),
        )
    if nothing:
        return _(
            "- Số lượng tin bài một số đơn vị còn hạn chế, một số đơn vị trong tháng %(month)s "
            "chưa có tin bài như: %(nothing)s (Có phụ lục kèm theo)",
            month=month,
            nothing=", ".join(nothing),
        )
    if below:
        return _(
            "- Số lượng tin bài một số đơn vị còn hạn chế, trong tháng %(month)s một số đơn vị "
            "chưa đạt định mức: %(below)s (Có phụ lục kèm theo)",
            month=month,
            below=", ".join(below),
        )
    return _("- Trong tháng %(month)s, tất cả các đơn vị đều đạt định mức tin, bài.", month=month)


def _addresses(*groups) -> list[str]:
    """Addresses in order, each once (case-insensitive), blanks dropped."""
    seen, out = set(), []
    for group in groups:
        for address in group:
            address = (address or "").strip()
            if address and address.lower() not in seen:
                seen.add(address.lower())
                out.append(address)
    return out


class _MailContext:
    """Renders reminder mail in Vietnamese; looks the board's addresses up once per run."""

    def __init__(self, today: date, rule: CountRule):
        self.today = today
        self.rule = rule
        self._chiefs: list[str] | None = None
        self._board: list[str] | None = None

    def chiefs(self) -> list[str]:
        if self._chiefs is None:
            from webapp.notifications.services import chief_editors

            self._chiefs = _addresses([u.email for u in chief_editors()])
        return self._chiefs

    def board(self) -> list[str]:
        if self._board is None:
            from webapp.notifications.services import editors

            # Chief editors first: they sign the report this paragraph goes into.
            people = sorted(editors(), key=lambda u: (not u.has_role(Role.CHIEF_EDITOR), u.id))
            self._board = _addresses([u.email for u in people])
        return self._board

    def unit_message(self, planned: Planned) -> Message:
        unit = planned.unit
        to = _addresses(unit.email_list)
        cc = _addresses([unit.head_email], self.chiefs()) if planned.escalated else []
        cc = [a for a in cc if a.lower() not in {t.lower() for t in to}]
        if not to:  # nobody at the unit to write to: the copies are all there is
            to, cc = cc, []
        ctx = {
            "planned": planned,
            "unit": unit,
            "count": planned.count,
            "quota": planned.quota,
            "month": planned.period.label,
            "days_left": days_left(self.today) if planned.period == Period.of(self.today) else 0,
            "today": self.today,
            "rule": self.rule,
            "write_url": write_url(),
        }
        with force_locale("vi"):
            if planned.count == 0:
                subject = _(
                    "Nhắc nhở: %(unit)s chưa có tin, bài nào trong tháng %(month)s",
                    unit=unit.name,
                    month=planned.period.label,
                )
            else:
                subject = _(
                    "Nhắc nhở: %(unit)s mới có %(count)d/%(quota)d tin, bài trong tháng %(month)s",
                    unit=unit.name,
                    count=planned.count,
                    quota=planned.quota,
                    month=planned.period.label,
                )
            text = render_template("reminders/mail_unit.txt", **ctx)
            html = render_template("reminders/mail_unit.html", **ctx)
        return Message(to, cc, subject, text, html)

    def board_message(self, planned: Planned) -> Message:
        ctx = {
            "planned": planned,
            "month": planned.period.label,
            "missed": planned.missed,
            "rule": self.rule,
            "screen_url": screen_url(),
        }
        with force_locale("vi"):
            ctx["paragraph"] = shortfall_paragraph(planned.period, planned.missed)
            subject = _(
                "Tổng hợp định mức tin, bài tháng %(month)s: %(n)d đơn vị chưa đạt",
                month=planned.period.label,
                n=len(planned.missed),
            )
            text = render_template("reminders/mail_board.txt", **ctx)
            html = render_template("reminders/mail_board.html", **ctx)
        return Message(self.board(), [], subject, text, html)


# --- recording and queuing -----------------------------------------------------------


def _record(planned: Planned, sent_by=None) -> Reminder | None:
    """Insert the reminder (in a savepoint) and queue its mail; None when its key exists:
    it ran already, or another runner got there first and this one must skip."""
    reminder = Reminder(
        target=planned.target,
        unit_id=planned.unit.id if planned.unit else None,
        period=planned.period.code,
        stage=planned.stage_code,
        kind=planned.kind,
        count_at_time=planned.count,
        quota_at_time=planned.quota,
        escalated=planned.escalated,
        months_short=planned.months_short,
        sent_by_id=sent_by.id if sent_by is not None else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
    except IntegrityError:
        return None
    message = planned.message
    if message is not None and message.to:
        outbox = queue_mail(
            message.to,
            message.subject,
            message.text,
            message.html,
            cc=message.cc,
            dedupe_key=planned.key,
        )
        reminder.outbox_message_id = outbox.id if outbox is not None else None
    db.session.flush()
    return reminder


def _mark_run(stage_due: StageDue, today: date) -> ReminderRun | None:
    run = ReminderRun(
        period=stage_due.period.code,
        stage=stage_due.stage.code,
        ran_on=today,
        reminded=len(stage_due.reminders),
    )
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        return None
    return run


def run_schedule(today: date) -> list[Reminder]:
    """Run the schedule as of ``today``: record and queue every reminder due.

    Flushes, never commits: the job runner or the command commits once, so the stage's
    marker, its reminders and their outbox rows are kept together or not at all.
    """
    done = []
    for stage_due in plan(today).due:
        if _mark_run(stage_due, today) is None:
            continue  # another runner evaluated this stage for this period
        for planned in stage_due.reminders:
            reminder = _record(planned)
            if reminder is not None:
                done.append(reminder)
    return done


def run_due(now: datetime | None = None) -> dict[str, int]:
    """The job runner's entry: from SEND_HOUR local time, run the schedule as of today."""
    local = to_local(now or utcnow())
    if local.hour < SEND_HOUR:
        return {}
    return {"reminders": len(run_schedule(local.date()))}


# --- "Gửi ngay" ------------------------------------------------------------------------


def manual_stage(today: date) -> str:
    """One manual reminder per unit and day: a double click sends one."""
    return f"manual:{today.isoformat()}"


def preview_unit(unit: Unit, kind: ReminderKind, today: date) -> Planned:
    """The reminder ``unit`` would get for ``kind`` today, rendered, not recorded."""
    rule = count_rule()
    current = Period.of(today)
    oldest = current.shift(-MAX_HISTORY_MONTHS)
    counts = piece_counts(months(oldest, current), rule, until=end_of(today), unit_ids=[unit.id])
    stage = None
    if kind is not ReminderKind.MANUAL:
        stage = db.session.scalar(
            select(ReminderStage).where(ReminderStage.kind == kind).order_by(ReminderStage.id)
        )
    planned = Planned(
        kind=kind,
        stage_code=stage.code if stage else manual_stage(today),
        period=current,
        unit=unit,
        count=counts.get((unit.id, current.code), 0),
        quota=unit.monthly_quota,
        months_short=months_short(unit, current, counts, oldest),
    )
    threshold = stage.escalate_after_months if stage else 0
    planned.escalated = bool(threshold) and planned.months_short >= threshold
    planned.message = _MailContext(today, rule).unit_message(planned)
    return planned


def preview_board(today: date) -> Planned:
    """The board's summary of last month as the 1st would send it, rendered, not recorded."""
    rule = count_rule()
    period = Period.of(today).shift(-1)
    oldest = period.shift(-MAX_HISTORY_MONTHS)
    counts = piece_counts(months(oldest, period), rule)
    units = [u for u in db.session.scalars(Unit.ordered()) if u.active and u.monthly_quota > 0]
    code = db.session.scalar(
        select(ReminderStage.code).where(ReminderStage.kind == ReminderKind.BOARD_SUMMARY)
    )
    return _board_summary(
        code or ReminderKind.BOARD_SUMMARY.value,
        period,
        units,
        counts,
        oldest,
        _MailContext(today, rule),
    )


def send_now(actor, unit: Unit, today: date) -> Reminder:
    """Queue a reminder to ``unit`` at once ("Gửi ngay"); at most one per unit and day.

    Goes to the unit's addresses only: copies to the head are the schedule's escalation.
    """
    if not unit.active:
        raise ServiceError(_("Đơn vị “%(unit)s” đã ngừng hoạt động.", unit=unit.name))
    if unit.monthly_quota == 0:
        raise ServiceError(_("Đơn vị “%(unit)s” được miễn định mức.", unit=unit.name))
    if not unit.email_list:
        raise ServiceError(
            _("Đơn vị “%(unit)s” chưa có e-mail liên hệ; hãy nhờ quản trị bổ sung.", unit=unit.name)
        )
    planned = preview_unit(unit, ReminderKind.MANUAL, today)
    if planned.count >= planned.quota:
        raise ServiceError(_("Đơn vị “%(unit)s” đã đạt định mức tháng này.", unit=unit.name))
    reminder = _record(planned, sent_by=actor)
    if reminder is None:
        raise ServiceError(
            _(
                "Hôm nay đã gửi nhắc nhở cho “%(unit)s”; mỗi ngày chỉ gửi một lần.",
                unit=unit.name,
            )
        )
    return reminder


# --- the editors' screen and the banner ------------------------------------------------


@dataclass
class UnitStatus:
    unit: Unit
    count: int
    last: Reminder | None  # the latest reminder this month

    @property
    def quota(self) -> int:
        return self.unit.monthly_quota

    @property
    def level(self) -> str:
        """met (green), some (amber), none (red), exempt (grey)."""
        if self.quota == 0:
            return "exempt"
        if self.count >= self.quota:
            return "met"
        return "some" if self.count else "none"


def month_status(today: date) -> list[UnitStatus]:
    """Every active unit, appendix order, with its count this month: three queries."""
    period = Period.of(today)
    units = [u for u in db.session.scalars(Unit.ordered()) if u.active]
    counts = piece_counts([period], count_rule(), until=end_of(today))
    latest = {}
    for reminder in db.session.scalars(
        select(Reminder)
        .where(Reminder.period == period.code, Reminder.unit_id.is_not(None))
        .options(joinedload(Reminder.outbox_message))
        .order_by(Reminder.created_at, Reminder.id)
    ):
        latest[reminder.unit_id] = reminder
    return [UnitStatus(u, counts.get((u.id, period.code), 0), latest.get(u.id)) for u in units]


def unit_status(unit: Unit, today: date) -> UnitStatus:
    """One unit's line of the status table (after "Gửi ngay")."""
    period = Period.of(today)
    counts = piece_counts([period], count_rule(), until=end_of(today), unit_ids=[unit.id])
    last = db.session.scalar(
        select(Reminder)
        .where(Reminder.period == period.code, Reminder.unit_id == unit.id)
        .options(joinedload(Reminder.outbox_message))
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
        .limit(1)
    )
    return UnitStatus(unit, counts.get((unit.id, period.code), 0), last)


def log_query(unit_id: int | None = None):
    """The reminder log, newest first, with each reminder's outbox row (one query a page)."""
    query = (
        select(Reminder)
        .options(
            joinedload(Reminder.unit),
            joinedload(Reminder.outbox_message),
            joinedload(Reminder.sent_by),
        )
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
    )
    if unit_id:
        query = query.where(Reminder.unit_id == unit_id)
    return query


@dataclass
class Banner:
    unit: Unit
    count: int
    quota: int
    month: str
    days_left: int


def banner_for(user, today: date) -> Banner | None:
    """The banner for a unit's writers while the unit is below its quota this month.

    Shown from the day of the first active unit stage (the day the first reminder goes
    out; the 15th by default) until the quota is met: before that the month has barely
    begun, and the mail and the banner should say the same thing at the same time.
    Nothing for users without a unit, for exempt or inactive units, or for users who
    cannot write (an accountant of the unit). At most two queries.
    """
    unit = getattr(user, "unit", None)
    if unit is None or not unit.active or unit.monthly_quota == 0:
        return None
    if not user.has_role(*WRITER_ROLES):
        return None
    first_day, rule_value = db.session.execute(
        select(
            func.min(ReminderStage.day_of_month),
            select(ReminderSetting.value)
            .where(ReminderSetting.key == COUNT_RULE_KEY)
            .scalar_subquery(),
        ).where(ReminderStage.active.is_(True), ReminderStage.kind.in_(UNIT_KINDS))
    ).one()
    if first_day is None or today.day < first_day:
        return None
    rule = CountRule(rule_value) if rule_value in CountRule._value2member_map_ else None
    period = Period.of(today)
    counts = piece_counts(
        [period], rule or CountRule.PUBLISHED, until=end_of(today), unit_ids=[unit.id]
    )
    count = counts.get((unit.id, period.code), 0)
    if count >= unit.monthly_quota:
        return None
    return Banner(unit, count, unit.monthly_quota, period.label, days_left(today))
