"""Per-region queues: order, positions, the atomic take and the transfer between regions.

Order within a region: by priority (urgent, then high risk, then the rest: relay/bridge/triage.py sets it),
then the oldest ``queued_at``, then the id (a stable tie-break).
Taking is decided by the database: a conditional UPDATE that only succeeds while the conversation
is still queued, so exactly one of many simultaneous takers wins, across processes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from relay.domain import conversations
from relay.domain.models import Conversation, Counsellor, utcnow
from relay.domain.states import ASSIGNED, QUEUED

QUEUE_ORDER = (Conversation.priority.desc(), Conversation.queued_at.asc(), Conversation.id.asc())


def queued_in(region_ids: Iterable[str]) -> ColumnElement[bool]:
    return and_(Conversation.state == QUEUED, Conversation.region.in_(list(region_ids)))


def queued_conversations(session: Session, region_ids: Iterable[str]) -> list[Conversation]:
    return list(session.scalars(select(Conversation).where(queued_in(region_ids)).order_by(*QUEUE_ORDER)))


def queue_item(conversation: Conversation, now: datetime | None = None) -> dict:
    now = now or utcnow()
    # A queued conversation has its queued_at; one that has none has not waited.
    waiting = 0 if conversation.queued_at is None else max(0, int((now - conversation.queued_at).total_seconds()))
    return {
        "conversation": conversation.id,
        "region": conversation.region,
        "nickname": conversation.nickname or "Anoniem",
        "urgent": conversation.urgent,
        "risk": conversation.risk,
        "risk_reason": conversation.risk_reason,
        "backup_from": conversation.backup_from,  # came through the backup (achtervang) of this region
        "waiting_s": waiting,
        "intake": conversation.intake or {},
    }


def position(session: Session, conversation: Conversation) -> int | None:
    """1-based place in its region's queue, or None when it is not queued."""
    if conversation.state != QUEUED or conversation.region is None:
        return None
    earlier = or_(
        Conversation.queued_at < conversation.queued_at,
        and_(Conversation.queued_at == conversation.queued_at, Conversation.id < conversation.id),
    )
    # Ahead of me: everyone of a higher priority, and everyone of mine who came earlier.
    before_me = or_(
        Conversation.priority > conversation.priority, and_(Conversation.priority == conversation.priority, earlier)
    )
    ahead = session.execute(
        select(func.count()).select_from(Conversation).where(queued_in([conversation.region]), before_me)
    ).scalar_one()
    return ahead + 1


@dataclass
class TakeResult:
    conversation: Conversation | None = None
    error: str | None = None  # already_taken, not_found, too_many_chats, queue_empty


def open_chat_count(session: Session, counsellor_id: int) -> int:
    return session.execute(
        select(func.count())
        .select_from(Conversation)
        .where(Conversation.counsellor_id == counsellor_id, Conversation.state == ASSIGNED)
    ).scalar_one()


def take(
    session: Session, counsellor: Counsellor, region_ids: Collection[str], conversation_id: str | None
) -> TakeResult:
    """Assign a queued conversation (a given one, or the next by priority) to a counsellor."""
    # Lock the counsellor's row so two of their own sockets cannot both pass the chat limit.
    session.execute(select(Counsellor.id).where(Counsellor.id == counsellor.id).with_for_update())
    if open_chat_count(session, counsellor.id) >= counsellor.max_chats:
        return TakeResult(error="too_many_chats")
    if conversation_id is not None:
        return _take_one(session, counsellor, region_ids, conversation_id)
    for _attempt in range(5):
        candidate = session.scalar(
            select(Conversation.id)
            .where(queued_in(region_ids))
            .order_by(*QUEUE_ORDER)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            return TakeResult(error="queue_empty")
        result = _take_one(session, counsellor, region_ids, candidate)
        if result.error != "already_taken":
            return result
    return TakeResult(error="queue_empty")


def _take_one(
    session: Session, counsellor: Counsellor, region_ids: Collection[str], conversation_id: str
) -> TakeResult:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.region not in region_ids or conversation.state not in (QUEUED, ASSIGNED):
        return TakeResult(error="not_found")
    # Another counsellor may have taken it since it was read: the transition only takes it if it is
    # still queued, so exactly one of many takers wins.
    if conversation.state != QUEUED or not conversations.assign(session, conversation, counsellor.id):
        return TakeResult(error="already_taken")
    return TakeResult(conversation=conversation)


def transfer(session: Session, counsellor_id: int, conversation: Conversation, region: str) -> bool:
    """Put a conversation assigned to ``counsellor_id`` into another region's queue; ``queued_at``
    keeps its place. False when it is not (or no longer) theirs."""
    if conversation.state != ASSIGNED:
        return False
    return conversations.requeue(session, conversation, region, counsellor_id)


def queue_figures(connection: Connection) -> list[tuple[str | None, int, datetime | None]]:
    """Per region with a queue: how many wait, and when the longest waiting one was queued."""
    statement = (
        select(Conversation.region, func.count(), func.min(Conversation.queued_at))
        .where(Conversation.state == QUEUED)
        .group_by(Conversation.region)
    )
    return [(region, count, oldest) for region, count, oldest in connection.execute(statement).all()]
