"""Looking up the rule in force, and reading coefficients exactly."""

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import or_, select

from webapp.extensions import db
from webapp.royalties.models import RoyaltyGenreRule, RoyaltyRuleSet
from webapp.services import ServiceError


def rule_set_on(day: date) -> RoyaltyRuleSet | None:
    """The rule set in force on ``day`` (the latest one that started by then)."""
    return db.session.scalar(
        select(RoyaltyRuleSet)
        .where(
            RoyaltyRuleSet.valid_from <= day,
            or_(RoyaltyRuleSet.valid_to.is_(None), RoyaltyRuleSet.valid_to >= day),
        )
        .order_by(RoyaltyRuleSet.valid_from.desc(), RoyaltyRuleSet.id.desc())
        .limit(1)
    )


def genre_rule(genre_id: int, day: date) -> RoyaltyGenreRule | None:
    rule_set = rule_set_on(day)
    if rule_set is None:
        return None
    return next((r for r in rule_set.genre_rules if r.genre_id == genre_id), None)


def parse_coefficient(text) -> int:
    """A coefficient as typed ("1,5", "1.50", "2") in hundredths (150); at most two decimals."""
    raw = str(text if text is not None else "").strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ServiceError(_("Hệ số phải là một số, ví dụ 1,5."), "coefficient") from None
    if not value.is_finite() or value < 0:
        raise ServiceError(_("Hệ số phải là một số không âm."), "coefficient")
    centi = value * 100
    if centi != centi.to_integral_value():
        raise ServiceError(_("Hệ số có nhiều nhất hai chữ số thập phân."), "coefficient")
    return int(centi)


def format_coefficient(centi: int | None) -> str:
    """150 → "1,50" (Vietnamese decimal comma)."""
    if centi is None:
        return ""
    return f"{centi // 100},{centi % 100:02d}"
