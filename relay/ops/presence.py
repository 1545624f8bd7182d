"""The relay's presence keeper: which sockets this process has, their heartbeat in the database, and
the periodic sweep (relay/domain/presence.py) for ghost chats and orphaned ones.

`python -m relay serve` starts it beside the retention purge, the same way: a daemon thread every
RELAY_PRESENCE_INTERVAL seconds. Several relays may all run it: the heartbeat writes only their own
sockets, and the sweep's changes are conditional transitions, so each conversation moves once.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import datetime

from flask import Flask, current_app

from relay.db import get_db
from relay.domain import presence, supervision
from relay.domain.models import utcnow
from relay.ops import periodic

log = logging.getLogger(__name__)


class LocalSockets:
    """The visitor and counsellor sockets open in this process, counted per conversation and per
    counsellor (a second tab is a second socket). Touched by socket threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._visitors: Counter[str] = Counter()
        self._counsellors: Counter[int] = Counter()

    def visitor_opened(self, conversation_id: str) -> None:
        with self._lock:
            self._visitors[conversation_id] += 1

    def visitor_closed(self, conversation_id: str) -> bool:
        """True when this was the last socket of that visitor here."""
        with self._lock:
            self._visitors[conversation_id] -= 1
            if self._visitors[conversation_id] > 0:
                return False
            del self._visitors[conversation_id]
            return True

    def counsellor_opened(self, counsellor_id: int) -> None:
        with self._lock:
            self._counsellors[counsellor_id] += 1

    def counsellor_closed(self, counsellor_id: int) -> bool:
        with self._lock:
            self._counsellors[counsellor_id] -= 1
            if self._counsellors[counsellor_id] > 0:
                return False
            del self._counsellors[counsellor_id]
            return True

    def snapshot(self) -> tuple[list[str], list[int]]:
        with self._lock:
            return list(self._visitors), list(self._counsellors)


def local_sockets(app: Flask | None = None) -> LocalSockets:
    return (app or current_app).extensions["relay_sockets"]


def stale_seconds(app: Flask | None = None) -> float:
    """A heartbeat older than this means the relay that wrote it is gone."""
    return presence.STALE_INTERVALS * float((app or current_app).config["RELAY_PRESENCE_INTERVAL"])


def keep_presence(app: Flask, now: datetime | None = None) -> presence.SweepResult:
    """One round: the heartbeat of this relay's sockets, the sweep, the backup region offered to those
    who wait in vain (relay/domain/backup.py), then the supervisors' wait alerts."""
    now = now or utcnow()
    visitors, counsellors = local_sockets(app).snapshot()
    db = get_db(app)
    with db.transaction() as session:
        presence.heartbeat(session, visitors, counsellors, now)
    with db.transaction() as session:
        result = presence.sweep(
            session,
            now,
            gone_s=float(app.config["RELAY_QUEUE_GONE_S"]),
            grace_s=float(app.config["RELAY_COUNSELLOR_GRACE_S"]),
            stale_s=stale_seconds(app),
        )
    # Imported here: the waiting visitor's bridge reads this module's stale_seconds.
    from relay.bridge.waiting import BackupRules

    with app.app_context(), db.transaction() as session:
        offered = BackupRules.of(app).offer_to_waiting(session, now)
    if offered:
        log.info("presence sweep: %d offered their backup region", len(offered))
    with db.transaction() as session:
        result.wait_alerts = supervision.alert_long_waits(session, now, float(app.config["RELAY_SUPERVISOR_ALERT_S"]))
    if result.left_queue or result.requeued:
        log.info(
            "presence sweep: %d left the queue (visitor gone), %d back in the queue (counsellor gone)",
            len(result.left_queue),
            len(result.requeued),
        )
    return result


def start_presence_keeper(app: Flask) -> threading.Event:
    """Run ``keep_presence`` in a daemon thread every RELAY_PRESENCE_INTERVAL seconds; set the
    returned event to stop."""
    interval = max(float(app.config["RELAY_PRESENCE_INTERVAL"]), 0.1)
    return periodic.every(interval, lambda: keep_presence(app), "presence-keeper")


def init_app(app: Flask) -> None:
    app.extensions["relay_sockets"] = LocalSockets()
