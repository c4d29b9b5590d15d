"""reports

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
    pass


def downgrade():
    pass
