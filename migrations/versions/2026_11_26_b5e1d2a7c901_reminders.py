"""reminders

Revision ID: b5e1d2a7c901
Revises: 90c139e8a8e6
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa


revision = 'b5e1d2a7c901'
down_revision = '90c139e8a8e6'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
