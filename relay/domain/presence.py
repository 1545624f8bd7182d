"""Presence: whether a visitor and a counsellor have a socket open, on any relay, and since when; and
the sweep that follows from it (no ghost chats in the queue, no orphaned chats with a counsellor who
dropped).

Presence is stored in the database, not held by the relay that has the socket, so a counsellor on
relay B sees a visitor connected to relay A, and a relay that crashed does not leave anyone "online"
for ever: every relay writes a heartbeat (``seen_at``) for the sockets it has, every
RELAY_PRESENCE_INTERVAL seconds (relay/ops/presence.py). Someone counts as online while the flag is
set and the last heartbeat is younger than ``stale_s`` (three intervals); else as gone since the
last heartbeat. Nothing here closes a conversation: a visitor who went quiet may have had to hide
their phone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, or_, select, update
from sqlalchemy.orm import Session

from relay.broker.events import events_of
from relay.domain import conversations, message_store, texts
from relay.domain.models import Conversation, Counsellor, utcnow
from relay.domain.states import ASSIGNED, QUEUED

# A heartbeat older than this many intervals means the relay that wrote it is gone.
STALE_INTERVALS = 3


@dataclass(frozen=True)
class Presence:
    online: bool
    since: datetime | None  # online since, or gone since (None: never seen)

    def fields(self) -> dict:
        """The fields a counsellor's frames carry for a visitor."""
        return {"visitor_online": self.online, "visitor_since": self.since.isoformat() if self.since else None}


def visitor_presence(conversation: Conversation, now: datetime, stale_s: float) -> Presence:
    seen = conversation.visitor_seen_at
    if conversation.visitor_online and seen is not None and seen >= now - timedelta(seconds=stale_s):
        return Presence(True, conversation.visitor_since or seen)
    return Presence(False, seen)


def _visitor_gone_since(cutoff: datetime, stale_cutoff: datetime) -> ColumnElement[bool]:
    """The visitor has had no socket since before ``cutoff`` (closed, or its relay stopped beating)."""
    return and_(
        Conversation.visitor_seen_at < cutoff,
        or_(Conversation.visitor_online.is_(False), Conversation.visitor_seen_at < stale_cutoff),
    )


def _counsellor_online(stale_cutoff: datetime) -> ColumnElement[bool]:
    return and_(Counsellor.online.is_(True), Counsellor.seen_at >= stale_cutoff)


def visitor_arrived(session: Session, conversation_id: str, now: datetime | None = None) -> None:
    """A widget socket opened (a hello): online since now, unless it already was (a second tab)."""
    now = now or utcnow()
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(
            # the row's old values: a second tab keeps the first one's "since"
            visitor_since=case(
                (
                    and_(Conversation.visitor_online.is_(True), Conversation.visitor_since.is_not(None)),
                    Conversation.visitor_since,
                ),
                else_=now,
            ),
            visitor_online=True,
            visitor_seen_at=now,
        )
        .execution_options(synchronize_session=False)
    )


def visitor_left(session: Session, conversation_id: str, now: datetime | None = None) -> None:
    """The last widget socket of this conversation on this relay closed: gone since now."""
    now = now or utcnow()
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(visitor_online=False, visitor_since=now, visitor_seen_at=now)
        .execution_options(synchronize_session=False)
    )


def counsellor_seen(session: Session, counsellor_id: int, online: bool, now: datetime | None = None) -> None:
    """A console socket opened (``online``) or the last one on this relay closed."""
    session.execute(
        update(Counsellor)
        .where(Counsellor.id == counsellor_id)
        .values(online=online, seen_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def heartbeat(
    session: Session, conversation_ids: Collection[str], counsellor_ids: Collection[int], now: datetime | None = None
) -> None:
    """This relay still has sockets for these visitors and counsellors."""
    now = now or utcnow()
    if conversation_ids:
        session.execute(
            update(Conversation)
            .where(Conversation.id.in_(list(conversation_ids)))
            .values(visitor_online=True, visitor_seen_at=now)
            .execution_options(synchronize_session=False)
        )
    if counsellor_ids:
        session.execute(
            update(Counsellor)
            .where(Counsellor.id.in_(list(counsellor_ids)))
            .values(online=True, seen_at=now)
            .execution_options(synchronize_session=False)
        )


def online_counsellors(session: Session, now: datetime, stale_s: float) -> list[Counsellor]:
    stale_cutoff = now - timedelta(seconds=stale_s)
    return list(
        session.scalars(select(Counsellor).where(Counsellor.active.is_(True), _counsellor_online(stale_cutoff)))
    )


# ---- the sweep -------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    left_queue: list[str]  # queued conversations whose visitor was gone too long
    requeued: list[str]  # assigned conversations whose counsellor was gone too long
    wait_alerts: list[str] = field(default_factory=list)  # urgent/high waits the supervisors heard of


def sweep(session: Session, now: datetime, gone_s: float, grace_s: float, stale_s: float) -> SweepResult:
    """One sweep (every relay runs it; each change is a conditional transition, so two relays
    sweeping at once change each conversation once)."""
    return SweepResult(
        left_queue=sweep_gone_visitors(session, now, gone_s, stale_s),
        requeued=sweep_orphans(session, now, grace_s, stale_s),
    )


def sweep_gone_visitors(session: Session, now: datetime, gone_s: float, stale_s: float) -> list[str]:
    """Queued conversations whose visitor has been gone for ``gone_s`` leave the counsellors' queue;
    they go back in, at the back, when the visitor returns (``return_to_queue``)."""
    gone = _visitor_gone_since(now - timedelta(seconds=gone_s), now - timedelta(seconds=stale_s))
    candidates = list(session.scalars(select(Conversation).where(Conversation.state == QUEUED, gone)))
    moved = []
    for conversation in candidates:
        region = conversation.region
        if conversations.leave_queue(session, conversation, gone):
            events_of(session).region_changed(region)
            moved.append(conversation.id)
    return moved


def sweep_orphans(session: Session, now: datetime, grace_s: float, stale_s: float) -> list[str]:
    """Assigned conversations whose counsellor has had no console open for ``grace_s`` go back to
    the front of their queue (``queued_at`` kept), and the visitor is told."""
    stale_cutoff = now - timedelta(seconds=stale_s)
    grace_cutoff = now - timedelta(seconds=grace_s)
    counsellor_gone = ~exists().where(
        Counsellor.id == Conversation.counsellor_id,
        or_(_counsellor_online(stale_cutoff), Counsellor.seen_at >= grace_cutoff),
    )
    candidates = list(session.scalars(select(Conversation).where(Conversation.state == ASSIGNED, counsellor_gone)))
    moved = []
    for conversation in candidates:
        counsellor_id, region = conversation.counsellor_id, conversation.region
        if counsellor_id is None or region is None:
            continue
        if conversations.requeue(session, conversation, region, counsellor_id, counsellor_gone):
            back_to_queue_events(session, conversation.id, region, texts.COUNSELLOR_DROPPED)
            moved.append(conversation.id)
    return moved


def back_to_queue_events(session: Session, conversation_id: str, region: str, told: str) -> None:
    """What a visitor hears when their chat goes back to the queue from a counsellor: a system
    message, the bot as their counterpart, their place; counsellors see the queue change."""
    message_store.store_messages(session, conversation_id, "system", told)
    events = events_of(session)
    events.conversation(conversation_id, "agent", kind="bot", name=texts.BOT_NAME, region=region)
    events.conversation(conversation_id, "queued", region=region)
    events.region_changed(region)


def return_to_queue(session: Session, conversation: Conversation, closed_now: str | None = None) -> bool:
    """A visitor whose conversation left the queue while they were gone is back: into that queue
    again, at the back, with an honest word. With ``closed_now`` (the region closed meanwhile: what
    to tell them) they stay with the assistant and are told that instead. False when not queued."""
    region = conversation.left_queue_region
    if region is None or conversation.state == QUEUED:
        return False
    if closed_now is not None:
        conversation.left_queue_region = None
        session.flush()
        message_store.store_messages(session, conversation.id, "system", closed_now)
        return False
    if not conversations.enqueue(session, conversation, region, at_the_back=True):
        return False
    message_store.store_messages(session, conversation.id, "system", texts.BACK_IN_QUEUE)
    events = events_of(session)
    events.conversation(conversation.id, "queued", region=region)
    events.region_changed(region)
    return True
