"""reminded_kinds: the personal-data reminders a conversation had, stored as kinds ("phone,email")
instead of being read back from the reminders' text, so rewording the reminder changes nothing

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 21:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The reminder as relay/domain/texts.py worded it when this migration was written: conversations in
# progress had their reminders stored only as this text. Frozen here on purpose, so a later
# rewording of texts.py cannot change what this migration finds.
REMINDER_START = "Goed om te weten: je hoeft hier geen persoonlijke gegevens te delen, zoals "
KIND_NAMES = {"phone": "je telefoonnummer", "email": "je e-mailadres", "postcode": "je adres", "bsn": "je BSN"}


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_kinds', sa.String(length=80), nullable=False, server_default=''))
    connection = op.get_bind()
    messages = sa.table('messages', sa.column('conversation_id', sa.String), sa.column('sender', sa.String),
                        sa.column('text', sa.Text))
    conversations = sa.table('conversations', sa.column('id', sa.String), sa.column('reminded_kinds', sa.String))
    said: dict[str, str] = {}
    for row in connection.execute(
            sa.select(messages.c.conversation_id, messages.c.text)
            .where(messages.c.sender == 'system', messages.c.text.startswith(REMINDER_START))):
        said[row.conversation_id] = said.get(row.conversation_id, "") + " " + row.text
    for conversation_id, text in said.items():
        kinds = ",".join(kind for kind, name in KIND_NAMES.items() if name in text)
        connection.execute(sa.update(conversations).where(conversations.c.id == conversation_id)
                           .values(reminded_kinds=kinds))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('reminded_kinds')
