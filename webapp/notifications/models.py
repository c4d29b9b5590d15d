"""In-app notifications: a counter in the menu and a list."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.timeutil import utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),
        Index("ix_notifications_email_pending", "email_pending", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    piece_id: Mapped[int | None] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"))
    # What happened, e.g. "returned"; the text is made at display time, in the reader's language.
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Waiting to go out by e-mail with the others that come within a few minutes: one mail per
    # person per burst (see notifications.services.send_batches), not one per notification.
    email_pending: Mapped[bool] = mapped_column(default=False)

    piece = relationship("Piece", lazy="joined")
