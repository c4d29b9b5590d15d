"""Quota reminders: the schedule (stages), the counting rule, and every reminder sent.

Exactly once is kept by the database, not by the job's good behaviour:

- ``Reminder`` is unique on (target, period, stage). ``target`` is ``"unit:<id>"`` or
  ``"board"`` rather than a nullable unit id, because SQL does not compare NULLs in a
  unique constraint: two board summaries for one month would both be accepted.
- ``ReminderRun`` is unique on (period, stage): a stage is evaluated once per period,
  so the job can run every 30 seconds without recounting anything once the day's work
  is done, and the editors can see that a stage ran even when nobody needed reminding.
"""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.pieces.models import Piece
from webapp.timeutil import utcnow


class ReminderKind(StrEnum):
    NOTHING_YET = "nothing_yet"  # units with no piece yet this month
    BELOW_QUOTA = "below_quota"  # units still below their quota this month
    BOARD_SUMMARY = "board_summary"  # to the board: the units that missed last month
    MANUAL = "manual"  # "Gửi ngay" from the editors' screen (never a scheduled stage)

    @property
    def label(self):
        return KIND_LABELS[self]

    @property
    def to_unit(self) -> bool:
        return self is not ReminderKind.BOARD_SUMMARY


KIND_LABELS = {
    ReminderKind.NOTHING_YET: _l("Đơn vị chưa có tin, bài trong tháng"),
    ReminderKind.BELOW_QUOTA: _l("Đơn vị chưa đạt định mức"),
    ReminderKind.BOARD_SUMMARY: _l("Tổng hợp gửi Ban biên tập"),
    ReminderKind.MANUAL: _l("Nhắc ngay (biên tập viên gửi)"),
}


class CountRule(StrEnum):
    """What counts toward a unit's quota in a month."""

    PUBLISHED = "published"  # pieces published in the month (the report counts these)
    SUBMITTED = "submitted"  # pieces first submitted in the month, whatever became of them

    @property
    def label(self):
        return COUNT_RULE_LABELS[self]


COUNT_RULE_LABELS = {
    CountRule.PUBLISHED: _l("Tin, bài được đăng trong tháng"),
    CountRule.SUBMITTED: _l("Tin, bài gửi lên trong tháng (lần gửi đầu)"),
}

# Key of the counting rule in ``reminder_settings``.
COUNT_RULE_KEY = "count"


def _kind_enum():
    return Enum(
        ReminderKind,
        name="reminder_kind",
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class ReminderStage(db.Model):
    """One step of the schedule: what is checked, on which day of the month, and for whom.

    A stage runs on its day or on the first pass after it (a runner that was down on the
    15th still sends on the 16th), and once per period.
    """

    __tablename__ = "reminder_stages"
    __table_args__ = (
        # Up to the 28th, so that every month has the day.
        CheckConstraint("day_of_month BETWEEN 1 AND 28", name="day_in_every_month"),
        CheckConstraint("escalate_after_months >= 0", name="escalation_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[ReminderKind] = mapped_column(_kind_enum())
    day_of_month: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    # A unit short of its quota this many months running (this one included) gets its
    # head and the chief editors in copy; 0 never escalates. Unused by the board summary.
    escalate_after_months: Mapped[int] = mapped_column(default=2)

    def __repr__(self) -> str:
        return f"<ReminderStage {self.code} day {self.day_of_month}>"

    @property
    def label(self):
        return self.kind.label

    @property
    def name(self) -> str:
        """What the audit trail shows for this stage."""
        return str(self.kind.label)


class ReminderSetting(db.Model):
    """Settings of the reminders, one row per key (today only ``count``)."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True)  # the audit trail keeps an integer id
    key: Mapped[str] = mapped_column(String(40), unique=True)
    value: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderRun(db.Model):
    """A stage evaluated for a period: the marker that keeps each stage to once a month."""

    __tablename__ = "reminder_runs"
    __table_args__ = (UniqueConstraint("period", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    stage: Mapped[str] = mapped_column(String(30))
    ran_on: Mapped[date]  # the local date the schedule was run as of
    reminded: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(db.Model):
    """One reminder: to a unit for a period and stage, or the board's monthly summary."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("target", "period", "stage"),
        Index("ix_reminders_created", "created_at", "id"),
        Index("ix_reminders_unit_period", "unit_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(30))  # "unit:<id>" or "board"
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    # A stage code, or "manual:YYYY-MM-DD" for "Gửi ngay": one per unit and day.
    stage: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ReminderKind] = mapped_column(_kind_enum())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None when there was nobody to write to (a unit without contact addresses).
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id"), index=True
    )
    # For a unit: its count and quota when reminded. For the board: how many units missed.
    count_at_time: Mapped[int] = mapped_column(default=0)
    quota_at_time: Mapped[int] = mapped_column(default=0)
    escalated: Mapped[bool] = mapped_column(default=False)
    months_short: Mapped[int] = mapped_column(default=0)  # short months running, this one too
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # "Gửi ngay" only

    unit = relationship("Unit")
    outbox_message = relationship("OutboxMessage")
    sent_by = relationship("User")

    def __repr__(self) -> str:
        return f"<Reminder {self.target} {self.period} {self.stage}>"

    @staticmethod
    def unit_target(unit_id: int) -> str:
        return f"unit:{unit_id}"


# The count under the "submitted" rule ranges over first submissions; pieces has no index
# on that column (its own lists use the latest submission), so the reminders bring one.
Index("ix_pieces_first_submitted", Piece.first_submitted_at)
