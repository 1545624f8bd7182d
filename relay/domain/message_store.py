"""Messages: stored with their seq in one statement (the relay's hottest write), found again by the
client's id, and shown as frames and transcripts. The conversation's state is changed only by
relay/domain/conversations.py; a claim here checks it."""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Select,
    Table,
    Text,
    Update,
    bindparam,
    cast,
    event,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from relay.broker.events import PendingEvents, events_of
from relay.db import Database
from relay.domain.models import Conversation, Message, utcnow
from relay.domain.states import ASSIGNED, BOT, ENDED, ConversationState
from relay.ops import metrics

# Messages are stored with Core statements on the tables, not through the ORM's unit of work: a
# message is the relay's hottest write, and the ORM's bookkeeping cost more than the database.
# The statements are built once: building and caching them again on every message cost as much as
# running them.
# Declarative maps each model onto a Table; ``__table__`` is typed as the more general FromClause.
CONVERSATIONS = typing.cast(Table, Conversation.__table__)
MESSAGES = typing.cast(Table, Message.__table__)


class Claim(Enum):
    """Which conversations a message may be added to."""

    ANY = "any"  # any (a system or bot message inside a unit of work that checked already)
    OPEN = "open"  # any not ended (a visitor's message)
    ASSIGNED_TO = "assigned_to"  # assigned to the counsellor given as ``counsellor`` (a counsellor's message)
    WITH_BOT = "with_bot"  # with the bot (the bot's answers)


def _claim_statement(*conditions: ColumnElement[bool]) -> Update:
    return (
        update(CONVERSATIONS)
        .where(CONVERSATIONS.c.id == bindparam("conversation_id"), *conditions)
        .values(last_seq=CONVERSATIONS.c.last_seq + bindparam("count"))
        .returning(CONVERSATIONS.c.last_seq, CONVERSATIONS.c.state, CONVERSATIONS.c.region)
    )


CLAIMS: dict[Claim, Update] = {
    Claim.ANY: _claim_statement(),
    Claim.OPEN: _claim_statement(CONVERSATIONS.c.state != ENDED),
    Claim.ASSIGNED_TO: _claim_statement(
        CONVERSATIONS.c.state == ASSIGNED, CONVERSATIONS.c.counsellor_id == bindparam("counsellor")
    ),
    Claim.WITH_BOT: _claim_statement(CONVERSATIONS.c.state == BOT),
}
INSERT_MESSAGE = insert(MESSAGES)


@cache
def _one_message_in_one_statement(claim: Claim) -> Select:
    """PostgreSQL only: claim the seq and insert the message (without buttons) in one statement, which in autocommit
    is its own transaction (one round trip instead of BEGIN, UPDATE, INSERT, COMMIT)::

        WITH claimed AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE ... RETURNING ...),
             stored AS (INSERT INTO messages (...) SELECT ..., claimed.last_seq, ... FROM claimed RETURNING seq)
        SELECT claimed.last_seq, claimed.state, claimed.region FROM claimed JOIN stored ON true
    """
    claimed = CLAIMS[claim].cte("claimed")
    columns = ["conversation_id", "seq", "sender", "text", "client_id", "created_at"]
    stored = (
        insert(MESSAGES)
        .from_select(
            columns,
            select(
                bindparam("conversation_id"),
                claimed.c.last_seq,
                bindparam("m_sender"),
                bindparam("m_text"),
                bindparam("m_client_id"),
                bindparam("m_created_at"),
            ),
        )
        .returning(MESSAGES.c.seq)
        .cte("stored")
    )
    return select(claimed.c.last_seq, claimed.c.state, claimed.c.region).select_from(claimed.join(stored, true()))


@cache
def _several_messages_in_one_statement(claim: Claim) -> Select:
    """PostgreSQL only: the same for several messages (the ``count`` answers of one bot turn), given
    as two arrays (texts, and buttons as JSON text or NULL), numbered in order by
    ``unnest ... WITH ORDINALITY``::

        WITH claimed AS (UPDATE conversations SET last_seq = last_seq + :count WHERE ... RETURNING ...),
             stored AS (INSERT INTO messages (...) SELECT ..., claimed.last_seq - :count + answer.n, ...
                        FROM claimed, unnest(:texts, :buttons) WITH ORDINALITY AS answer(text, buttons, n))
        SELECT claimed.last_seq, claimed.state, claimed.region, (SELECT count(*) FROM stored) FROM claimed
    """
    claimed = CLAIMS[claim].cte("claimed")
    answers = (
        func.unnest(bindparam("texts", type_=ARRAY(Text)), bindparam("buttons", type_=ARRAY(Text)))
        .table_valued("text", "buttons", with_ordinality="n")
        .render_derived(name="answer")
    )
    columns = ["conversation_id", "seq", "sender", "text", "buttons", "created_at"]
    stored = (
        insert(MESSAGES)
        .from_select(
            columns,
            select(
                bindparam("conversation_id"),
                claimed.c.last_seq - bindparam("count") + answers.c.n,
                bindparam("m_sender"),
                answers.c.text,
                cast(answers.c.buttons, MESSAGES.c.buttons.type),
                bindparam("m_created_at"),
            ).select_from(claimed.join(answers, true())),
        )
        .returning(MESSAGES.c.seq)
        .cte("stored")
    )
    # A data-modifying CTE runs whether or not it is read; reading it keeps the intent plain.
    stored_count = select(func.count()).select_from(stored).scalar_subquery()
    return select(claimed.c.last_seq, claimed.c.state, claimed.c.region, stored_count.label("stored"))


# Built now for the hot paths, so the first visitor, counsellor and bot messages do not pay for it.
for _claim in (Claim.OPEN, Claim.ASSIGNED_TO):
    _one_message_in_one_statement(_claim)
_several_messages_in_one_statement(Claim.WITH_BOT)


# ---- messages ----------------------------------------------------------------------------------------


@dataclass
class Stored:
    """What ``store_messages`` stored (plain Message objects, not in any session, for building
    frames) and the conversation's state and region right after; false when nothing was stored
    because the conversation did not match the claim."""

    messages: list[Message] = field(default_factory=list)
    state: ConversationState | None = None
    region: str | None = None
    matched: bool = False

    def __bool__(self) -> bool:
        return self.matched


def store_messages(
    unit: Database | Session,
    conversation_id: str,
    sender: str,
    messages: str | Sequence[Mapping[str, Any]],
    *,
    claim: Claim = Claim.ANY,
    counsellor: int | None = None,
    client_id: str | None = None,
) -> Stored:
    """Store a message (a text) or several (the bot's answers, {"text", "buttons"}) with the next
    seqs of their conversation, if it matches ``claim`` (``Claim.ASSIGNED_TO`` with ``counsellor``),
    and announce each stored message on the conversation's channel once it is committed.

    ``unit`` is a Session of a unit of work (``Database.transaction``): the messages are stored
    in it, and announced with its commit. Or the Database itself: the messages are a unit of work
    of their own, in as few round trips as the database allows (on PostgreSQL one statement, the
    hot path of every visitor, counsellor and bot message), announced right after.

    With ``Claim.ANY`` a missing conversation raises LookupError. A duplicate ``client_id`` raises
    IntegrityError and stores nothing. Claiming the seqs is an UPDATE ... RETURNING, which locks the
    conversation row until the commit: two relays writing to one conversation never hand out one seq.
    """
    answers: list[Mapping[str, Any]] = [{"text": messages}] if isinstance(messages, str) else list(messages)
    if client_id is not None and (len(answers) != 1 or answers[0].get("buttons")):
        raise ValueError("a client id belongs to one message without buttons (a visitor's)")
    if not answers:
        return Stored(matched=True)
    parameters: dict[str, Any] = {"conversation_id": conversation_id, "count": len(answers)}
    if claim is Claim.ASSIGNED_TO:
        parameters["counsellor"] = counsellor
    if isinstance(unit, Session):
        stored = _claim_and_insert(unit.connection(), claim, parameters, sender, answers, client_id)
        events = events_of(unit)
    else:
        stored = _store_as_own_unit(unit, claim, parameters, sender, answers, client_id)
        events = PendingEvents()
    if not stored and claim is Claim.ANY:
        raise LookupError(f"no conversation {conversation_id}")
    for message in stored.messages:
        events.conversation(conversation_id, "message", message=message_frame(message, conversation_id))
    if not isinstance(unit, Session):
        unit.publish(events)
        metrics.messages_stored(sender, len(stored.messages))
    elif stored.messages:  # counted with the commit of the caller's unit of work, not before
        count = len(stored.messages)
        event.listen(unit, "after_commit", lambda _session: metrics.messages_stored(sender, count), once=True)
    return stored


def _store_as_own_unit(
    db: Database,
    claim: Claim,
    parameters: dict[str, Any],
    sender: str,
    answers: list[Mapping[str, Any]],
    client_id: str | None,
) -> Stored:
    if not db.one_statement_units:
        with db.connection() as connection:
            return _claim_and_insert(connection, claim, parameters, sender, answers, client_id)
    now = utcnow()
    if len(answers) == 1 and not answers[0].get("buttons"):
        rows = db.one_statement(
            _one_message_in_one_statement(claim),
            {
                **parameters,
                "m_sender": sender,
                "m_text": answers[0]["text"],
                "m_client_id": client_id,
                "m_created_at": now,
            },
        )
    else:
        buttons = [
            json.dumps(answer["buttons"], ensure_ascii=False) if answer.get("buttons") else None for answer in answers
        ]
        rows = db.one_statement(
            _several_messages_in_one_statement(claim),
            {
                **parameters,
                "m_sender": sender,
                "m_created_at": now,
                "texts": [answer["text"] for answer in answers],
                "buttons": buttons,
            },
        )
    if not rows:
        return Stored()
    claimed = rows[0]
    first_seq = claimed.last_seq - len(answers) + 1
    return Stored(
        _message_objects(parameters["conversation_id"], first_seq, sender, answers, client_id, now),
        claimed.state,
        claimed.region,
        matched=True,
    )


def _claim_and_insert(
    connection: Connection,
    claim: Claim,
    parameters: dict[str, Any],
    sender: str,
    answers: list[Mapping[str, Any]],
    client_id: str | None,
) -> Stored:
    """Two statements in the caller's transaction: one UPDATE hands out the seqs, one INSERT stores
    the messages."""
    claimed = connection.execute(CLAIMS[claim], parameters).one_or_none()
    if claimed is None:
        return Stored()
    now = utcnow()
    messages = _message_objects(
        parameters["conversation_id"], claimed.last_seq - len(answers) + 1, sender, answers, client_id, now
    )
    connection.execute(
        INSERT_MESSAGE,
        [
            {
                "conversation_id": m.conversation_id,
                "seq": m.seq,
                "sender": sender,
                "text": m.text,
                "buttons": m.buttons,
                "client_id": m.client_id,
                "created_at": now,
            }
            for m in messages
        ],
    )
    return Stored(messages, claimed.state, claimed.region, matched=True)


def _message_objects(
    conversation_id: str,
    first_seq: int,
    sender: str,
    answers: list[Mapping[str, Any]],
    client_id: str | None,
    created_at: datetime,
) -> list[Message]:
    """Messages with consecutive seqs as plain objects (not in any session), for building frames."""
    return [
        Message(
            conversation_id=conversation_id,
            seq=first_seq + offset,
            sender=sender,
            text=answer["text"],
            buttons=answer.get("buttons") or None,
            client_id=client_id,
            created_at=created_at,
        )
        for offset, answer in enumerate(answers)
    ]


def find_by_client_id(session: Session, conversation_id: str, client_id: str) -> Message | None:
    return session.scalars(
        select(Message).where(Message.conversation_id == conversation_id, Message.client_id == client_id)
    ).first()


def offered_payloads(executor: Session | Connection, conversation_id: str) -> set[str]:
    """The button payloads of the bot's latest message that had buttons."""
    buttons = executor.execute(
        select(MESSAGES.c.buttons)
        .where(
            MESSAGES.c.conversation_id == conversation_id, MESSAGES.c.sender == "bot", MESSAGES.c.buttons.is_not(None)
        )
        .order_by(MESSAGES.c.seq.desc())
        .limit(1)
    ).scalar()
    # Only strings: a payload the visitor sends back is one.
    return {
        payload
        for button in buttons or []
        if isinstance(button, dict) and isinstance(payload := button.get("payload"), str)
    }


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
    frame = {
        "type": "message",
        "from": message.sender,
        "text": message.text,
        "seq": message.seq,
        "buttons": list(message.buttons or []),
        "at": _iso(message.created_at),
    }
    if message.client_id:
        frame["id"] = message.client_id
    if conversation_id:
        frame["conversation"] = conversation_id
    return frame


def transcript(session: Session, conversation_id: str, for_counsellor: bool = False) -> list[dict]:
    messages = session.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq))
    return [message_frame(m, conversation_id if for_counsellor else None) for m in messages]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
