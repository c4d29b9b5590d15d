"""mail once: outbox Message-ID and "maybe sent"; notifications held for one mail per burst

Revision ID: a1b2c3d40906
Revises: a1b2c3d40901
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d40906'
down_revision = 'a1b2c3d40901'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(
            sa.Column('maybe_sent', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('email_pending', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            'ix_notifications_email_pending', ['email_pending', 'user_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_email_pending')
        batch_op.drop_column('email_pending')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('maybe_sent')
        batch_op.drop_column('message_id')
