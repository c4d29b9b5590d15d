"""backups: sha256 of every stored upload, checked by backups and `flask check-files`

Files stored before this revision have no checksum yet (NULL);
`flask --app wsgi check-files --fix` computes them from the files on disk.

Revision ID: a1b2c3d40903
Revises: a1b2c3d41302
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d40903'
down_revision = 'a1b2c3d41302'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('piece_images', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('thumb_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('sha256')
    with op.batch_alter_table('piece_images', schema=None) as batch_op:
        batch_op.drop_column('thumb_sha256')
        batch_op.drop_column('sha256')
