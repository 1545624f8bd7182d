"""Conversations: opening, resuming by token, storing messages with their seq, ending."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from relay.models import Conversation, Message, utcnow

STATES = ("bot", "queued", "assigned", "ended")


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_conversation(session: Session) -> tuple[Conversation, str]:
    token = new_token()
    conversation = Conversation(id=secrets.token_urlsafe(12), token_hash=hash_token(token), state="bot", intake={})
    session.add(conversation)
    session.flush()
    return conversation, token


def find_by_token(session: Session, token: str) -> Conversation | None:
    if not isinstance(token, str) or not token:
        return None
    return session.scalars(select(Conversation).where(Conversation.token_hash == hash_token(token))).first()


def lock_conversation(session: Session, conversation_id: str) -> Conversation | None:
    """Load a conversation with a row lock (PostgreSQL); SQLite transactions are serialised anyway."""
    return session.scalars(
        select(Conversation).where(Conversation.id == conversation_id).with_for_update()
    ).first()


def append_message(session: Session, conversation_id: str, sender: str, text: str,
                   buttons: list | None = None, client_id: str | None = None) -> Message:
    """Store a message with the next seq of its conversation."""
    claimed = claim_seq(session, conversation_id)
    if claimed is None:
        raise LookupError(f"no conversation {conversation_id}")
    return _insert_message(session, conversation_id, claimed.last_seq, sender, text, buttons, client_id)


def append_message_if(session: Session, conversation_id: str, conditions: list, sender: str, text: str,
                      client_id: str | None = None) -> tuple[Message | None, Row | None]:
    """Store a message only if its conversation matches ``conditions``: two statements, no lock
    taken before. Returns the message and the conversation's (last_seq, state, region), or
    (None, None) when it does not match."""
    claimed = claim_seq(session, conversation_id, *conditions)
    if claimed is None:
        return None, None
    return _insert_message(session, conversation_id, claimed.last_seq, sender, text, None, client_id), claimed


def append_messages(session: Session, conversation_id: str, sender: str, answers: list[dict]) -> list[Message]:
    """Store several messages ({"text", "buttons"}) in two statements: one UPDATE hands out all
    their seqs, one INSERT stores them."""
    if not answers:
        return []
    claimed = claim_seq(session, conversation_id, count=len(answers))
    if claimed is None:
        raise LookupError(f"no conversation {conversation_id}")
    first_seq = claimed.last_seq - len(answers) + 1
    messages = [Message(conversation_id=conversation_id, seq=first_seq + offset, sender=sender, text=answer["text"],
                        buttons=answer.get("buttons") or None, created_at=utcnow())
                for offset, answer in enumerate(answers)]
    session.add_all(messages)
    session.flush()
    return messages


def claim_seq(session: Session, conversation_id: str, *conditions, count: int = 1) -> Row | None:
    """Hand out the next ``count`` seqs of a conversation matching ``conditions``: its (last_seq,
    state, region) afterwards.

    The UPDATE ... RETURNING locks the conversation row until the commit and the database
    serialises it, so two relays writing to one conversation never hand out the same seq.
    """
    return session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, *conditions)
        .values(last_seq=Conversation.last_seq + count)
        .returning(Conversation.last_seq, Conversation.state, Conversation.region)
        .execution_options(synchronize_session=False)
    ).one_or_none()


def _insert_message(session: Session, conversation_id: str, seq: int, sender: str, text: str,
                    buttons: list | None, client_id: str | None) -> Message:
    message = Message(conversation_id=conversation_id, seq=seq, sender=sender, text=text,
                      buttons=buttons or None, client_id=client_id, created_at=utcnow())
    session.add(message)
    session.flush()
    return message


def find_by_client_id(session: Session, conversation_id: str, client_id: str) -> Message | None:
    return session.scalars(
        select(Message).where(Message.conversation_id == conversation_id, Message.client_id == client_id)
    ).first()


def offered_payloads(session: Session, conversation_id: str) -> set[str]:
    """The button payloads of the bot's latest message that had buttons."""
    latest = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id, Message.sender == "bot",
                              Message.buttons.is_not(None))
        .order_by(Message.seq.desc()).limit(1)
    ).first()
    return {button.get("payload") for button in (latest.buttons if latest else [])}


@dataclass
class ShownSeqs:
    """The seqs of one conversation that a socket has shown, so each message is shown exactly once.

    A socket sends its own messages directly and hears the other side's through the broker, so seqs
    can reach it out of order (its own N+1 before the other side's N): "above the highest shown" would
    drop N. ``floor`` is the highest seq below which everything was shown (the history).
    """

    floor: int = 0
    above: set[int] = field(default_factory=set)

    def first_time(self, seq: int) -> bool:
        if seq <= self.floor or seq in self.above:
            return False
        self.above.add(seq)
        while self.floor + 1 in self.above:
            self.floor += 1
            self.above.discard(self.floor)
        return True


def message_frame(message: Message, conversation_id: str | None = None) -> dict:
    """The ``message`` frame of a stored message; with ``conversation`` for counsellors."""
    frame = {"type": "message", "from": message.sender, "text": message.text, "seq": message.seq,
             "buttons": list(message.buttons or []), "at": _iso(message.created_at)}
    if message.client_id:
        frame["id"] = message.client_id
    if conversation_id:
        frame["conversation"] = conversation_id
    return frame


def transcript(session: Session, conversation_id: str, for_counsellor: bool = False) -> list[dict]:
    messages = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq)
    )
    return [message_frame(m, conversation_id if for_counsellor else None) for m in messages]


def end_conversation(session: Session, conversation_id: str, by: str) -> Conversation | None:
    """End a conversation that is not ended yet; returns it, or None if it was already ended."""
    result = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.state != "ended")
        .values(state="ended", ended_by=by, ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return session.get(Conversation, conversation_id, populate_existing=True)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
