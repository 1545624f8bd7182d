"""The broker across relay processes: Redis pub/sub.

Every relay process holds one ``RedisBroker``: a client for PUBLISH, and one pub/sub connection
read by a single listener thread that hands each event to the local subscriptions of its channel.
Redis is subscribed to a channel while at least one local subscription listens to it.

A process's own events also travel through Redis, so every process sees the events of one
channel in the order they were published. ``add`` returns only after Redis confirmed the
subscription, so a socket that listens and then reads the database misses nothing stored later.

``REDIS_URL`` may carry ``?prefix=<text>`` (default ``voordeur``): every channel is published as
``<prefix>:<channel>``, so several installations or test runs can share one Redis.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from redis.client import PubSub

from relay.broker import LocalListeners, LocalSubscription

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "voordeur"
# How long ``add`` waits for Redis to confirm a subscription before it gives up and says so.
CONFIRM_SECONDS = 5.0
# Connections to Redis per relay process: one for pub/sub, the rest shared by the publishers.
CONNECTIONS = 32


class RedisUnavailable(RuntimeError):
    """REDIS_URL is set but Redis does not answer: several relays without it would lose deliveries."""


def split_prefix(url: str) -> tuple[str, str]:
    """Take the ``prefix`` query parameter out of a Redis URL (redis-py does not know it)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = next((value for key, value in query if key == "prefix" and value), DEFAULT_PREFIX)
    rest = urlencode([(key, value) for key, value in query if key != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisBroker(LocalListeners):
    def __init__(self, url: str):
        redis_url, self.prefix = split_prefix(url)
        # No periodic health-check PINGs: on the pub/sub connection they would be written by the
        # listener thread while another thread writes a SUBSCRIBE. TCP keepalive notices dead peers.
        # The name shows the relays in Redis's CLIENT LIST.
        # A bounded pool: a burst of publishers waits a moment for a free connection instead of
        # opening dozens more (each new one costs a connect and three round trips of handshake).
        self._pool = redis.BlockingConnectionPool.from_url(
            redis_url,
            max_connections=CONNECTIONS,
            timeout=CONFIRM_SECONDS,
            socket_keepalive=True,
            socket_connect_timeout=5,
            client_name=f"voordeur-relay:{self.prefix}",
        )
        self._client = redis.Redis(connection_pool=self._pool)
        try:
            self._client.ping()
        except redis.RedisError as error:
            raise RedisUnavailable(
                f"REDIS_URL is set but Redis does not answer ({error}); " "refusing to start without it"
            ) from error
        self._lock = threading.Lock()
        self._listeners: dict[str, set[LocalSubscription]] = {}
        self._confirmations: dict[str, deque[threading.Event]] = {}
        self._pubsub: PubSub | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    # ---- the Broker interface ---------------------------------------------------------------

    def publish(self, channel: str, event: dict) -> None:
        self._client.publish(self._wire(channel), json.dumps(event, ensure_ascii=False, separators=(",", ":")))

    def warm_up(self) -> int:
        """Open the publishers' connections now (``serve`` calls this before the first socket)."""
        connections = [self._pool.get_connection() for _ in range(CONNECTIONS - 1)]
        for connection in connections:
            self._pool.release(connection)
        return len(connections)

    def close(self) -> None:
        """Stop listening (tests and benchmarks; a relay process simply exits)."""
        self._closed = True
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except redis.RedisError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._client.close()
        self._pool.disconnect()

    # ---- local subscriptions ----------------------------------------------------------------

    def _wire(self, channel: str) -> str:
        return f"{self.prefix}:{channel}"

    def _attach(self, subscription: LocalSubscription, channel: str) -> None:
        confirmed = None
        with self._lock:
            listeners = self._listeners.setdefault(channel, set())
            if not listeners:
                confirmed = threading.Event()
                waiting = self._confirmations.setdefault(self._wire(channel), deque())
                waiting.append(confirmed)
                try:
                    pubsub = self._start_listener()
                    # Sent under the lock, so SUBSCRIBE and UNSUBSCRIBE of one channel reach Redis in order.
                    pubsub.subscribe(self._wire(channel))
                except Exception:
                    waiting.remove(confirmed)
                    raise
            listeners.add(subscription)
            subscription.channels.add(channel)
        if confirmed is not None and not confirmed.wait(CONFIRM_SECONDS):
            log.warning("Redis did not confirm the subscription to %s within %s s", channel, CONFIRM_SECONDS)

    def _detach(self, subscription: LocalSubscription, channel: str) -> None:
        with self._lock:
            subscription.channels.discard(channel)
            listeners = self._listeners.get(channel)
            if listeners is None or subscription not in listeners:
                return
            listeners.discard(subscription)
            if not listeners:
                del self._listeners[channel]
                if self._pubsub is None:  # a channel with listeners was subscribed, so this does not happen
                    return
                try:
                    self._pubsub.unsubscribe(self._wire(channel))
                except redis.RedisError:  # the listener resubscribes only what is still wanted
                    log.warning("Redis unsubscribe from %s failed", channel)

    # ---- the listener thread ----------------------------------------------------------------

    def _start_listener(self) -> PubSub:
        """Open the pub/sub connection on first use (never before a fork), under ``_lock``."""
        if self._thread is not None and self._pubsub is not None:
            return self._pubsub
        pubsub = self._pubsub = self._client.pubsub()
        # A channel of this process alone keeps the connection subscribed even with no sockets,
        # so the listener can always block on reading.
        pubsub.subscribe(self._wire(f"relay-process:{uuid.uuid4().hex}"))
        self._thread = threading.Thread(target=self._listen, args=(pubsub,), name="redis-broker", daemon=True)
        self._thread.start()
        return pubsub

    def _listen(self, pubsub: PubSub) -> None:
        while not self._closed:
            try:
                message = pubsub.get_message(timeout=1.0)
            except Exception as error:  # redis-py raises several kinds while reconnecting or closing
                if self._closed:
                    return
                # redis-py reconnects and resubscribes on the next read; events meanwhile are lost.
                log.error("Redis pub/sub connection failed (%s); reconnecting", error)
                time.sleep(0.5)
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict) -> None:
        kind = message["type"]
        wire = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
        if kind == "subscribe":
            with self._lock:
                waiting = self._confirmations.get(wire)
                if waiting:
                    waiting.popleft().set()
                    if not waiting:
                        del self._confirmations[wire]
            return
        if kind != "message":
            return
        channel = wire[len(self.prefix) + 1 :]
        with self._lock:
            listeners = list(self._listeners.get(channel, ()))
        if not listeners:
            return
        try:
            event = json.loads(message["data"])
        except ValueError:
            log.error("undecodable event on %s", channel)
            return
        self._hand_out(channel, event, listeners)
