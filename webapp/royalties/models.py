"""Royalty rule sets: dated, per genre, data an admin edits, never constants in code."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.extensions import db
from webapp.text import person_key
from webapp.timeutil import utcnow


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
    # How a piece's amount is rounded to đồng: "half_up" (default), "down" or "up", to a step.
    rounding: Mapped[str] = mapped_column(String(10), default="half_up")
    rounding_step: Mapped[int] = mapped_column(BigInteger, default=1)  # đồng

    genre_rules: Mapped[list["RoyaltyGenreRule"]] = relationship(
        back_populates="rule_set", cascade="all, delete-orphan", lazy="selectin"
    )
    modifiers: Mapped[list["RoyaltyModifier"]] = relationship(
        back_populates="rule_set",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="RoyaltyModifier.id",
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


class ModifierKind(StrEnum):
    PERCENT = "percent"  # multiplies the coefficient: translated 50 %, minority language 130 %
    FIXED = "fixed"  # replaces the coefficient: re-posted from another outlet 0.5


class RoyaltyModifier(db.Model):
    """An adjustment a rule set allows: re-posted, translated, and others."""

    __tablename__ = "royalty_modifiers"
    __table_args__ = (UniqueConstraint("rule_set_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("royalty_rule_sets.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ModifierKind] = mapped_column(
        Enum(
            ModifierKind,
            name="modifier_kind",
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
    )
    # PERCENT: hundredths of a percent (50 % = 5000); FIXED: a coefficient in hundredths (0.5 = 50).
    value: Mapped[int]

    rule_set: Mapped[RoyaltyRuleSet] = relationship(back_populates="modifiers")


class BaseSalary(db.Model):
    """Mức lương cơ sở: dated amounts, in đồng per month."""

    __tablename__ = "base_salaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    # False for figures taken from unofficial sources: shown as "cần xác minh".
    verified: Mapped[bool] = mapped_column(default=True)


class TaxRule(db.Model):
    """Personal income tax withheld on royalties: threshold per payment and rate, dated."""

    __tablename__ = "tax_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(unique=True)
    threshold: Mapped[int] = mapped_column(BigInteger)  # đồng: this much or more is taxed
    rate: Mapped[int]  # hundredths of a percent: 10 % = 1000
    legal_basis: Mapped[str] = mapped_column(String(200), default="")
    verified: Mapped[bool] = mapped_column(default=True)


class Budget(db.Model):
    """The portal's budget for a year."""

    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")


class Expense(db.Model):
    """Other spending from the budget: stationery (văn phòng phẩm) and the like."""

    __tablename__ = "expenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    spent_on: Mapped[date] = mapped_column(index=True)
    category: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Payee(db.Model):
    """Someone who can be paid: a user, or an outside person."""

    __tablename__ = "payees"
    __table_args__ = (
        # One payee per person, held by the database. Staff: the user (user_id is unique).
        # Outside people: the normalized name and the unit; a NULL unit is a key of its own
        # (NULLs never clash in a unique index, hence the second index).
        Index(
            "uq_payees_outside_name_unit",
            "normalized_name",
            "unit_id",
            unique=True,
            sqlite_where=text("user_id IS NULL AND unit_id IS NOT NULL"),
            postgresql_where=text("user_id IS NULL AND unit_id IS NOT NULL"),
        ),
        Index(
            "uq_payees_outside_name_no_unit",
            "normalized_name",
            unique=True,
            sqlite_where=text("user_id IS NULL AND unit_id IS NULL"),
            postgresql_where=text("user_id IS NULL AND unit_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), index=True)
    # person_key(full_name): NFC, case folded, spaces collapsed; kept in step by _keyed.
    normalized_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    pen_name: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    tax_code: Mapped[str] = mapped_column(String(20), default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="")
    bank_name: Mapped[str] = mapped_column(String(120), default="")
    # Mẫu 08/CK-TNCN: the payee committed that their income stays under the taxable level.
    commitment_on_file: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    unit = relationship("Unit", lazy="joined")
    user = relationship("User")

    @validates("full_name")
    def _keyed(self, _key, value):
        self.normalized_name = person_key(value)[:120]
        return value


class MonthState(StrEnum):
    OPEN = "open"
    SIGNED = "signed"
    PAID = "paid"


class RoyaltyMonth(db.Model):
    """A month of the ledger: open, then signed by the chief editor, then paid."""

    __tablename__ = "royalty_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)  # "2021-07"
    state: Mapped[MonthState] = mapped_column(
        Enum(
            MonthState,
            name="month_state",
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=MonthState.OPEN,
    )
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None]
    voucher_no: Mapped[str] = mapped_column(String(60), default="")
    voucher_date: Mapped[date | None]
    # Optimistic lock: signing and paying each check and bump it, so of two people signing
    # or paying the same month at once the database lets one through.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    signed_by = relationship("User", foreign_keys=[signed_by_id])
    paid_by = relationship("User", foreign_keys=[paid_by_id])

    __mapper_args__ = {"version_id_col": version}


class EntryKind(StrEnum):
    ACCRUAL = "accrual"  # earned at publication
    REVERSAL = "reversal"  # the piece was taken down while its month was open
    ADJUSTMENT = "adjustment"  # a later correction, in the current open month


class RoyaltyEntry(db.Model):
    """Dòng nhuận bút: one append-only ledger line, traceable to a piece, a rule and a salary."""

    __tablename__ = "royalty_entries"
    __table_args__ = (
        # A piece's publication accrues once per payee and line: never twice.
        UniqueConstraint(
            "piece_id",
            "payee_id",
            "line_key",
            "kind",
            "publication_no",
            name="uq_royalty_entries_once",
        ),
        Index("ix_royalty_entries_period_payee", "period", "payee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[EntryKind] = mapped_column(
        Enum(
            EntryKind,
            name="entry_kind",
            native_enum=False,
            length=12,
            values_callable=lambda e: [m.value for m in e],
        ),
    )
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"), index=True)
    payee_id: Mapped[int] = mapped_column(ForeignKey("payees.id"))
    # "piece" for a piece counted per piece; "image:<id>" for a photo counted per photo.
    line_key: Mapped[str] = mapped_column(String(30), default="piece")
    publication_no: Mapped[int] = mapped_column(default=1)
    published_on: Mapped[date]
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("royalty_rule_sets.id"))
    base_salary: Mapped[int] = mapped_column(BigInteger)
    unit_percent: Mapped[int]  # hundredths of a percent
    tier_percent: Mapped[int]  # hundredths of a percent
    coefficient_centi: Mapped[int]
    modifiers: Mapped[list] = mapped_column(JSON, default=list)  # [[code, kind, value], ...]
    # Percent of the piece's amount; None for an equal split among authors without shares.
    share: Mapped[int | None]
    # The whole piece's (or photo's) amount, before the split.
    piece_amount: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)  # this line, đồng; negative for reversals
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("royalty_entries.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    piece = relationship("Piece", lazy="joined")
    payee = relationship(Payee, lazy="joined")
    reverses = relationship("RoyaltyEntry", remote_side=[id])


class PaymentLine(db.Model):
    """What a payee was paid for a month, frozen when the month is marked paid."""

    __tablename__ = "payment_lines"
    __table_args__ = (UniqueConstraint("period", "payee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    payee_id: Mapped[int] = mapped_column(ForeignKey("payees.id"))
    gross: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    tax_rate: Mapped[int]  # hundredths of a percent in force on the payment date
    threshold: Mapped[int] = mapped_column(BigInteger)
    # The dated tax rule the line was taxed by (None when no rule was in force).
    tax_rule_id: Mapped[int | None] = mapped_column(ForeignKey("tax_rules.id"))

    payee = relationship(Payee, lazy="joined")
    tax_rule = relationship(TaxRule, lazy="joined")


class RoyaltyFlag(db.Model):
    """Something the accountant must look at: a paid piece that was taken down."""

    __tablename__ = "royalty_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")

    piece = relationship("Piece", lazy="joined")
