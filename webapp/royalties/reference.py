"""Reference figures loaded into the database once (``seed-demo`` or ``royalties seed``).

The application never reads these lists: it reads the tables, which an admin edits.
Sources: ../shared/reference/royalty-rules.md of the project brief (Nghị định 18/2014,
Nghị định 38/2019, 24/2023, 73/2024, 161/2026; Thông tư 111/2013; Nghị định 253/2026).
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
    (date(2026, 7, 1), 2_530_000, "Nghị định 161/2026/NĐ-CP, Điều 3 khoản 2", True),
]
# What earlier versions seeded for 2026, before the decree was confirmed: a row still equal
# to this is brought up to date by seed_reference (and by migration a1b2c3d40904); a row an
# admin changed is left alone.
UNCONFIRMED_2026_SALARY = (
    date(2026, 7, 1),
    2_530_000,
    "Nghị định 161/2026/NĐ-CP (chưa đối chiếu văn bản gốc)",
)

# (valid from, threshold in đồng, rate in hundredths of a percent, legal basis, verified)
TAX_RULES = [
    (date(2013, 9, 1), 2_000_000, 1000, "Thông tư 111/2013/TT-BTC, Điều 25 khoản 1 điểm i", True),
    # Luật Thuế TNCN số 109/2025/QH15, guided by Nghị định 253/2026/NĐ-CP (Điều 50, as public
    # sources report it): 10 % from a payment of 5.000.000 đ or more. The official text was
    # not available, so its start date is the law's reported one and the rule is "cần xác
    # minh" until the accountant checks it against the gazette.
    (
        date(2026, 7, 1),
        5_000_000,
        1000,
        "Nghị định 253/2026/NĐ-CP, Điều 50 (ngày áp dụng chưa đối chiếu văn bản gốc)",
        False,
    ),
]

# Modifiers of the example rule set: (code, name, kind, value).
EXAMPLE_MODIFIERS = [
    ("repost", "Đăng lại từ cơ quan báo chí khác", "fixed", 50),  # coefficient 0.5 (Ninh Thuận)
    ("translated", "Dịch từ tiếng nước ngoài", "percent", 5000),  # 40–65 % (NĐ 18/2014)
    ("minority", "Viết cho thiếu nhi, đồng bào dân tộc thiểu số", "percent", 11500),  # +10–20 %
    ("minority_language", "Viết bằng tiếng dân tộc thiểu số", "percent", 14000),  # +30–50 %
]


def seed_reference(rule_set=None) -> None:
    """Insert what is missing: base salaries, tax rules, the example rule set's modifiers.

    Idempotent: a second run adds nothing; it only confirms the 2026 base salary where the
    row is still the unconfirmed one an earlier version seeded.
    """
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.royalties.models import BaseSalary, ModifierKind, RoyaltyModifier, TaxRule

    confirm_2026_salary()
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


def confirm_2026_salary() -> bool:
    """Drop the "cần xác minh" mark of the 2026 base salary, now confirmed (NĐ 161/2026),
    when the row is still exactly what was seeded unconfirmed. True when it changed."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.royalties.models import BaseSalary

    valid_from, amount, old_basis = UNCONFIRMED_2026_SALARY
    row = db.session.scalar(select(BaseSalary).where(BaseSalary.valid_from == valid_from))
    if row is None or row.verified or row.amount != amount or row.legal_basis != old_basis:
        return False
    new = next(r for r in BASE_SALARIES if r[0] == valid_from)
    row.legal_basis, row.verified = new[2], new[3]
    db.session.flush()
    return True
