"""presence: whether the visitor and the counsellor have a socket open (and since when), and the
queue a visitor left by being gone too long (issue #14: honest waits, presence, no ghost chats)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 01:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_online', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('visitor_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('visitor_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('left_queue_region', sa.String(length=64), nullable=True))
    with op.batch_alter_table('counsellors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('counsellors', schema=None) as batch_op:
        batch_op.drop_column('seen_at')
        batch_op.drop_column('online')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('left_queue_region')
        batch_op.drop_column('visitor_seen_at')
        batch_op.drop_column('visitor_since')
        batch_op.drop_column('visitor_online')
