"""idempotency: form_tokens, so that a form posted twice acts once

Revision ID: a1b2c3d40901
Revises: a1b2c3d41003
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d40901'
down_revision = 'a1b2c3d41003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_tokens',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('result', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_form_tokens_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_form_tokens')),
    )
    with op.batch_alter_table('form_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_tokens_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_tokens_created_at'))
    op.drop_table('form_tokens')
