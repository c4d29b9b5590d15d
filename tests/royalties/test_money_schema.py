"""Money to the đồng in the schema and the reference data: 64-bit money columns, and the 2026
rules reaching installations seeded before (seed-demo's update and migration a1b2c3d40904)."""

import os
import subprocess
import sys
from datetime import date

import sqlalchemy as sa
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from tests.conftest import DATABASE_URL, IS_POSTGRES, TMP
from webapp.cli import seed_demo
from webapp.extensions import db
from webapp.royalties.models import BaseSalary, TaxRule
from webapp.royalties.reference import UNCONFIRMED_2026_SALARY

MONEY_COLUMNS = {
    "royalty_rule_sets": {"rounding_step"},
    "base_salaries": {"amount"},
    "tax_rules": {"threshold"},
    "budgets": {"amount"},
    "expenses": {"amount"},
    "royalty_entries": {"base_salary", "piece_amount", "amount"},
    "payment_lines": {"gross", "tax", "net", "threshold"},
}


def test_every_money_column_is_64_bit_in_the_database(app):
    inspector = inspect(db.session.connection())
    for table, money in MONEY_COLUMNS.items():
        types = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        for column in money:
            assert isinstance(types[column], sa.BigInteger), (table, column, types[column])
            if IS_POSTGRES:
                assert str(types[column]) == "BIGINT"


def test_a_line_above_two_billion_dong_is_stored_and_read_back_exactly(app):
    # 10.000 × 10 % × 2.340.000 đ: what an imported coefficient of 10.000 used to overflow.
    db.session.execute(
        sa.insert(TaxRule).values(
            valid_from=date(2099, 1, 1), threshold=2_340_000_000, rate=1000, legal_basis="x"
        )
    )
    stored = db.session.scalar(
        select(TaxRule.threshold).where(TaxRule.valid_from == date(2099, 1, 1))
    )
    assert stored == 2_340_000_000


def _salary_2026():
    return db.session.scalar(select(BaseSalary).where(BaseSalary.valid_from == date(2026, 7, 1)))


def _tax_2026():
    return db.session.scalar(select(TaxRule).where(TaxRule.valid_from == date(2026, 7, 1)))


def test_seed_demo_brings_an_earlier_installation_up_to_the_2026_rules(app):
    seed_demo()
    # An installation seeded by an earlier version: the salary unconfirmed, no 2026 tax rule.
    _day, amount, old_basis = UNCONFIRMED_2026_SALARY
    salary = _salary_2026()
    salary.legal_basis, salary.verified = old_basis, False
    db.session.delete(_tax_2026())
    db.session.flush()

    seed_demo()
    salary, rule = _salary_2026(), _tax_2026()
    assert (salary.amount, salary.verified) == (amount, True)
    assert salary.legal_basis == "Nghị định 161/2026/NĐ-CP, Điều 3 khoản 2"
    assert (rule.threshold, rule.rate, rule.verified) == (5_000_000, 1000, False)
    assert "253/2026/NĐ-CP" in rule.legal_basis

    # Idempotent: again, nothing changes; and an admin's own edit is never overwritten.
    counts = (
        db.session.scalar(select(func.count(BaseSalary.id))),
        db.session.scalar(select(func.count(TaxRule.id))),
    )
    salary.legal_basis, salary.verified = "Theo công văn của Sở", False
    db.session.flush()
    seed_demo()
    assert (
        db.session.scalar(select(func.count(BaseSalary.id))),
        db.session.scalar(select(func.count(TaxRule.id))),
    ) == counts
    assert (_salary_2026().legal_basis, _salary_2026().verified) == ("Theo công văn của Sở", False)


# --- the data migration on an installation seeded before ------------------------------------


def _scratch_database_url() -> str:
    if not IS_POSTGRES:
        path = TMP / "moneycalc-migration.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = make_url(DATABASE_URL)
    name = f"{url.database}_money"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _flask(*args, url):
    env = dict(os.environ, DATABASE_URL=url, INSTANCE_PATH=str(TMP / "money-instance"))
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_migration_confirms_the_salary_and_adds_the_tax_rule_where_seeded_before():
    url = _scratch_database_url()
    _flask("db", "upgrade", "e7f8a9b0c1d2", url=url)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO base_salaries (valid_from, amount, legal_basis, verified) VALUES "
                    "('2024-07-01', 2340000, 'Nghị định 73/2024/NĐ-CP', :t), "
                    "('2026-07-01', 2530000, :old, :f)"
                ),
                {"old": UNCONFIRMED_2026_SALARY[2], "t": True, "f": False},
            )
            conn.execute(
                text(
                    "INSERT INTO tax_rules (valid_from, threshold, rate, legal_basis, verified) "
                    "VALUES ('2013-09-01', 2000000, 1000, 'Thông tư 111/2013/TT-BTC', :t)"
                ),
                {"t": True},
            )
        _flask("db", "upgrade", url=url)
        with engine.connect() as conn:
            salary = conn.execute(
                text("SELECT legal_basis, verified FROM base_salaries WHERE amount = 2530000")
            ).one()
            rules = conn.execute(
                text("SELECT valid_from, threshold, verified FROM tax_rules ORDER BY valid_from")
            ).all()
            money = {c["name"]: c["type"] for c in inspect(conn).get_columns("payment_lines")}
        assert (salary.legal_basis, bool(salary.verified)) == (
            "Nghị định 161/2026/NĐ-CP, Điều 3 khoản 2",
            True,
        )
        assert [(str(r.valid_from), r.threshold, bool(r.verified)) for r in rules] == [
            ("2013-09-01", 2_000_000, True),
            ("2026-07-01", 5_000_000, False),
        ]
        assert isinstance(money["gross"], sa.BigInteger) and "tax_rule_id" in money
        _flask("db", "downgrade", "e7f8a9b0c1d2", url=url)  # and back, without losing rows
        _flask("db", "upgrade", url=url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT COUNT(*) FROM tax_rules")) == 2
    finally:
        engine.dispose()
