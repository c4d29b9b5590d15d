"""Pieces (tin, bài) from first draft to publication, with their authors, images and files."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.timeutil import utcnow


class PieceState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    REJECTED = "rejected"
    APPROVED = "approved"
    AWAITING_SIGNOFF = "awaiting_signoff"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    PieceState.DRAFT: _l("Nháp"),
    PieceState.SUBMITTED: _l("Đã gửi"),
    PieceState.IN_REVIEW: _l("Đang biên tập"),
    PieceState.RETURNED: _l("Trả lại"),
    PieceState.REJECTED: _l("Từ chối"),
    PieceState.APPROVED: _l("Đã duyệt"),
    PieceState.AWAITING_SIGNOFF: _l("Chờ Trưởng ban ký duyệt"),
    PieceState.SCHEDULED: _l("Hẹn giờ đăng"),
    PieceState.PUBLISHED: _l("Đã đăng"),
    PieceState.UNPUBLISHED: _l("Đã gỡ"),
}


class SourceKind(StrEnum):
    ORIGINAL = "original"  # tự viết
    REPOST = "repost"  # đăng lại từ cơ quan báo chí khác


def _enum(enum_cls, name):
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


piece_topics = Table(
    "piece_topics",
    db.metadata,
    Column("piece_id", ForeignKey("pieces.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id"), primary_key=True, index=True),
)


class Piece(db.Model):
    __tablename__ = "pieces"
    __table_args__ = (
        Index("ix_pieces_state_submitted", "state", "submitted_at"),
        Index("ix_pieces_state_published", "state", "published_at"),
        Index("ix_pieces_unit_state", "unit_id", "state"),
        Index("ix_pieces_state_publish_at", "state", "publish_at"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    submitter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    genre_id: Mapped[int] = mapped_column(ForeignKey("genres.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)

    title: Mapped[str] = mapped_column(String(300), default="")
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # sanitized HTML
    # Folded (no diacritics, lower-case) title, lead and text: what search matches against.
    search_text: Mapped[str] = mapped_column(Text, default="")
    event_date: Mapped[date | None]
    source_kind: Mapped[SourceKind] = mapped_column(
        _enum(SourceKind, "source_kind"), default=SourceKind.ORIGINAL
    )
    source_name: Mapped[str] = mapped_column(String(200), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")

    state: Mapped[PieceState] = mapped_column(
        _enum(PieceState, "piece_state"), default=PieceState.DRAFT
    )
    # Bumped by every change; a change made against an older version is refused.
    version: Mapped[int] = mapped_column(default=1)
    # Optimistic locking: every UPDATE checks and bumps the version, so of two people acting
    # on the same piece at once, the second's change is refused instead of silently applied.
    __mapper_args__ = {"version_id_col": version}
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]
    # Royalty coefficient in hundredths (1.50 is 150): exact, never a float.
    coefficient_centi: Mapped[int | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Codes of the rule set's modifiers the editor applied at approval (e.g. ["repost"]).
    modifier_codes: Mapped[list] = mapped_column(JSON, default=list)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]  # the latest submission: the queue's waiting time
    first_submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]  # returned, rejected or approved
    publish_at: Mapped[datetime | None]  # when scheduled
    published_at: Mapped[datetime | None]

    slug: Mapped[str] = mapped_column(String(200), default="")
    # An imported piece: sha256 of (date, unit, title), so importing it twice adds nothing.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    view_count: Mapped[int] = mapped_column(default=0)

    # Duplicate detection: MinHash signature of the text, and the closest earlier piece.
    signature: Mapped[list | None] = mapped_column(JSON)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("pieces.id"))
    duplicate_score: Mapped[float | None]

    unit = relationship("Unit", lazy="joined")
    genre = relationship("Genre", lazy="joined")
    category = relationship("Category", lazy="joined")
    submitter = relationship("User", foreign_keys=[submitter_id])
    claimed_by = relationship("User", foreign_keys=[claimed_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    duplicate_of = relationship("Piece", remote_side=[id])
    topics = relationship("Topic", secondary=piece_topics, lazy="selectin", order_by="Topic.name")
    authors: Mapped[list["PieceAuthor"]] = relationship(
        back_populates="piece",
        cascade="all, delete-orphan",
        order_by="PieceAuthor.position",
        lazy="selectin",
    )
    images: Mapped[list["PieceImage"]] = relationship(
        back_populates="piece",
        cascade="all, delete-orphan",
        order_by="PieceImage.position",
        lazy="selectin",
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="piece", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def __repr__(self) -> str:
        return f"<Piece {self.id} {self.state}>"

    @property
    def coefficient(self):
        from decimal import Decimal

        if self.coefficient_centi is None:
            return None
        return Decimal(self.coefficient_centi) / 100

    @property
    def byline(self) -> str:
        return ", ".join(a.name for a in self.authors)

    @property
    def is_editable_by_unit(self) -> bool:
        return self.state in (PieceState.DRAFT, PieceState.RETURNED)


class PieceAuthor(db.Model):
    """One author of a piece: a user, or a named outside person, with a share in percent.

    ``share`` is None for every author of a piece split equally ("without shares"): the
    amount, not the percentage, is divided (``calc.split_lines``).
    """

    __tablename__ = "piece_authors"
    __table_args__ = (
        CheckConstraint("share > 0 AND share <= 100", name="share_range"),
        UniqueConstraint("piece_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)  # 0 is the first in the byline
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    share: Mapped[int | None]  # percent; None for every author of an equal split

    piece: Mapped[Piece] = relationship(back_populates="authors")
    user = relationship("User")


class PieceImage(db.Model):
    __tablename__ = "piece_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    thumb_key: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(160), default="")
    caption: Mapped[str] = mapped_column(String(500), default="")
    credit: Mapped[str] = mapped_column(String(120), default="")
    # sha256 of the stored files (hex), for backups and `flask check-files`; None for a file
    # stored before checksums were kept (`flask check-files --fix` fills them in).
    sha256: Mapped[str | None] = mapped_column(String(64))
    thumb_sha256: Mapped[str | None] = mapped_column(String(64))

    piece: Mapped[Piece] = relationship(back_populates="images")


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(160), default="")
    sha256: Mapped[str | None] = mapped_column(String(64))

    piece: Mapped[Piece] = relationship(back_populates="attachments")


class Revision(db.Model):
    """A saved state of a piece's text. Editors' changes are revisions too."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("piece_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300), default="")
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


class WorkflowEvent(db.Model):
    """Nhật ký: who moved a piece from which state to which, when, and why."""

    __tablename__ = "workflow_events"
    __table_args__ = (Index("ix_workflow_events_piece", "piece_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the job runner
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor = relationship("User", lazy="joined")


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_piece", "piece_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")
