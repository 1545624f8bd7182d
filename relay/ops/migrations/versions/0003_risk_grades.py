"""risk grades: the conversation's triage grade, its reason, the alerts given, and queue priority

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('risk_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('risk_alerted', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_index('ix_conversations_queue')
        batch_op.create_index('ix_conversations_queue', ['state', 'region', 'priority', 'queued_at'], unique=False)
    op.execute("UPDATE conversations SET priority = 2, risk = 'acute', risk_alerted = 'acute' WHERE urgent")


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_conversations_queue')
        batch_op.create_index('ix_conversations_queue', ['state', 'region', 'urgent', 'queued_at'], unique=False)
        batch_op.drop_column('priority')
        batch_op.drop_column('risk_alerted')
        batch_op.drop_column('risk_reason')
        batch_op.drop_column('risk')
