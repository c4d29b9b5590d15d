"""Visit counts for the board's report: per day for the site; per article on the piece."""

from datetime import date

from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class SiteVisit(db.Model):
    __tablename__ = "site_visits"

    day: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
