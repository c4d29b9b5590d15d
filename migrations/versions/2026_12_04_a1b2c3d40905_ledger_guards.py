"""ledger guards: append-only ledger lines, one payee per person, months locked by a version

Revision ID: a1b2c3d40905
Revises: a1b2c3d40904
Create Date: 2026-12-04

- royalty_entries is append-only, held by the database: a trigger refuses every UPDATE and
  DELETE (and, on PostgreSQL, TRUNCATE). No column of a ledger line is designed to change:
  corrections are reversal or adjustment lines. Columns allowed to change: none.
- payees.normalized_name (NFC, case folded, spaces collapsed) and two partial unique
  indexes: an outside person (user_id IS NULL) is one row per (normalized name, unit), and
  per normalized name among those without a unit; staff stay one row per user (user_id is
  already unique). Existing duplicates are NOT merged (their ledger lines and payments
  would have to move): the migration refuses, naming them, until an administrator has
  resolved them.
- royalty_months.version: the optimistic lock that signing and paying check and bump.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d40905"
down_revision = "a1b2c3d40904"
branch_labels = None
depends_on = None

GUARD_MESSAGE = (
    "royalty_entries is append-only: ledger lines are never updated or deleted; "
    "write a reversal or an adjustment line"
)

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION royalty_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{GUARD_MESSAGE} (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$
"""
PG_TRIGGERS = [
    "CREATE TRIGGER royalty_entries_append_only BEFORE UPDATE OR DELETE ON royalty_entries "
    "FOR EACH ROW EXECUTE FUNCTION royalty_entries_append_only()",
    "CREATE TRIGGER royalty_entries_no_truncate BEFORE TRUNCATE ON royalty_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION royalty_entries_append_only()",
]
SQLITE_TRIGGERS = [
    "CREATE TRIGGER royalty_entries_no_update BEFORE UPDATE ON royalty_entries "
    f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE} (UPDATE refused)'); END",
    "CREATE TRIGGER royalty_entries_no_delete BEFORE DELETE ON royalty_entries "
    f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE} (DELETE refused)'); END",
]


def _person_key(name):
    text = unicodedata.normalize("NFC", name or "").casefold()
    return " ".join(unicodedata.normalize("NFC", text).split())[:120]


def _fill_normalized_names(conn):
    payees = sa.table(
        "payees",
        sa.column("id", sa.Integer),
        sa.column("user_id", sa.Integer),
        sa.column("unit_id", sa.Integer),
        sa.column("full_name", sa.String),
        sa.column("normalized_name", sa.String),
    )
    rows = conn.execute(
        sa.select(payees.c.id, payees.c.user_id, payees.c.unit_id, payees.c.full_name)
    ).all()
    groups = {}
    for row in rows:
        key = _person_key(row.full_name)
        conn.execute(payees.update().where(payees.c.id == row.id).values(normalized_name=key))
        if row.user_id is None:
            groups.setdefault((key, row.unit_id), []).append(row)
    duplicates = [group for group in groups.values() if len(group) > 1]
    if duplicates:
        listing = "; ".join(
            ", ".join(f"#{r.id} “{r.full_name}” (unit {r.unit_id})" for r in group)
            for group in duplicates
        )
        raise RuntimeError(
            "Cannot make payees unique: these outside payees are the same person "
            f"(same name and unit): {listing}. Nothing was changed. Rename one of each group "
            "(or give it its unit) in the payee list, or move its ledger lines to the other "
            "with a reversal and an adjustment, then run the upgrade again."
        )


def upgrade():
    conn = op.get_bind()
    dialect = conn.dialect.name

    with op.batch_alter_table("payees", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("normalized_name", sa.String(length=120), server_default="", nullable=False)
        )
    _fill_normalized_names(conn)
    with op.batch_alter_table("payees", schema=None) as batch_op:
        batch_op.create_index(
            "uq_payees_outside_name_unit",
            ["normalized_name", "unit_id"],
            unique=True,
            sqlite_where=sa.text("user_id IS NULL AND unit_id IS NOT NULL"),
            postgresql_where=sa.text("user_id IS NULL AND unit_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_payees_outside_name_no_unit",
            ["normalized_name"],
            unique=True,
            sqlite_where=sa.text("user_id IS NULL AND unit_id IS NULL"),
            postgresql_where=sa.text("user_id IS NULL AND unit_id IS NULL"),
        )

    with op.batch_alter_table("royalty_months", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))

    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS royalty_entries_no_truncate ON royalty_entries")
        op.execute("DROP TRIGGER IF EXISTS royalty_entries_append_only ON royalty_entries")
        op.execute("DROP FUNCTION IF EXISTS royalty_entries_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS royalty_entries_no_delete")
        op.execute("DROP TRIGGER IF EXISTS royalty_entries_no_update")

    with op.batch_alter_table("royalty_months", schema=None) as batch_op:
        batch_op.drop_column("version")

    with op.batch_alter_table("payees", schema=None) as batch_op:
        batch_op.drop_index("uq_payees_outside_name_no_unit")
        batch_op.drop_index("uq_payees_outside_name_unit")
        batch_op.drop_column("normalized_name")
