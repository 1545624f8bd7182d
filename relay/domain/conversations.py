"""Conversations: opening, resuming by token, and every change of state (the machine itself, with
the transitions it allows: relay/domain/states.py). Their messages: relay/domain/message_store.py."""

from __future__ import annotations

import secrets
import typing
from typing import Any

from sqlalchemy import (
    ColumnElement,
    select,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from relay.broker.events import events_of
from relay.domain import figures, states
from relay.domain.models import Conversation, utcnow
from relay.domain.states import ASSIGNED, BOT, ENDED, QUEUED, ConversationState, IllegalTransition
from relay.domain.tokens import hash_token, new_token


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
