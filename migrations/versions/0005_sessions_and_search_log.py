"""organizer session versions; search log: visitor key and per-day aggregates

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor', sa.String(length=16), nullable=True))

    op.create_table('search_log_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.Column('zero_visitors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'query')
    )


def downgrade():
    op.drop_table('search_log_day')
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.drop_column('visitor')
    with op.batch_alter_table('organizer', schema=None) as batch_op:
        batch_op.drop_column('session_version')
