"""``flask --app wsgi reminders run [--today YYYY-MM-DD] [--dry-run]``.

The job runner sends reminders on its own; this command is for people (to see what the
schedule would do, or to catch up by hand) and for tests. It prints in Vietnamese, like
``seed-demo``.
"""

from datetime import date

import click
from flask.cli import with_appcontext

from webapp.extensions import db


@click.group("reminders")
def reminders_command():
    """Quota reminders: run the schedule by hand."""


def _parse_day(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter("dạng YYYY-MM-DD, ví dụ 2026-11-15") from err


def _line(planned) -> str:
    if planned.unit is None:
        who = "Ban biên tập"
        numbers = f"{planned.count} đơn vị chưa đạt định mức"
    else:
        who = planned.unit.name
        numbers = f"{planned.count}/{planned.quota} tin, bài"
    message = planned.message
    to = ", ".join(message.to) if message and message.to else "(không có địa chỉ nhận)"
    cc = f"; cc: {', '.join(message.cc)}" if message and message.cc else ""
    escalated = " [báo thủ trưởng]" if planned.escalated else ""
    stage = f"{planned.stage_code:<14} {planned.period.label}"
    return f"  {stage}  {who}: {numbers}{escalated} → {to}{cc}"


@reminders_command.command("run")
@click.option(
    "--today",
    "today",
    callback=_parse_day,
    metavar="YYYY-MM-DD",
    help="Run the schedule as of this date (default: today in Asia/Ho_Chi_Minh).",
)
@click.option("--dry-run", is_flag=True, help="List what would be sent; record and send nothing.")
@with_appcontext
def run(today: date | None, dry_run: bool):
    """Run the reminder schedule now, then deliver the mail it queued."""
    from webapp.mail.models import MailStatus
    from webapp.mail.services import deliver_due
    from webapp.reminders import services
    from webapp.timeutil import local_today

    today = today or local_today()
    click.echo(f"Lịch nhắc nhở tính đến ngày {today:%d/%m/%Y}.")
    if dry_run:
        plan = services.plan(today)
        for run_ in plan.already_ran:
            click.echo(
                f"  {run_.stage:<14} tháng {services.Period.parse(run_.period).label}: "
                f"đã chạy ngày {run_.ran_on:%d/%m/%Y}"
            )
        notes = {
            "superseded": "bỏ qua: mốc sau trong tháng cũng đã đến hạn, chỉ gửi mốc sau",
            "no_units": "bỏ qua: không có đơn vị nào có mặt trọn tháng",
        }
        for stage_due in plan.due:
            if stage_due.skipped:
                click.echo(
                    f"  {stage_due.stage.code:<14} tháng {stage_due.period.label}: "
                    f"{notes[stage_due.skipped]}"
                )
        if not plan.reminders:
            click.echo("Không có nhắc nhở nào đến hạn.")
        else:
            click.echo(f"Sẽ gửi {len(plan.reminders)} nhắc nhở (chạy thử, không gửi):")
            for planned in plan.reminders:
                click.echo(_line(planned))
        db.session.rollback()
        return

    reminders = services.run_schedule(today)
    db.session.commit()
    if not reminders:
        click.echo("Không có nhắc nhở nào đến hạn.")
        return
    ids = [r.id for r in reminders]
    deliver_due()  # commits per message
    db.session.expire_all()
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from webapp.reminders.models import Reminder

    rows = db.session.scalars(
        select(Reminder)
        .where(Reminder.id.in_(ids))
        .options(joinedload(Reminder.outbox_message), joinedload(Reminder.unit))
        .order_by(Reminder.id)
    ).all()
    counts = {"sent": 0, "pending": 0, "failed": 0, "none": 0}
    for reminder in rows:
        message = reminder.outbox_message
        if message is None:
            state, label = "none", "không có địa chỉ nhận"
        elif message.status is MailStatus.SENT:
            state, label = "sent", "đã gửi"
        elif message.status is MailStatus.FAILED:
            state, label = "failed", f"lỗi: {message.last_error}"
        else:
            state = "pending"
            label = f"đang chờ gửi lại ({message.last_error})" if message.last_error else "chờ gửi"
        counts[state] += 1
        who = reminder.unit.name if reminder.unit else "Ban biên tập"
        click.echo(f"  {reminder.stage:<14} {who}: {label}")
    click.echo(
        f"Đã gửi {counts['sent']}, còn trong hàng chờ {counts['pending']}, "
        f"lỗi {counts['failed']}, không có địa chỉ {counts['none']} "
        f"(tổng {len(rows)} nhắc nhở)."
    )
