"""awaiting_region: the conversation waits for a town (the relay asked for it, or the bot's intake
ended without one), so a town typed later reaches its queue whatever else the message says

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting_region', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('awaiting_region')
