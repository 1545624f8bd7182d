"""The state of one visitor's socket: its conversation, what it was shown, its place in the queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from relay.bridge import waiting
from relay.broker import Subscription, get_broker
from relay.broker.events import region_channel
from relay.db import get_db
from relay.domain import conversations, message_store, queues, texts
from relay.sockets import frames
from relay.sockets.frames import FrameError, Inbox, TypingThrottle
from relay.sockets.ratelimit import TokenBucket


@dataclass
class VisitorSocket:
    """The state of one visitor connection, touched only by its socket's worker thread."""

    inbox: Inbox = field(default_factory=Inbox)
    conversation_id: str | None = None
    shown: message_store.ShownSeqs = field(default_factory=message_store.ShownSeqs)
    queue_region: str | None = None
    queue_position: int | None = None
    queue_estimate: int | None = None
    ended_sent: bool = False
    subscription: Subscription | None = None
    limiter: TokenBucket | None = None  # messages per socket (RELAY_RATE_BURST, RELAY_RATE_PER_SECOND)
    typing: TypingThrottle = field(default_factory=TypingThrottle)  # apart from the messages' budget

    def listen(self, channel: str) -> None:
        if self.subscription is None:
            self.subscription = get_broker().subscribe([channel], self.inbox.deliver)
        else:
            self.subscription.add(channel)

    def stop_listening_to_queue(self) -> None:
        if self.queue_region is not None and self.subscription is not None:
            self.subscription.remove(region_channel(self.queue_region))
        self.queue_region = None
        self.queue_position = None
        self.queue_estimate = None

    def close(self) -> None:
        if self.subscription is not None:
            self.subscription.close()

    def started(self) -> str:
        """The conversation's id, for a step that only follows a hello (which sets it)."""
        if self.conversation_id is None:
            raise FrameError("invalid_frame", texts.ERRORS["hello_first"])
        return self.conversation_id


def error_frame(code: str, message: str | None = None) -> dict:
    """An error for the visitor, in the words of texts.ERRORS unless given."""
    return frames.error_frame(code, message or texts.ERRORS.get(code, texts.ERRORS["unavailable"]))


def queue_update(visitor: VisitorSocket, region: str) -> Iterator[dict]:
    """Send the visitor's place in the queue if it changed since the last one sent."""
    if visitor.queue_region != region:
        visitor.queue_region = region
        visitor.listen(region_channel(region))
    with get_db().transaction() as session:
        conversation = conversations.get_conversation(session, visitor.started())
        place = queues.position(session, conversation)
        queued_region = conversation.region
        estimate = waiting.wait_estimate(session, conversation, place)
    if place is not None and (place, estimate) != (visitor.queue_position, visitor.queue_estimate):
        visitor.queue_position, visitor.queue_estimate = place, estimate
        yield {"type": "queue", "position": place, "region": queued_region, "estimate_s": estimate}
