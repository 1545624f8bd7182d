"""figures: service figures kept as counts per day, region and measure (no link to a conversation),
the visitor's feedback comments apart from any conversation, the supervisor flag on counsellors, and
what a conversation was counted for already

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 01:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counsellors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supervisor', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('figures_counted', sa.String(length=80), nullable=False, server_default=''))
    op.create_table(
        'figures',
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=False),
        sa.Column('measure', sa.String(length=24), nullable=False),
        sa.Column('bucket', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'region', 'measure', 'bucket'),
    )
    op.create_table(
        'feedback_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('region', sa.String(length=64), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_comments_day'), ['day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_comments_day'))
    op.drop_table('feedback_comments')
    op.drop_table('figures')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('figures_counted')
    with op.batch_alter_table('counsellors', schema=None) as batch_op:
        batch_op.drop_column('supervisor')
