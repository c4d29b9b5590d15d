"""The outbox: mail is queued in the same transaction as what caused it, then delivered."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.timeutil import utcnow


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; kept, visible, can be re-queued


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A message with a key is queued once, however often its cause is repeated.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    to_addrs: Mapped[str] = mapped_column(Text)  # one address per line
    cc_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MailStatus] = mapped_column(
        Enum(
            MailStatus,
            name="mail_status",
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=MailStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A sender leases a message before sending, so two runners never send it twice.
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    # One Message-ID for every try, so that a receiving server (or a mail program) that got a
    # message the client never heard back about can recognise the retry as the same message.
    message_id: Mapped[str | None] = mapped_column(String(250))
    # A try timed out after the whole message had been handed over: it may have been delivered.
    # The retry waits longer (and carries the same Message-ID); the outbox screen says so.
    maybe_sent: Mapped[bool] = mapped_column(default=False)
    # Delivered to the local mailbox ("Thư đã gửi") because no mail server is set: readable
    # in the app, never sent out.
    kept_locally: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    attempts_log: Mapped[list["MailAttempt"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MailAttempt.id"
    )

    @property
    def recipients(self) -> list[str]:
        return [a for a in (self.to_addrs + "\n" + self.cc_addrs).split() if a]


class MailAttempt(db.Model):
    """Every delivery attempt, successful or not."""

    __tablename__ = "mail_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(Text, default="")

    message: Mapped[OutboxMessage] = relationship(back_populates="attempts_log")
