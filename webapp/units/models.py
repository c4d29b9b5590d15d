"""Units: the departments (group I) and collaborating bodies (group II) that write."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.timeutil import utcnow


class UnitGroup(StrEnum):
    MEMBER = "member"  # group I: đơn vị thuộc Ban biên tập
    COLLABORATOR = "collaborator"  # group II: đơn vị cộng tác

    @property
    def label(self):
        return GROUP_LABELS[self]

    @property
    def numeral(self) -> str:
        return "I" if self is UnitGroup.MEMBER else "II"


GROUP_LABELS = {
    UnitGroup.MEMBER: _l("Các đơn vị thuộc Ban biên tập"),
    UnitGroup.COLLABORATOR: _l("Các đơn vị cộng tác gửi tin bài"),
}


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("monthly_quota >= 0", name="quota_not_negative"),
        Index("ix_units_group_order", "group", "display_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    group: Mapped[UnitGroup] = mapped_column(
        Enum(
            UnitGroup,
            name="unit_group",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    display_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # 0 means exempt from the quota.
    monthly_quota: Mapped[int] = mapped_column(default=0)
    # One address per line.
    contact_emails: Mapped[str] = mapped_column(Text, default="")
    # The unit head's address: copied on reminders once the unit is short months running.
    head_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Unit {self.name!r}>"

    @property
    def email_list(self) -> list[str]:
        return [e.strip() for e in self.contact_emails.splitlines() if e.strip()]

    @property
    def is_exempt(self) -> bool:
        return self.monthly_quota == 0

    @classmethod
    def ordered(cls):
        """Group I first, then group II, each in display order: the appendix's order."""
        group_rank = db.case((cls.group == UnitGroup.MEMBER, 0), else_=1)
        return select(cls).order_by(group_rank, cls.display_order, cls.id)

    @classmethod
    def next_order(cls, group: UnitGroup) -> int:
        current = db.session.scalar(select(func.max(cls.display_order)).where(cls.group == group))
        return (current or 0) + 1
