"""The visitor's expected wait (the ``estimate_s`` of the ``queue`` frame), per region.

The model, as call centres use it (docs/protocol.md, docs/console.md):

- ``handling``: an exponentially weighted moving average (EWMA, weight ``ALPHA`` on the newest) of
  how long the region's recent chats lasted, from taken to ended;
- ``take``: the same of how long recent chats waited to be taken, from queued to taken (how quickly
  a free counsellor picks one up);
- ``slots``: the chats the counsellors online for the region can have at once (the sum of their
  ``max_chats``); ``free``: those slots not in use now.

A visitor at position ``p`` waits about ``take + max(0, p - free) * handling / slots``: while a slot is
free they wait only for someone to pick them up; otherwise for ``p - free`` chats to end, and
``slots`` chats run side by side. The estimate is unknown (None) without a counsellor online or with
fewer than ``MIN_SAMPLES`` recent chats: then the widget shows no number. It is a mean, not a
promise: one long conversation or a counsellor who logs off changes it, so it is rounded up and
coarsened before anyone sees it (``shown``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relay.domain.models import Conversation, utcnow
from relay.domain.presence import online_counsellors
from relay.domain.states import ASSIGNED

ALPHA = 0.3  # weight of the newest chat in the moving averages
MIN_SAMPLES = 5  # fewer recent chats than this: no estimate
RECENT = 30  # chats read per region, newest first
HISTORY_DAYS = 14  # older chats say little about today


def ewma(values: Iterable[float], alpha: float = ALPHA) -> float | None:
    """The exponentially weighted moving average of ``values``, oldest first; None without values."""
    average: float | None = None
    for value in values:
        average = value if average is None else alpha * value + (1 - alpha) * average
    return average


@dataclass(frozen=True)
class RegionLoad:
    handling_s: float | None  # EWMA of taken → ended
    take_s: float | None  # EWMA of queued → taken
    samples: int  # recent ended chats behind handling_s
    slots: int  # chats the counsellors online can have at once
    busy: int  # chats those counsellors have now


def expected_wait(position: int, load: RegionLoad) -> float | None:
    """Seconds a visitor at ``position`` (1 is next) may expect to wait, or None while unknown."""
    if load.slots <= 0 or load.samples < MIN_SAMPLES or load.handling_s is None or load.take_s is None:
        return None
    free = max(0, load.slots - load.busy)
    return load.take_s + max(0, position - free) * load.handling_s / load.slots


def shown(seconds: float | None) -> int | None:
    """The estimate as the visitor sees it: rounded up to whole minutes, to 5 minutes above 10, at
    least one minute; nothing (None) beyond two hours, a number nobody can stand behind."""
    if seconds is None or seconds > 2 * 3600:
        return None
    minutes = max(1, math.ceil(seconds / 60))
    if minutes > 10:
        minutes = 5 * math.ceil(minutes / 5)
    return minutes * 60


def _durations(rows: Sequence[tuple[datetime | None, datetime | None]]) -> list[float]:
    """Seconds between each (start, end), oldest first (rows come newest first)."""
    return [(end - start).total_seconds() for start, end in reversed(rows) if start is not None and end is not None]


def region_load(session: Session, region: str, stale_s: float, now: datetime | None = None) -> RegionLoad:
    """What ``expected_wait`` needs for ``region``, read from the database (shared by all relays)."""
    now = now or utcnow()
    since = now - timedelta(days=HISTORY_DAYS)
    ended = session.execute(
        select(Conversation.assigned_at, Conversation.ended_at)
        .where(
            Conversation.region == region,
            Conversation.assigned_at.is_not(None),
            Conversation.ended_at >= since,
        )
        .order_by(Conversation.ended_at.desc())
        .limit(RECENT)
    ).all()
    taken = session.execute(
        select(Conversation.queued_at, Conversation.assigned_at)
        .where(Conversation.region == region, Conversation.assigned_at >= since, Conversation.queued_at.is_not(None))
        .order_by(Conversation.assigned_at.desc())
        .limit(RECENT)
    ).all()
    handling = _durations([(start, end) for start, end in ended])
    counsellors = [c for c in online_counsellors(session, now, stale_s) if serves(c.regions, region)]
    busy = 0
    if counsellors:
        busy = session.execute(
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.state == ASSIGNED, Conversation.counsellor_id.in_([c.id for c in counsellors]))
        ).scalar_one()
    return RegionLoad(
        handling_s=ewma(handling),
        take_s=ewma(max(0.0, d) for d in _durations([(start, end) for start, end in taken])),
        samples=len(handling),
        slots=sum(c.max_chats for c in counsellors),
        busy=busy,
    )


def serves(regions: str, region: str) -> bool:
    """Whether a counsellor's ``regions`` ("all", or ids separated by commas) include ``region``."""
    return regions.strip() == "all" or region in {r.strip() for r in regions.split(",")}


class RegionLoads:
    """Each region's load, read at most once per ``ttl`` seconds in this process: a change in one
    queue makes every visitor of it ask for their place and estimate at once."""

    def __init__(self, ttl: float = 10.0, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._loads: dict[str, tuple[float, RegionLoad]] = {}

    def get(self, session: Session, region: str, stale_s: float) -> RegionLoad:
        now = self.clock()
        with self._lock:
            cached = self._loads.get(region)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        load = region_load(session, region, stale_s)
        with self._lock:
            self._loads[region] = (now, load)
        return load
