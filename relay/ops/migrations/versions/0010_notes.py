"""the counsellor's own notes on a conversation, kept with it and purged with it (issue #14 item 6)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 02:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counsellor_note', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('counsellor_note')
