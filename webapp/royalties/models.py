"""Royalty rule sets: dated, per genre, data an admin edits, never constants in code."""

from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db


class CountedPer(StrEnum):
    PIECE = "piece"
    PHOTO = "photo"


class RoyaltyRuleSet(db.Model):
    """Quy định nhuận bút: the coefficient table in force over a period."""

    __tablename__ = "royalty_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date] = mapped_column(index=True)
    valid_to: Mapped[date | None]
    # One coefficient unit as a share of the base salary, in hundredths of a percent (10 % = 1000).
    unit_percent_centi: Mapped[int] = mapped_column(default=1000)
    # Tier multiplier in hundredths of a percent (100 % = 10000), e.g. 20 % for department sites.
    tier_percent_centi: Mapped[int] = mapped_column(default=10000)
    # Marks a seeded table that is only an example to be replaced by the province's own.
    is_example: Mapped[bool] = mapped_column(default=False)

    genre_rules: Mapped[list["RoyaltyGenreRule"]] = relationship(
        back_populates="rule_set", cascade="all, delete-orphan", lazy="selectin"
    )


class RoyaltyGenreRule(db.Model):
    """Per genre: the coefficient range, its default, and what is counted."""

    __tablename__ = "royalty_genre_rules"
    __table_args__ = (
        UniqueConstraint("rule_set_id", "genre_id"),
        CheckConstraint(
            "min_centi >= 0 AND min_centi <= default_centi AND default_centi <= max_centi",
            name="range_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("royalty_rule_sets.id", ondelete="CASCADE"))
    genre_id: Mapped[int] = mapped_column(ForeignKey("genres.id"), index=True)
    min_centi: Mapped[int]
    max_centi: Mapped[int]
    default_centi: Mapped[int]
    counted_per: Mapped[CountedPer] = mapped_column(
        Enum(
            CountedPer,
            name="counted_per",
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=CountedPer.PIECE,
    )

    rule_set: Mapped[RoyaltyRuleSet] = relationship(back_populates="genre_rules")
    genre = relationship("Genre", lazy="joined")
