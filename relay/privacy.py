"""A gentle reminder when a visitor seems to share personal details (phone, e-mail, address, BSN).

The reminder is an ordinary stored system message, so the counsellor sees it too. Each kind is
mentioned at most once per conversation; the stored reminders themselves are the memory of that.
"""
from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from relay import conversations, texts
from relay.conversations import MESSAGES
from relay.models import Message
from voordeur_content import personal_data


def reminder_text(kinds: list[str]) -> str:
    names = [texts.PERSONAL_DATA_KINDS[k] for k in texts.PERSONAL_DATA_KINDS if k in kinds]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " of " + names[-1]
    return texts.PERSONAL_DATA_REMINDER.format(kinds=listed)


def reminded_kinds(executor: Session | Connection, conversation_id: str) -> set[str]:
    prefix = texts.PERSONAL_DATA_REMINDER.split("{", 1)[0]
    reminders = executor.execute(select(MESSAGES.c.text).where(
        MESSAGES.c.conversation_id == conversation_id, MESSAGES.c.sender == "system",
        MESSAGES.c.text.startswith(prefix))).scalars()
    said = " ".join(reminders)
    return {kind for kind, name in texts.PERSONAL_DATA_KINDS.items() if name in said}


def mentions_personal_data(text: str) -> list[str]:
    """The kinds of personal data a reminder exists for that ``text`` seems to hold."""
    return [kind for kind in personal_data.find(text) if kind in texts.PERSONAL_DATA_KINDS]


def personal_data_reminder(executor: Session | Connection, conversation_id: str, found: list[str]) -> Message | None:
    """Store a reminder if ``found`` (``mentions_personal_data`` of a message) holds a kind of
    personal data not mentioned before in this conversation; else None."""
    if not found:
        return None
    new = [kind for kind in found if kind not in reminded_kinds(executor, conversation_id)]
    if not new:
        return None
    return conversations.append_message(executor, conversation_id, "system", reminder_text(new))
