"""Supervisors on the shift: the overview of their regions, watching a chat, whispering to the
counsellor who has it, a counsellor's flag, and the alert for an urgent or high-risk chat that waits
too long.

A whisper is stored in its own table (``Whisper``), never among the messages: nothing that serves
the visitor (frames, history, transcript) reads that table, and it travels only on the channels of
counsellors (``counsellor:<id>``) and supervisors (``supervision:<region>``), never on the
conversation's channel that the visitor's socket listens to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from relay.broker.events import events_of
from relay.domain import estimates, queues
from relay.domain.models import Conversation, Counsellor, Whisper, utcnow
from relay.domain.presence import online_counsellors
from relay.domain.states import ASSIGNED, QUEUED


def overview(
    session: Session,
    region_ids: Iterable[str],
    stale_s: float,
    load_of: estimates.RegionLoads | None = None,
    now: datetime | None = None,
) -> list[dict]:
    """Per region: counsellors online, chats waiting and in progress, the longest wait now, and the
    expected wait of someone who joins the queue now (the visitor's ``estimate_s``)."""
    now = now or utcnow()
    regions = list(region_ids)
    online = online_counsellors(session, now, stale_s)
    waiting = {
        region: (count, oldest)
        for region, count, oldest in session.execute(
            select(Conversation.region, func.count(), func.min(Conversation.queued_at))
            .where(queues.queued_in(regions))
            .group_by(Conversation.region)
        ).all()
    }
    assigned = dict(
        session.execute(
            select(Conversation.region, func.count())
            .where(Conversation.state == ASSIGNED, Conversation.region.in_(regions))
            .group_by(Conversation.region)
        ).all()
    )
    rows = []
    for region in regions:
        queued, oldest = waiting.get(region, (0, None))
        load = load_of.get(session, region, stale_s) if load_of else estimates.region_load(session, region, stale_s)
        rows.append(
            {
                "id": region,
                "counsellors_online": sum(1 for c in online if estimates.serves(c.regions, region)),
                "queued": queued,
                "assigned": assigned.get(region, 0),
                "longest_wait_s": max(0, int((now - oldest).total_seconds())) if oldest else 0,
                "estimate_s": estimates.shown(estimates.expected_wait(queued + 1, load)),
            }
        )
    return rows


def assigned_chats(session: Session, region_ids: Iterable[str]) -> list[dict]:
    """The chats in progress in these regions, oldest first, with who has them: what a supervisor can
    watch besides the queue (the socket's ``overview`` frame carries them as ``chats``)."""
    rows = session.execute(
        select(Conversation, Counsellor.name)
        .join(Counsellor, Counsellor.id == Conversation.counsellor_id)
        .where(Conversation.state == ASSIGNED, Conversation.region.in_(list(region_ids)))
        .order_by(Conversation.assigned_at, Conversation.id)
    ).all()
    return [
        {
            "conversation": c.id,
            "region": c.region,
            "nickname": c.nickname or "Anoniem",
            "counsellor": name,
            "urgent": c.urgent,
            "risk": c.risk,
        }
        for c, name in rows
    ]


@dataclass
class Watchable:
    """What a supervisor may know of a conversation of their regions."""

    conversation: Conversation
    counsellor_id: int | None  # who has it now (assigned), if anyone
    counsellor_name: str | None


def watchable(session: Session, conversation_id: str, region_ids: Iterable[str]) -> tuple[Watchable | None, str]:
    """The conversation if it is in one of ``region_ids``, else the error code (``not_found``)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.region not in set(region_ids):
        return None, "not_found"
    counsellor = None
    if conversation.state == ASSIGNED and conversation.counsellor_id is not None:
        counsellor = session.get(Counsellor, conversation.counsellor_id)
    return Watchable(conversation, counsellor.id if counsellor else None, counsellor.name if counsellor else None), ""


def whisper(
    session: Session, supervisor: Counsellor, conversation_id: str, region_ids: Iterable[str], text: str
) -> tuple[Whisper | None, str]:
    """Store a whisper to the counsellor who has the conversation and announce it to them (their
    ``counsellor:<id>`` channel only). Errors: ``not_found``, ``not_assigned``."""
    found, error = watchable(session, conversation_id, region_ids)
    if found is None:
        return None, error
    if found.counsellor_id is None:
        return None, "not_assigned"
    stored = Whisper(conversation_id=conversation_id, supervisor_id=supervisor.id, text=text)
    session.add(stored)
    session.flush()
    events_of(session).counsellor(
        found.counsellor_id, "whisper", conversation=conversation_id, sender=supervisor.name, text=text
    )
    return stored, ""


def whisper_frame(conversation_id: str, sender: str, text: str, at: datetime | None = None) -> dict:
    frame = {"type": "whisper", "conversation": conversation_id, "from": sender, "text": text}
    if at is not None:
        frame["at"] = at.isoformat()
    return frame


def whispers_of(session: Session, conversation_id: str) -> list[dict]:
    """The whispers about a conversation, oldest first, as the counsellor who has it sees them."""
    rows = session.execute(
        select(Whisper, Counsellor.name)
        .outerjoin(Counsellor, Counsellor.id == Whisper.supervisor_id)
        .where(Whisper.conversation_id == conversation_id)
        .order_by(Whisper.id)
    ).all()
    return [whisper_frame(conversation_id, name or "Coördinator", w.text, w.created_at) for w, name in rows]


def flag(session: Session, counsellor: Counsellor, conversation_id: str) -> str:
    """The counsellor who has a conversation asks the supervisors of its region to look along
    ("kijk even mee"). Returns the error code, or "" once announced."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return "not_found"
    if conversation.state != ASSIGNED or conversation.counsellor_id != counsellor.id or conversation.region is None:
        return "not_yours"
    events_of(session).supervisors(
        conversation.region, "flag", conversation=conversation_id, counsellor=counsellor.name
    )
    return ""


def alert_long_waits(session: Session, now: datetime, alert_s: float) -> list[str]:
    """Urgent and high-risk conversations queued longer than ``alert_s``: their region's supervisors
    are alerted, once per conversation (a conditional UPDATE, so of two relays sweeping at once
    only one alerts)."""
    cutoff = now - timedelta(seconds=alert_s)
    candidates = list(
        session.scalars(
            select(Conversation).where(
                Conversation.state == QUEUED,
                Conversation.priority >= 1,
                Conversation.queued_at < cutoff,
                Conversation.wait_alerted.is_(False),
            )
        )
    )
    alerted = []
    for conversation in candidates:
        claimed = session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id, Conversation.wait_alerted.is_(False))
            .values(wait_alerted=True)
            .execution_options(synchronize_session=False)
        )
        if not getattr(claimed, "rowcount", 0) or conversation.region is None or conversation.queued_at is None:
            continue
        events_of(session).supervisors(
            conversation.region,
            "wait_alert",
            conversation=conversation.id,
            level="urgent" if conversation.priority >= 2 else "high",
            risk=conversation.risk,
            waiting_s=int((now - conversation.queued_at).total_seconds()),
        )
        alerted.append(conversation.id)
    return alerted
