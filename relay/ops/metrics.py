"""The relay's operations figures for Prometheus (docs/operations.md, "Metrics and health").

This module owns every metric object. Labels hold only bounded, non-identifying values (a sender
kind, a socket kind, a region id, the Rasa call): never a conversation id, a token or a text.
Each relay process counts its own; Prometheus scrapes every relay and sums. The queue figures are
read from the shared database at scrape time, so every relay reports the same, true queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# The figures every code path adds to; one registry per process, never the library's default one
# (which would also publish the Python version and the process's command line).
REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES_STORED = Counter(
    "voordeur_messages_stored",
    "Messages stored (committed), by who sent them: visitor, bot, counsellor or system.",
    ["sender"],
    registry=REGISTRY,
)
BOT_TURN_SECONDS = Histogram(
    "voordeur_bot_turn_seconds",
    "One bot turn that was answered: the relay asks Rasa, until the bot's answers are stored.",
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 10.0),
    registry=REGISTRY,
)
ALERT_SECONDS = Histogram(
    "voordeur_alert_seconds",
    "A visitor's message received until the alert frame the relay's rules raised on it was sent.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
    registry=REGISTRY,
)
RASA_ERRORS = Counter(
    "voordeur_rasa_errors",
    "Calls to Rasa that failed (no answer in time, refused, an error status, an empty or unreadable answer).",
    ["call"],
    registry=REGISTRY,
)
DATABASE_ERRORS = Counter(
    "voordeur_database_errors",
    "Database errors on any connection of this relay (a duplicate of a re-sent message is not one).",
    registry=REGISTRY,
)
SOCKETS_OPEN = Gauge(
    "voordeur_sockets_open",
    "WebSockets open on this relay, by kind: visitor or counsellor.",
    ["kind"],
    registry=REGISTRY,
)

SENDERS = ("visitor", "bot", "counsellor", "system")
RASA_CALLS = ("turn", "parse")
SOCKET_KINDS = ("visitor", "counsellor")
for _sender in SENDERS:  # every series exists from the start, so a rate over it is never "no data"
    MESSAGES_STORED.labels(sender=_sender)
for _call in RASA_CALLS:
    RASA_ERRORS.labels(call=_call)
for _kind in SOCKET_KINDS:
    SOCKETS_OPEN.labels(kind=_kind)


def messages_stored(sender: str, count: int) -> None:
    if count:
        MESSAGES_STORED.labels(sender=sender).inc(count)


def rasa_error(call: str) -> None:
    RASA_ERRORS.labels(call=call).inc()


# (region id, conversations waiting, when the longest waiting one was queued) per region with a queue.
QueueRows = Iterable[tuple["str | None", int, "datetime | None"]]


class QueueCollector(Collector):
    """Queue length and longest wait per region, read from the database at each scrape."""

    def __init__(self, read_queues: Callable[[], QueueRows], region_ids: Callable[[], Iterable[str]]):
        self._read_queues = read_queues
        self._region_ids = region_ids

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            queued = {region: (count, oldest) for region, count, oldest in self._read_queues() if region}
        except Exception:  # a scrape must not fail on the database: the error counter and /readyz tell
            log.warning("queue figures unavailable: the database did not answer")
            return
        length = GaugeMetricFamily(
            "voordeur_queue_length", "Conversations waiting in a region's queue.", labels=["region"]
        )
        wait = GaugeMetricFamily(
            "voordeur_queue_longest_wait_seconds",
            "How long the longest waiting conversation of a region's queue has waited (0 when empty).",
            labels=["region"],
        )
        now = datetime.now(timezone.utc)
        for region in sorted(set(self._region_ids()) | set(queued)):
            count, oldest = queued.get(region, (0, None))
            if oldest is not None and oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=timezone.utc)
            length.add_metric([region], count)
            wait.add_metric([region], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield length
        yield wait


class _Shared(Collector):
    """The process's figures (REGISTRY) inside an app's own registry."""

    def collect(self) -> Iterator:
        yield from REGISTRY.collect()


def app_registry(read_queues: Callable[[], QueueRows], region_ids: Callable[[], Iterable[str]]) -> CollectorRegistry:
    """What one app's /metrics shows: the process's figures and its database's queues."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Shared())
    registry.register(QueueCollector(read_queues, region_ids))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
