"""supervisors: whispers to the counsellor who has a conversation, stored apart from its messages,
and whether supervisors were alerted of a long wait (issue #14: supervisors on the shift)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'whispers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=40), nullable=False),
        sa.Column('supervisor_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['supervisor_id'], ['counsellors.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_whispers_conversation_id'), 'whispers', ['conversation_id'], unique=False)
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wait_alerted', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('wait_alerted')
    op.drop_index(op.f('ix_whispers_conversation_id'), table_name='whispers')
    op.drop_table('whispers')
