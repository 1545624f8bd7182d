"""A gentle reminder when a visitor seems to share personal details (phone, e-mail, address, BSN).

The reminder is an ordinary stored system message, so the counsellor sees it too. Each kind is
mentioned at most once per conversation; the stored reminders themselves are the memory of that.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from relay import conversations, texts
from relay.models import Message
from voordeur_content import personal_data


def reminder_text(kinds: list[str]) -> str:
    names = [texts.PERSONAL_DATA_KINDS[k] for k in texts.PERSONAL_DATA_KINDS if k in kinds]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " of " + names[-1]
    return texts.PERSONAL_DATA_REMINDER.format(kinds=listed)


def reminded_kinds(session: Session, conversation_id: str) -> set[str]:
    prefix = texts.PERSONAL_DATA_REMINDER.split("{", 1)[0]
    reminders = session.scalars(select(Message.text).where(
        Message.conversation_id == conversation_id, Message.sender == "system", Message.text.startswith(prefix)))
    said = " ".join(reminders)
    return {kind for kind, name in texts.PERSONAL_DATA_KINDS.items() if name in said}


def personal_data_reminder(session: Session, conversation_id: str, text: str) -> Message | None:
    """Store a reminder if ``text`` holds a kind of personal data not mentioned before; else None."""
    found = [kind for kind in personal_data.find(text) if kind in texts.PERSONAL_DATA_KINDS]
    if not found:
        return None
    new = [kind for kind in found if kind not in reminded_kinds(session, conversation_id)]
    if not new:
        return None
    return conversations.append_message(session, conversation_id, "system", reminder_text(new))
