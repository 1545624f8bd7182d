"""A gentle reminder when a visitor seems to share personal details (phone, e-mail, address, BSN).

The reminder is an ordinary stored system message, so the counsellor sees it too. Each kind is
mentioned at most once per conversation: the kinds reminded of are stored on the conversation
(``reminded_kinds``), never read back from the reminder's sentence, so rewording it changes nothing
for conversations in progress.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from relay.domain import message_store, texts
from relay.domain.models import Conversation, Message
from voordeur_content import personal_data


def reminder_text(kinds: list[str]) -> str:
    names = [texts.PERSONAL_DATA_KINDS[k] for k in texts.PERSONAL_DATA_KINDS if k in kinds]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " of " + names[-1]
    return texts.PERSONAL_DATA_REMINDER.format(kinds=listed)


def reminded_kinds(session: Session, conversation_id: str) -> set[str]:
    """The kinds of personal data this conversation's visitor was reminded of already."""
    stored = session.scalar(select(Conversation.reminded_kinds).where(Conversation.id == conversation_id))
    return {kind for kind in (stored or "").split(",") if kind}


def mentions_personal_data(text: str) -> list[str]:
    """The kinds of personal data a reminder exists for that ``text`` seems to hold."""
    return [kind for kind in personal_data.find(text) if kind in texts.PERSONAL_DATA_KINDS]


def personal_data_reminder(session: Session, conversation_id: str, found: list[str]) -> Message | None:
    """Store a reminder if ``found`` (``mentions_personal_data`` of a message) holds a kind of
    personal data not mentioned before in this conversation, and remember its kinds; else None.
    The caller stored the visitor's message in the same unit of work, which locked the
    conversation's row, so two messages at once cannot both remind of one kind."""
    already = reminded_kinds(session, conversation_id)
    new = [kind for kind in found if kind not in already]
    if not new:
        return None
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(reminded_kinds=",".join(sorted(already | set(new))))
        .execution_options(synchronize_session=False)
    )
    return message_store.store_messages(session, conversation_id, "system", reminder_text(new)).messages[0]
