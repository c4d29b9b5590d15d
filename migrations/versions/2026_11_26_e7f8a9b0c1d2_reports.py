"""reports: pieces.import_key, so that importing the same past piece twice adds nothing

Revision ID: e7f8a9b0c1d2
Revises: d3a4f5b6c7e8
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa


revision = 'e7f8a9b0c1d2'
down_revision = 'd3a4f5b6c7e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_pieces_import_key'), ['import_key'])


def downgrade():
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_pieces_import_key'), type_='unique')
        batch_op.drop_column('import_key')
