"""Delivery of events between sockets.

A ``Broker`` publishes an event (a JSON-able dict) to a channel and calls back every subscription
that listens to that channel. Channels: ``conversation:<id>``, ``region:<id>``, ``counsellor:<id>``,
``supervision:<region>``.
Events are published only after the database commit they describe, and callbacks must be quick
(they run on the publisher's or the broker's thread): sockets just queue them.

``InProcessBroker`` serves one relay process; a Redis implementation (chosen by REDIS_URL) can
replace it without changing any caller.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Iterable, Mapping, Protocol

from flask import Flask, current_app

log = logging.getLogger(__name__)

Callback = Callable[[str, dict], None]


class Subscription(Protocol):
    def add(self, channel: str) -> None: ...
    def remove(self, channel: str) -> None: ...
    def close(self) -> None: ...


class Broker(Protocol):
    def publish(self, channel: str, event: dict) -> None: ...
    def subscribe(self, channels: Iterable[str], callback: Callback) -> Subscription: ...
    def warm_up(self) -> int: ...


class LocalSubscription:
    """One socket's channels at a broker of this process; the broker keeps the books."""

    def __init__(self, broker: "LocalListeners", callback: Callback):
        self._broker = broker
        self.callback = callback
        self.channels: set[str] = set()

    def add(self, channel: str) -> None:
        self._broker._attach(self, channel)

    def remove(self, channel: str) -> None:
        self._broker._detach(self, channel)

    def close(self) -> None:
        for channel in list(self.channels):
            self._broker._detach(self, channel)


class LocalListeners:
    """What every broker shares: the subscriptions of this process's sockets, and handing an event
    to those of its channel. A broker implements ``publish``, ``_attach`` and ``_detach``."""

    def subscribe(self, channels: Iterable[str], callback: Callback) -> LocalSubscription:
        subscription = LocalSubscription(self, callback)
        for channel in channels:
            subscription.add(channel)
        return subscription

    def warm_up(self) -> int:
        """Open connections ahead of the first busy second (a broker over the network); how many."""
        return 0

    def _attach(self, subscription: LocalSubscription, channel: str) -> None:
        raise NotImplementedError

    def _detach(self, subscription: LocalSubscription, channel: str) -> None:
        raise NotImplementedError

    @staticmethod
    def _hand_out(channel: str, event: dict, listeners: list[LocalSubscription]) -> None:
        for subscription in listeners:
            try:
                subscription.callback(channel, event)
            except Exception:  # one broken listener must not stop delivery to the others
                log.exception("broker callback failed on %s", channel)


class InProcessBroker(LocalListeners):
    """Channels held by this broker object (one per app), never at module level."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, set[LocalSubscription]] = {}

    def publish(self, channel: str, event: dict) -> None:
        with self._lock:
            listeners = list(self._listeners.get(channel, ()))
        self._hand_out(channel, event, listeners)

    def _attach(self, subscription: LocalSubscription, channel: str) -> None:
        with self._lock:
            self._listeners.setdefault(channel, set()).add(subscription)
            subscription.channels.add(channel)

    def _detach(self, subscription: LocalSubscription, channel: str) -> None:
        with self._lock:
            listeners = self._listeners.get(channel)
            if listeners is not None:
                listeners.discard(subscription)
                if not listeners:
                    del self._listeners[channel]
            subscription.channels.discard(channel)


def make_broker(config: Mapping[str, Any]) -> Broker:
    """The in-process broker, or Redis when REDIS_URL is set.

    With REDIS_URL set, an unreachable Redis stops the start (RedisUnavailable): relays that each
    fell back to their own in-process broker would silently lose each other's deliveries.
    """
    if config.get("REDIS_URL"):
        from relay.broker.redis_broker import RedisBroker

        return RedisBroker(config["REDIS_URL"])
    return InProcessBroker()


def init_app(app: Flask) -> None:
    app.extensions["relay_broker"] = make_broker(app.config)


def get_broker(app: Flask | None = None) -> Broker:
    return (app or current_app).extensions["relay_broker"]
