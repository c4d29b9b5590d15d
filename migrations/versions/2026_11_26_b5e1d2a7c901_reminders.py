"""reminders: the schedule, the counting rule, the reminder log; the unit head's address

Revision ID: b5e1d2a7c901
Revises: 90c139e8a8e6
Create Date: 2026-11-26

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = 'b5e1d2a7c901'
down_revision = '90c139e8a8e6'
branch_labels = None
depends_on = None

KIND = sa.Enum(
    'nothing_yet', 'below_quota', 'board_summary', 'manual',
    name='reminder_kind', native_enum=False, length=20,
)

# The schedule every installation starts with; an admin edits it on /nhac-nho/lich.
# (webapp.reminders.services.DEFAULT_STAGES holds the same rows for seed-demo.)
DEFAULT_STAGES = [
    {'code': 'board_summary', 'kind': 'board_summary', 'day_of_month': 1,
     'active': True, 'escalate_after_months': 0},
    {'code': 'nothing_yet', 'kind': 'nothing_yet', 'day_of_month': 15,
     'active': True, 'escalate_after_months': 2},
    {'code': 'below_quota', 'kind': 'below_quota', 'day_of_month': 25,
     'active': True, 'escalate_after_months': 2},
]


def upgrade():
    op.create_table('reminder_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('ran_on', sa.Date(), nullable=False),
    sa.Column('reminded', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_runs')),
    sa.UniqueConstraint('period', 'stage', name=op.f('uq_reminder_runs_period_stage'))
    )
    settings = op.create_table('reminder_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_settings')),
    sa.UniqueConstraint('key', name=op.f('uq_reminder_settings_key'))
    )
    stages = op.create_table('reminder_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('day_of_month', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('escalate_after_months', sa.Integer(), nullable=False),
    sa.CheckConstraint('day_of_month BETWEEN 1 AND 28', name=op.f('ck_reminder_stages_day_in_every_month')),
    sa.CheckConstraint('escalate_after_months >= 0', name=op.f('ck_reminder_stages_escalation_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_stages')),
    sa.UniqueConstraint('code', name=op.f('uq_reminder_stages_code'))
    )
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=30), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('stage', sa.String(length=40), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('count_at_time', sa.Integer(), nullable=False),
    sa.Column('quota_at_time', sa.Integer(), nullable=False),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('months_short', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_reminders_outbox_message_id_outbox_messages')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_reminders_sent_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reminders_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('target', 'period', 'stage', name=op.f('uq_reminders_target_period_stage'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_created', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_outbox_message_id'), ['outbox_message_id'], unique=False)
        batch_op.create_index('ix_reminders_unit_period', ['unit_id', 'period'], unique=False)

    # The quota count under the "submitted" rule ranges over first submissions.
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.create_index('ix_pieces_first_submitted', ['first_submitted_at'], unique=False)

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_email', sa.String(length=254), server_default='', nullable=False))

    op.bulk_insert(stages, DEFAULT_STAGES)
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(settings, [{'key': 'count', 'value': 'published', 'updated_at': now}])


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('head_email')

    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.drop_index('ix_pieces_first_submitted')

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_unit_period')
        batch_op.drop_index(batch_op.f('ix_reminders_outbox_message_id'))
        batch_op.drop_index('ix_reminders_created')

    op.drop_table('reminders')
    op.drop_table('reminder_stages')
    op.drop_table('reminder_settings')
    op.drop_table('reminder_runs')
