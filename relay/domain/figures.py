"""The service figures, counted at the moment things happen (docs/figures.md).

Each state change that matters (relay/domain/conversations.py calls here, in the same unit of work)
adds to counts per local day (Europe/Amsterdam), region, measure and bucket in the ``figures`` table
with one atomic upsert (INSERT ... ON CONFLICT DO UPDATE SET n = n + 1, on SQLite and PostgreSQL), so
any number of relays add up and the retention purge, which deletes conversations, changes nothing.

Waits and durations are kept as histograms with fixed buckets, not as values: a day and region then
has a bounded number of rows, no exact time that could be matched to one visitor's chat is kept, and
the percentiles are still exact to the bucket (``WAIT_EDGES``; 300 s, the 5-minute goal, is one).
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from relay.domain.models import Conversation, Figure, utcnow

FIGURES: Table = Figure.__table__  # type: ignore[assignment]  # declarative maps it onto a Table
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Plain counts (bucket 0).
OFFERED = "offered"  # reached a queue (once per conversation)
ANSWERED = "answered"  # taken by a counsellor (once per conversation, the first take)
ABANDONED = "abandoned"  # left a queue without being taken
URGENT = "urgent"  # had an urgent alert (acute or suicide)
HIGH = "high"  # had a high-risk alert
CLOSED = "closed"  # wanted a counsellor while the region was closed, and was told when it opens and to call
TRANSFERRED_IN = "transferred_in"  # moved into this region's queue by a counsellor
BACKUP_IN = "backup_in"  # taken over from another region (achtervang): relay/domain/backup.py
BACKUP_OUT = "backup_out"
FEEDBACK = "feedback"  # feedback forms with at least one answer
# Histograms: the bucket is the upper edge in seconds of the bucket the value fell in.
WAIT = "wait"  # queued → taken
ABANDON_WAIT = "abandon_wait"  # queued → left
DURATION = "duration"  # taken → ended
# Distributions by a small number: the local hour (0-23), the score (1-5), yes (1) / no (0).
OFFERED_HOUR = "offered_hour"
CLOSED_HOUR = "closed_hour"
HELPED = "helped"
AGAIN = "again"

# Upper edges in seconds; a value v falls in the first bucket whose edge is >= v.
WAIT_EDGES = (
    *(0, 15, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600),
    *(5400, 7200, 10800, 14400, 21600, 28800, 43200, 86400, 172800, 604800),
)


def local_now(now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(AMSTERDAM)


def bucket_of(seconds: float) -> int:
    """The upper edge of the bucket ``seconds`` falls in (values beyond the last edge go in the last)."""
    index = bisect_left(WAIT_EDGES, max(0.0, seconds))
    return WAIT_EDGES[min(index, len(WAIT_EDGES) - 1)]


def add(session: Session, region: str | None, counts: Iterable[tuple[str, int]], now: datetime | None = None) -> None:
    """Add one to each (measure, bucket) of ``region`` on today's local date, in one statement.

    The rows are sorted, so two units of work that add to the same rows take their locks in the same
    order (PostgreSQL) and cannot deadlock on each other."""
    day = local_now(now).date().isoformat()
    keys = sorted(set(counts))
    if not keys:
        return
    rows = [{"day": day, "region": region or "", "measure": m, "bucket": b, "n": 1} for m, b in keys]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(FIGURES).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[FIGURES.c.day, FIGURES.c.region, FIGURES.c.measure, FIGURES.c.bucket],
            set_={"n": FIGURES.c.n + statement.excluded.n},
        )
    )


def first_time(session: Session, conversation_id: str, mark: str) -> bool:
    """Mark the conversation as counted for ``mark``; False when it was already (a conditional UPDATE,
    so two relays cannot both count it). The mark lives on the conversation, never in the figures."""
    tag = "," + mark
    claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]  # an UPDATE's result has a rowcount
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.figures_counted.not_like(f"%{tag}%"))
        .values(figures_counted=Conversation.figures_counted + tag)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


# ---- the events, called by relay/domain/conversations.py and the bridge in the unit of work ---------------


def offered(session: Session, region: str) -> None:
    """bot → queued: an offer (a visitor who left the queue by being away too long and comes back is
    offered again, after their first offer was counted abandoned)."""
    add(session, region, [(OFFERED, 0), (OFFERED_HOUR, local_now().hour)])


def transferred(session: Session, region: str) -> None:
    add(session, region, [(TRANSFERRED_IN, 0)])


def answered(session: Session, conversation: Conversation) -> None:
    """queued → assigned; only the first take counts (and its wait since the conversation was queued)."""
    if conversation.queued_at is None or conversation.assigned_at is None:
        return
    if first_time(session, conversation.id, ANSWERED):
        waited = (conversation.assigned_at - conversation.queued_at).total_seconds()
        add(session, conversation.region, [(ANSWERED, 0), (WAIT, bucket_of(waited))])


def left_queue(session: Session, conversation: Conversation, queued_at: datetime | None) -> None:
    """queued → bot: the visitor was away too long (relay/domain/presence.py): they left the queue."""
    if queued_at is not None and conversation.region is not None:
        waited = (utcnow() - queued_at).total_seconds()
        add(session, conversation.region, [(ABANDONED, 0), (ABANDON_WAIT, bucket_of(waited))])


def ended(
    session: Session,
    conversation: Conversation,
    was: str,
    queued_at: datetime | None,
    assigned_at: datetime | None,
) -> None:
    """→ ended from state ``was``: left the queue (abandoned, with the wait), or a chat's duration."""
    end = conversation.ended_at or utcnow()
    if was == "queued" and queued_at is not None:
        add(
            session, conversation.region, [(ABANDONED, 0), (ABANDON_WAIT, bucket_of((end - queued_at).total_seconds()))]
        )
    elif was == "assigned" and assigned_at is not None:
        add(session, conversation.region, [(DURATION, bucket_of((end - assigned_at).total_seconds()))])


def risk(session: Session, conversation: Conversation, level: str) -> None:
    """An alert of ``level`` (urgent or high), counted once per conversation and level."""
    measure = URGENT if level == "urgent" else HIGH
    if first_time(session, conversation.id, measure):
        add(session, conversation.region, [(measure, 0)])


def told_closed(session: Session, conversation: Conversation, region: str) -> None:
    """The visitor wanted a counsellor of a closed region (once per conversation)."""
    if first_time(session, conversation.id, CLOSED):
        add(session, region, [(CLOSED, 0), (CLOSED_HOUR, local_now().hour)])


def backup_handover(session: Session, from_region: str, to_region: str) -> None:
    """A conversation of ``from_region`` taken over by its backup region: the visitor accepted the
    offer (conversations.move_queue with ``backup_from``)."""
    add(session, from_region, [(BACKUP_OUT, 0)])
    add(session, to_region, [(BACKUP_IN, 0)])
