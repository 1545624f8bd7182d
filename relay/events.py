"""Broker events, collected during a unit of work and published only after its commit."""
from __future__ import annotations

from relay.broker import Broker


def conversation_channel(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def region_channel(region_id: str) -> str:
    return f"region:{region_id}"


def counsellor_channel(counsellor_id: int) -> str:
    return f"counsellor:{counsellor_id}"


class PendingEvents:
    def __init__(self):
        self.items: list[tuple[str, dict]] = []

    def conversation(self, conversation_id: str, event: str, **fields) -> None:
        self.items.append((conversation_channel(conversation_id), {"event": event, "conversation": conversation_id, **fields}))

    def region_changed(self, region_id: str | None) -> None:
        if region_id:
            self.items.append((region_channel(region_id), {"event": "queue_changed", "region": region_id}))

    def counsellor(self, counsellor_id: int, event: str, **fields) -> None:
        self.items.append((counsellor_channel(counsellor_id), {"event": event, **fields}))

    def publish(self, broker: Broker) -> None:
        items, self.items = self.items, []
        for channel, event in items:
            broker.publish(channel, event)
