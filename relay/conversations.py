"""Conversations: opening, resuming by token, storing messages with their seq, ending."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ARRAY, Connection, Row, Text, bindparam, cast, func, insert, select, true, update
from sqlalchemy.orm import Session

from relay.models import Conversation, Message, utcnow
from relay.tokens import hash_token, new_token

STATES = ("bot", "queued", "assigned", "ended")

# Messages are stored with Core statements on the tables, not through the ORM's unit of work: a
# message is the relay's hottest write, and the ORM's bookkeeping cost more than the database.
# The statements are built once: building and caching them again on every message cost as much as
# running them.
CONVERSATIONS = Conversation.__table__
MESSAGES = Message.__table__


def _claim_statement(*conditions):
    return (update(CONVERSATIONS)
            .where(CONVERSATIONS.c.id == bindparam("conversation_id"), *conditions)
            .values(last_seq=CONVERSATIONS.c.last_seq + bindparam("count"))
            .returning(CONVERSATIONS.c.last_seq, CONVERSATIONS.c.state, CONVERSATIONS.c.region))


# Which conversations a message may be added to: any; any not ended (a visitor's message); one
# assigned to the counsellor in the ``counsellor`` parameter (a counsellor's message).
CLAIM_ANY = _claim_statement()
CLAIM_OPEN = _claim_statement(CONVERSATIONS.c.state != "ended")
CLAIM_ASSIGNED_TO = _claim_statement(CONVERSATIONS.c.state == "assigned",
                                     CONVERSATIONS.c.counsellor_id == bindparam("counsellor"))
CLAIM_WITH_BOT = _claim_statement(CONVERSATIONS.c.state == "bot")  # the bot's answers
INSERT_MESSAGE = insert(MESSAGES)


def _store_in_one_statement(claim):
    """PostgreSQL only: claim the seq and insert the message in one statement, which in autocommit
    is its own transaction (one round trip instead of BEGIN, UPDATE, INSERT, COMMIT)::

        WITH claimed AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE ... RETURNING ...),
             stored AS (INSERT INTO messages (...) SELECT ..., claimed.last_seq, ... FROM claimed RETURNING seq)
        SELECT claimed.last_seq, claimed.state, claimed.region FROM claimed JOIN stored ON true
    """
    claimed = claim.cte("claimed")
    columns = ["conversation_id", "seq", "sender", "text", "client_id", "created_at"]
    stored = (insert(MESSAGES)
              .from_select(columns, select(bindparam("conversation_id"), claimed.c.last_seq, bindparam("m_sender"),
                                           bindparam("m_text"), bindparam("m_client_id"), bindparam("m_created_at")))
              .returning(MESSAGES.c.seq)
              .cte("stored"))
    return select(claimed.c.last_seq, claimed.c.state, claimed.c.region).select_from(claimed.join(stored, true()))


# Built for the claims that callers store one message with: a visitor's, a counsellor's.
STORE_IN_ONE_STATEMENT = {claim: _store_in_one_statement(claim) for claim in (CLAIM_OPEN, CLAIM_ASSIGNED_TO)}


def _store_several_in_one_statement(claim):
    """PostgreSQL only: the same for the ``count`` answers of one bot turn, given as two arrays
    (texts, and buttons as JSON text or NULL), numbered in order by ``unnest ... WITH ORDINALITY``::

        WITH claimed AS (UPDATE conversations SET last_seq = last_seq + :count WHERE ... RETURNING ...),
             stored AS (INSERT INTO messages (...) SELECT ..., claimed.last_seq - :count + answer.n, ...
                        FROM claimed, unnest(:texts, :buttons) WITH ORDINALITY AS answer(text, buttons, n))
        SELECT claimed.last_seq, claimed.state, claimed.region, (SELECT count(*) FROM stored) FROM claimed
    """
    claimed = claim.cte("claimed")
    answers = (func.unnest(bindparam("texts", type_=ARRAY(Text)), bindparam("buttons", type_=ARRAY(Text)))
               .table_valued("text", "buttons", with_ordinality="n").render_derived(name="answer"))
    columns = ["conversation_id", "seq", "sender", "text", "buttons", "created_at"]
    stored = (insert(MESSAGES)
              .from_select(columns, select(bindparam("conversation_id"),
                                           claimed.c.last_seq - bindparam("count") + answers.c.n,
                                           bindparam("m_sender"), answers.c.text,
                                           cast(answers.c.buttons, MESSAGES.c.buttons.type),
                                           bindparam("m_created_at")).select_from(claimed.join(answers, true())))
              .returning(MESSAGES.c.seq)
              .cte("stored"))
    # A data-modifying CTE runs whether or not it is read; reading it keeps the intent plain.
    stored_count = select(func.count()).select_from(stored).scalar_subquery()
    return select(claimed.c.last_seq, claimed.c.state, claimed.c.region, stored_count.label("stored"))


STORE_SEVERAL_IN_ONE_STATEMENT = {CLAIM_WITH_BOT: _store_several_in_one_statement(CLAIM_WITH_BOT)}  # a bot turn's answers


def _connection(executor: Session | Connection) -> Connection:
    """The connection of a unit of work: a Session's own, or a Connection as it is."""
    return executor.connection() if isinstance(executor, Session) else executor


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


def append_message(executor: Session | Connection, conversation_id: str, sender: str, text: str) -> Message:
    """Store a message with the next seq of its conversation."""
    stored = append_messages(executor, conversation_id, sender, [{"text": text}])
    if stored is None:
        raise LookupError(f"no conversation {conversation_id}")
    return stored[0]


def append_message_if(executor: Session | Connection, conversation_id: str, claim, sender: str, text: str,
                      client_id: str | None = None, **parameters) -> tuple[Message | None, Row | None]:
    """Store a message only if its conversation matches ``claim`` (``CLAIM_OPEN``, or
    ``CLAIM_ASSIGNED_TO`` with ``counsellor=``): two statements, no lock taken before. Returns
    the message and the conversation's (last_seq, state, region), or (None, None) when it does not
    match."""
    claimed = claim_seq(executor, conversation_id, claim, **parameters)
    if claimed is None:
        return None, None
    message = _insert_messages(executor, conversation_id, claimed.last_seq, sender, [{"text": text}], client_id)[0]
    return message, claimed


def store_message(db, conversation_id: str, claim, sender: str, text: str, client_id: str | None = None,
                  **parameters) -> tuple[Message | None, Row | None]:
    """``append_message_if`` in a unit of work of its own, in as few round trips as the database
    allows: the hot path of every visitor and counsellor message. A duplicate ``client_id`` raises
    IntegrityError and stores nothing."""
    if not db.one_statement_units:
        with db.connection() as connection:
            return append_message_if(connection, conversation_id, claim, sender, text, client_id, **parameters)
    now = utcnow()
    rows = db.one_statement(STORE_IN_ONE_STATEMENT[claim], {
        "conversation_id": conversation_id, "count": 1, "m_sender": sender, "m_text": text,
        "m_client_id": client_id, "m_created_at": now, **parameters})
    claimed = rows[0] if rows else None
    if claimed is None:
        return None, None
    return _message_objects(conversation_id, claimed.last_seq, sender, [{"text": text}], client_id, now)[0], claimed


def store_messages(db, conversation_id: str, claim, sender: str, answers: list[dict]) -> list[Message] | None:
    """``append_messages`` in a unit of work of its own, in as few round trips as the database
    allows: one statement on PostgreSQL (a bot turn's answers: ``CLAIM_WITH_BOT``). None when the
    conversation does not match ``claim``."""
    if not answers:
        return []
    if not db.one_statement_units:
        with db.connection() as connection:
            return append_messages(connection, conversation_id, sender, answers, claim=claim)
    now = utcnow()
    buttons = [json.dumps(answer["buttons"], ensure_ascii=False) if answer.get("buttons") else None
               for answer in answers]
    rows = db.one_statement(STORE_SEVERAL_IN_ONE_STATEMENT[claim], {
        "conversation_id": conversation_id, "count": len(answers), "m_sender": sender, "m_created_at": now,
        "texts": [answer["text"] for answer in answers], "buttons": buttons})
    claimed = rows[0] if rows else None
    if claimed is None:
        return None
    return _message_objects(conversation_id, claimed.last_seq - len(answers) + 1, sender, answers, None, now)


def append_messages(executor: Session | Connection, conversation_id: str, sender: str, answers: list[dict],
                    claim=CLAIM_ANY) -> list[Message] | None:
    """Store several messages ({"text", "buttons"}) in two statements: one UPDATE hands out all
    their seqs (if the conversation matches ``claim``, else None is returned), one INSERT stores them."""
    if not answers:
        return []
    claimed = claim_seq(executor, conversation_id, claim, count=len(answers))
    if claimed is None:
        return None
    return _insert_messages(executor, conversation_id, claimed.last_seq - len(answers) + 1, sender, answers)


def claim_seq(executor: Session | Connection, conversation_id: str, claim=CLAIM_ANY, count: int = 1,
              **parameters) -> Row | None:
    """Hand out the next ``count`` seqs of a conversation that ``claim`` matches: its (last_seq,
    state, region) afterwards.

    The UPDATE ... RETURNING locks the conversation row until the commit and the database
    serialises it, so two relays writing to one conversation never hand out the same seq.
    """
    return _connection(executor).execute(
        claim, {"conversation_id": conversation_id, "count": count, **parameters}).one_or_none()


def _insert_messages(executor: Session | Connection, conversation_id: str, first_seq: int, sender: str,
                     answers: list[dict], client_id: str | None = None) -> list[Message]:
    """One INSERT for messages with consecutive seqs; the returned Messages are plain objects
    (not in any session) for building frames."""
    now = utcnow()
    messages = _message_objects(conversation_id, first_seq, sender, answers, client_id, now)
    _connection(executor).execute(INSERT_MESSAGE, [
        {"conversation_id": conversation_id, "seq": m.seq, "sender": sender, "text": m.text, "buttons": m.buttons,
         "client_id": m.client_id, "created_at": now} for m in messages])
    return messages


def _message_objects(conversation_id: str, first_seq: int, sender: str, answers: list[dict],
                     client_id: str | None, created_at: datetime) -> list[Message]:
    """Messages with consecutive seqs as plain objects (not in any session), for building frames."""
    return [Message(conversation_id=conversation_id, seq=first_seq + offset, sender=sender, text=answer["text"],
                    buttons=answer.get("buttons") or None, client_id=client_id, created_at=created_at)
            for offset, answer in enumerate(answers)]


def find_by_client_id(session: Session, conversation_id: str, client_id: str) -> Message | None:
    return session.scalars(
        select(Message).where(Message.conversation_id == conversation_id, Message.client_id == client_id)
    ).first()


def offered_payloads(executor: Session | Connection, conversation_id: str) -> set[str]:
    """The button payloads of the bot's latest message that had buttons."""
    buttons = _connection(executor).execute(
        select(MESSAGES.c.buttons).where(MESSAGES.c.conversation_id == conversation_id, MESSAGES.c.sender == "bot",
                                         MESSAGES.c.buttons.is_not(None))
        .order_by(MESSAGES.c.seq.desc()).limit(1)
    ).scalar()
    return {button.get("payload") for button in buttons or [] if isinstance(button, dict)}


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
