"""money to the đồng: 64-bit money columns, equal splits without shares, the tax rule of each
payment line, and the 2026 rules (base salary confirmed, withholding from 5.000.000 đ)

Revision ID: a1b2c3d40904
Revises: a1b2c3d40903
Create Date: 2026-12-04

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d40904'
down_revision = 'a1b2c3d40903'
branch_labels = None
depends_on = None

# Every column holding đồng: (table, column, nullable).
MONEY_COLUMNS = [
    ('royalty_rule_sets', 'rounding_step', False),
    ('base_salaries', 'amount', False),
    ('tax_rules', 'threshold', False),
    ('budgets', 'amount', False),
    ('expenses', 'amount', False),
    ('royalty_entries', 'base_salary', False),
    ('royalty_entries', 'piece_amount', False),
    ('royalty_entries', 'amount', False),
    ('payment_lines', 'gross', False),
    ('payment_lines', 'tax', False),
    ('payment_lines', 'net', False),
    ('payment_lines', 'threshold', False),
]

# The 2026 reference rows, frozen here (the application's reference.py may change later).
SALARY_2026 = date(2026, 7, 1)
SALARY_2026_AMOUNT = 2_530_000
SALARY_2026_OLD_BASIS = 'Nghị định 161/2026/NĐ-CP (chưa đối chiếu văn bản gốc)'
SALARY_2026_BASIS = 'Nghị định 161/2026/NĐ-CP, Điều 3 khoản 2'
TAX_2026 = date(2026, 7, 1)
TAX_2026_THRESHOLD = 5_000_000
TAX_2026_RATE = 1000
TAX_2026_BASIS = 'Nghị định 253/2026/NĐ-CP, Điều 50 (ngày áp dụng chưa đối chiếu văn bản gốc)'

base_salaries = sa.table(
    'base_salaries',
    sa.column('valid_from', sa.Date),
    sa.column('amount', sa.BigInteger),
    sa.column('legal_basis', sa.String),
    sa.column('verified', sa.Boolean),
)
tax_rules = sa.table(
    'tax_rules',
    sa.column('valid_from', sa.Date),
    sa.column('threshold', sa.BigInteger),
    sa.column('rate', sa.Integer),
    sa.column('legal_basis', sa.String),
    sa.column('verified', sa.Boolean),
)


def _by_table():
    tables = {}
    for table, column, nullable in MONEY_COLUMNS:
        tables.setdefault(table, []).append((column, nullable))
    return tables


def upgrade():
    for table, columns in _by_table().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                batch_op.alter_column(
                    column, existing_type=sa.Integer(), type_=sa.BigInteger(),
                    existing_nullable=nullable,
                )

    # "Without shares": a NULL share for every author of a piece split equally.
    with op.batch_alter_table('piece_authors', schema=None) as batch_op:
        batch_op.alter_column('share', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('royalty_entries', schema=None) as batch_op:
        batch_op.alter_column('share', existing_type=sa.Integer(), nullable=True)

    with op.batch_alter_table('payment_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_rule_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_payment_lines_tax_rule_id_tax_rules'), 'tax_rules', ['tax_rule_id'], ['id']
        )

    # Data, for installations seeded before: the rows seed-demo / `royalties seed` add on a
    # new one. An empty table (nothing seeded yet) is left to the seeding.
    conn = op.get_bind()
    conn.execute(
        base_salaries.update()
        .where(
            base_salaries.c.valid_from == SALARY_2026,
            base_salaries.c.amount == SALARY_2026_AMOUNT,
            base_salaries.c.legal_basis == SALARY_2026_OLD_BASIS,
            base_salaries.c.verified.is_(False),
        )
        .values(legal_basis=SALARY_2026_BASIS, verified=True)
    )
    seeded = conn.scalar(sa.select(sa.func.count()).select_from(tax_rules))
    taken = conn.scalar(
        sa.select(sa.func.count()).select_from(tax_rules).where(tax_rules.c.valid_from == TAX_2026)
    )
    if seeded and not taken:
        op.bulk_insert(
            tax_rules,
            [
                {
                    'valid_from': TAX_2026,
                    'threshold': TAX_2026_THRESHOLD,
                    'rate': TAX_2026_RATE,
                    'legal_basis': TAX_2026_BASIS,
                    'verified': False,
                }
            ],
        )


def downgrade():
    # The 2026 rows are data an accountant may rely on: the tax rule and the salary's
    # confirmation stay.
    conn = op.get_bind()
    with op.batch_alter_table('payment_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_lines_tax_rule_id_tax_rules'), type_='foreignkey')
        batch_op.drop_column('tax_rule_id')

    # An equal split goes back to percentages: the first author takes the remainder.
    pieces = conn.execute(
        sa.text('SELECT piece_id, COUNT(*) FROM piece_authors WHERE share IS NULL GROUP BY piece_id')
    ).all()
    for piece_id, count in pieces:
        ids = conn.execute(
            sa.text('SELECT id FROM piece_authors WHERE piece_id = :p ORDER BY position'),
            {'p': piece_id},
        ).scalars().all()
        each, remainder = divmod(100, count)
        for index, author_id in enumerate(ids):
            conn.execute(
                sa.text('UPDATE piece_authors SET share = :s WHERE id = :i'),
                {'s': each + (remainder if index == 0 else 0), 'i': author_id},
            )
    conn.execute(sa.text('UPDATE royalty_entries SET share = 0 WHERE share IS NULL'))
    with op.batch_alter_table('royalty_entries', schema=None) as batch_op:
        batch_op.alter_column('share', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('piece_authors', schema=None) as batch_op:
        batch_op.alter_column('share', existing_type=sa.Integer(), nullable=False)

    for table, columns in _by_table().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                batch_op.alter_column(
                    column, existing_type=sa.BigInteger(), type_=sa.Integer(),
                    existing_nullable=nullable,
                )
