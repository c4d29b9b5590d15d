"""The portal's sections (categories), subject fields (topics) and genres."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.timeutil import utcnow


class Category(db.Model):
    """Chuyên mục: a section of the portal."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    display_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # When the section was opened: the board's report counts new sections.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Topic(db.Model):
    """Lĩnh vực: a subject field, used to find what nobody covers."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class Genre(db.Model):
    """Thể loại: tin, bài, ảnh, văn bản, media."""

    __tablename__ = "genres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # When on, an approved piece of this genre waits for the chief editor's sign-off.
    requires_signoff: Mapped[bool] = mapped_column(default=False)
