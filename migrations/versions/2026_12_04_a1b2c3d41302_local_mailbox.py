"""local mailbox: outbox messages kept in the app when no mail server is set

Revision ID: a1b2c3d41302
Revises: a1b2c3d40906
Create Date: 2026-12-04 16:39:10.125334

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2c3d41302'
down_revision = 'a1b2c3d40906'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_locally', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('kept_locally')

