"""Reference figures loaded into the database once (``seed-demo`` or ``royalties seed``).

The application never reads these lists: it reads the tables, which an admin edits.
Sources: ../shared/reference/royalty-rules.md of the project brief (Nghị định 18/2014,
Nghị định 38/2019, 24/2023, 73/2024; Thông tư 111/2013).
"""

from datetime import date

# (valid from, đồng per month, legal basis, verified)
BASE_SALARIES = [
    (date(2013, 7, 1), 1_150_000, "", False),
    (date(2016, 5, 1), 1_210_000, "", False),
    (date(2017, 7, 1), 1_300_000, "", False),
    (date(2018, 7, 1), 1_390_000, "", False),
    (date(2019, 7, 1), 1_490_000, "Nghị định 38/2019/NĐ-CP", True),
    (date(2023, 7, 1), 1_800_000, "Nghị định 24/2023/NĐ-CP", True),
    (date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP", True),
    (date(2026, 7, 1), 2_530_000, "Nghị định 161/2026/NĐ-CP (chưa đối chiếu văn bản gốc)", False),
]

# (valid from, threshold in đồng, rate in hundredths of a percent, legal basis, verified)
TAX_RULES = [
    (date(2013, 9, 1), 2_000_000, 1000, "Thông tư 111/2013/TT-BTC, Điều 25 khoản 1 điểm i", True),
]

# Modifiers of the example rule set: (code, name, kind, value).
EXAMPLE_MODIFIERS = [
    ("repost", "Đăng lại từ cơ quan báo chí khác", "fixed", 50),  # coefficient 0.5 (Ninh Thuận)
    ("translated", "Dịch từ tiếng nước ngoài", "percent", 5000),  # 40–65 % (NĐ 18/2014)
    ("minority", "Viết cho thiếu nhi, đồng bào dân tộc thiểu số", "percent", 11500),  # +10–20 %
    ("minority_language", "Viết bằng tiếng dân tộc thiểu số", "percent", 14000),  # +30–50 %
]


def seed_reference(rule_set=None) -> None:
    """Insert what is missing: base salaries, tax rules, the example rule set's modifiers."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.royalties.models import BaseSalary, ModifierKind, RoyaltyModifier, TaxRule

    have = set(db.session.scalars(select(BaseSalary.valid_from)))
    for valid_from, amount, basis, verified in BASE_SALARIES:
        if valid_from not in have:
            db.session.add(
                BaseSalary(
                    valid_from=valid_from, amount=amount, legal_basis=basis, verified=verified
                )
            )
    have = set(db.session.scalars(select(TaxRule.valid_from)))
    for valid_from, threshold, rate, basis, verified in TAX_RULES:
        if valid_from not in have:
            db.session.add(
                TaxRule(
                    valid_from=valid_from,
                    threshold=threshold,
                    rate=rate,
                    legal_basis=basis,
                    verified=verified,
                )
            )
    if rule_set is not None:
        codes = {m.code for m in rule_set.modifiers}
        for code, name, kind, value in EXAMPLE_MODIFIERS:
            if code not in codes:
                rule_set.modifiers.append(
                    RoyaltyModifier(code=code, name=name, kind=ModifierKind(kind), value=value)
                )
    db.session.flush()
