"""Conversations: opening, resuming by token, storing messages with their seq, and every change of
state (the machine itself, with the transitions it allows: relay/domain/states.py)."""

from __future__ import annotations

import json
import secrets
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
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from relay.broker.events import PendingEvents, events_of
from relay.db import Database
from relay.domain import figures, states
from relay.domain.models import Conversation, Message, utcnow
from relay.domain.states import ASSIGNED, BOT, ENDED, QUEUED, ConversationState, IllegalTransition
from relay.domain.tokens import hash_token, new_token
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


def find_by_token(session: Session, token: str) -> Conversation | None:
    if not isinstance(token, str) or not token:
        return None
    return session.scalars(select(Conversation).where(Conversation.token_hash == hash_token(token))).first()


def get_conversation(session: Session, conversation_id: str) -> Conversation:
    """A conversation a socket is attached to, which therefore exists (retention deletes only
    conversations that ended long ago); LookupError if it is gone all the same."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise LookupError(f"conversation {conversation_id} does not exist")
    return conversation


def lock_conversation(session: Session, conversation_id: str) -> Conversation | None:
    """Load a conversation with a row lock (PostgreSQL); SQLite transactions are serialised anyway."""
    return session.scalars(select(Conversation).where(Conversation.id == conversation_id).with_for_update()).first()


# ---- state changes: the only writers of Conversation.state -----------------------------------------


def open_conversation(session: Session) -> tuple[Conversation, str]:
    """A new conversation, with the bot; and the visitor's token (only its hash is stored)."""
    token = new_token()
    conversation = Conversation(
        id=secrets.token_urlsafe(12), token_hash=hash_token(token), state=states.INITIAL, intake={}
    )
    session.add(conversation)
    session.flush()
    return conversation, token


def enqueue(
    session: Session, conversation: Conversation, region: str, *, intake: dict | None = None, at_the_back: bool = False
) -> bool:
    """bot → queued: put a conversation into a region's queue. ``queued_at`` is set the first time
    only, so a conversation keeps its place in time; ``at_the_back`` sets it anew (a visitor who
    comes back after leaving the queue by being gone too long: ``leave_queue``)."""
    values: dict[str, Any] = {"region": region, "left_queue_region": None}
    if intake:
        values["intake"] = {**(conversation.intake or {}), **intake}
    if conversation.queued_at is None or at_the_back:
        values["queued_at"] = utcnow()
    moved = _move(session, conversation, QUEUED, only_from=(BOT,), **values)
    if moved:  # from the bot, which a conversation leaves once: offered once
        figures.offered(session, region)
    return moved


def move_queue(session: Session, conversation: Conversation, region: str, *, backup_from: str | None = None) -> bool:
    """queued → queued: the visitor corrected their town while waiting, or accepted the backup region
    of ``backup_from`` (achtervang: relay/domain/backup.py); the conversation goes to ``region``'s queue
    and keeps its place in time (``queued_at`` stays). False when it was taken, ended or moved there
    meanwhile. A backup hand-over counts as backup_out and backup_in in the figures, not as a transfer.
    The move is announced with the commit: the visitor follows the new queue, both queues change."""
    old_region = conversation.region
    values: dict[str, Any] = {"region": region}
    conditions = [Conversation.region != region]
    if backup_from is not None:
        values.update(backup_from=backup_from, backup_offer="accepted")
        conditions.append(Conversation.region == backup_from)
    moved = _move(session, conversation, QUEUED, *conditions, only_from=(QUEUED,), **values)
    if not moved:
        return False
    if backup_from is not None:
        figures.backup_handover(session, backup_from, region)
    else:
        figures.transferred(session, region)
    events = events_of(session)
    events.conversation(conversation.id, "queued", region=region)
    events.region_changed(region)
    events.region_changed(old_region)
    return True


def assign(session: Session, conversation: Conversation, counsellor_id: int) -> bool:
    """queued → assigned: a counsellor takes the chat. False when another took it first."""
    moved = _move(session, conversation, ASSIGNED, counsellor_id=counsellor_id, assigned_at=utcnow())
    if moved:
        figures.answered(session, conversation)
    return moved


def requeue(
    session: Session, conversation: Conversation, region: str, counsellor_id: int, *conditions: ColumnElement[bool]
) -> bool:
    """assigned → queued: the counsellor ``counsellor_id`` transfers or hands over the chat to
    ``region``'s queue, or the sweep takes it from a counsellor who dropped (``conditions``: still
    gone). ``queued_at`` stays: the conversation keeps its place in time, at the front of the queue.
    False when it is not (or no longer) theirs."""
    old_region = conversation.region
    moved = _move(
        session,
        conversation,
        QUEUED,
        Conversation.counsellor_id == counsellor_id,
        *conditions,
        only_from=(ASSIGNED,),
        region=region,
        counsellor_id=None,
        assigned_at=None,
    )
    if moved and region != old_region:  # a hand-over or a dropped counsellor stays in its region
        figures.transferred(session, region)
    return moved


def leave_queue(session: Session, conversation: Conversation, *conditions: ColumnElement[bool]) -> bool:
    """queued → bot: the visitor was gone too long (``conditions``: still gone); the region is
    kept in ``left_queue_region`` for their return. False when they came back or were taken meanwhile.
    In the figures the visitor left the queue (abandoned, with the wait); a return is a new offer."""
    queued_at = conversation.queued_at
    moved = _move(session, conversation, BOT, *conditions, only_from=(QUEUED,), left_queue_region=conversation.region)
    if moved:
        figures.left_queue(session, conversation, queued_at)
    return moved


def end(session: Session, conversation: Conversation, by: str) -> bool:
    """bot, queued or assigned → ended. False when it ended meanwhile."""
    # The figures need the state it ends from, as stored, not as the caller last read it: the row is
    # locked first (PostgreSQL; SQLite's units of work are serialised), so nothing changes it in between.
    before = session.execute(
        select(Conversation.state, Conversation.queued_at, Conversation.assigned_at)
        .where(Conversation.id == conversation.id)
        .with_for_update()
    ).one_or_none()
    moved = _move(session, conversation, ENDED, ended_by=by, ended_at=utcnow())
    if moved and before is not None:
        figures.ended(session, conversation, before.state, before.queued_at, before.assigned_at)
        if before.state == ASSIGNED:
            # A counsellor's slot came free: the waits and the supervisors' overview change with it.
            events_of(session).region_changed(conversation.region)
    return moved


def _move(
    session: Session,
    conversation: Conversation,
    target: ConversationState,
    *conditions: ColumnElement[bool],
    only_from: tuple[ConversationState, ...] | None = None,
    **values: Any,
) -> bool:
    """Change the state of ``conversation`` to ``target`` with ``values``, if the machine allows it.

    Raises IllegalTransition, before writing anything, when the state the caller holds may not
    become ``target``. The UPDATE only matches a row that is still in a state ``target`` may be
    reached from (and meets ``conditions``): a relay that changed it meanwhile wins, and this
    returns False. Either way ``conversation`` is refreshed to what is now stored. ``only_from``
    narrows the sources to those of one transition (queued → queued is a move between queues, not
    a second hand-off)."""
    states.check(conversation.state, target)
    allowed = states.sources(target) if only_from is None else frozenset(only_from)
    if conversation.state not in allowed:
        raise IllegalTransition(conversation.state, target)
    moved = (
        typing.cast(
            CursorResult[Any],
            session.execute(  # an UPDATE's result has a rowcount
                update(Conversation)
                .where(Conversation.id == conversation.id, Conversation.state.in_(allowed), *conditions)
                .values(state=target, **values)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        == 1
    )
    session.refresh(conversation)
    return moved


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
