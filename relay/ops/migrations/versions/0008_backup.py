"""backup regions (achtervang): whether the backup was offered to a waiting visitor, and the region a
conversation came from when they accepted it (issue #14 item 2)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backup_offer', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('backup_from', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('backup_from')
        batch_op.drop_column('backup_offer')
