"""The counsellor's own notes on a conversation: a free text field beside the chat, for the counsellor
(and a colleague who takes the chat over), never sent to the visitor, stored on the conversation so
that the retention purge deletes it with the chat (docs/privacy.md)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from relay.domain.models import Conversation
from relay.domain.states import ASSIGNED, ENDED

MAX_NOTE = 4000


class NoteError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def save_note(session: Session, conversation_id: str, counsellor_id: int, text: object) -> None:
    """Replace the note of a conversation the counsellor has (or had, until its registration).
    Raises NoteError: ``invalid`` (not a text), ``too_long``, ``not_found`` (no such chat of theirs)."""
    if not isinstance(text, str):
        raise NoteError("invalid", "Een notitie is tekst.")
    if len(text) > MAX_NOTE:
        raise NoteError("too_long", f"Een notitie is hoogstens {MAX_NOTE} tekens.")
    saved = session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_id,
            Conversation.counsellor_id == counsellor_id,
            Conversation.state.in_((ASSIGNED, ENDED)),
        )
        .values(counsellor_note=text)
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's result has a rowcount
        raise NoteError("not_found", "Dit gesprek is niet (meer) van jou.")
