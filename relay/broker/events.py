"""Broker events, collected during a unit of work and published only after its commit.

Callers never publish: they add events to the pending events of their unit of work
(``events_of(session)``), and ``Database.transaction`` publishes them once the commit succeeded,
or drops them with the rollback (relay/db.py). Storing a message announces it by itself
(relay/domain/message_store.py ``store_messages``).
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.orm import Session

EVENTS_KEY = "relay_pending_events"


def conversation_channel(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def region_channel(region_id: str) -> str:
    return f"region:{region_id}"


def counsellor_channel(counsellor_id: int) -> str:
    return f"counsellor:{counsellor_id}"


def supervision_channel(region_id: str) -> str:
    """Where the supervisors of a region hear flags and wait alerts (relay/domain/supervision.py)."""
    return f"supervision:{region_id}"


def presence_event(conversation_id: str, status: str, since: str | None = None) -> tuple[str, dict[str, Any]]:
    """The visitor came back ("online") or dropped off ("offline") at ``since``: published at once
    rather than after a commit (what is stored of it is only the visitor's last-seen time)."""
    return conversation_channel(conversation_id), {
        "event": "presence",
        "conversation": conversation_id,
        "visitor": status,
        "since": since,
    }


def typing_event(conversation_id: str, sender: str) -> tuple[str, dict[str, Any]]:
    """Someone is typing: never the text, never stored, published at once."""
    return conversation_channel(conversation_id), {"event": "typing", "conversation": conversation_id, "from": sender}


class PendingEvents:
    def __init__(self) -> None:
        self.items: list[tuple[str, dict[str, Any]]] = []

    def conversation(self, conversation_id: str, event: str, **fields: Any) -> None:
        self.items.append(
            (conversation_channel(conversation_id), {"event": event, "conversation": conversation_id, **fields})
        )

    def region_changed(self, region_id: str | None) -> None:
        if region_id:
            self.items.append((region_channel(region_id), {"event": "queue_changed", "region": region_id}))

    def visitor_presence_changed(self, region_id: str | None) -> None:
        """A queued visitor of this region came or went: news for counsellors (their queue shows it),
        not for the other visitors (their places did not change)."""
        if region_id:
            self.items.append((region_channel(region_id), {"event": "presence_changed", "region": region_id}))

    def counsellor(self, counsellor_id: int, event: str, **fields: Any) -> None:
        self.items.append((counsellor_channel(counsellor_id), {"event": event, **fields}))

    def supervisors(self, region_id: str, event: str, **fields: Any) -> None:
        """For the supervisors of a region only: never on a conversation's channel, which the visitor hears."""
        self.items.append((supervision_channel(region_id), {"event": event, "region": region_id, **fields}))

    def publish(self, publish: Callable[[str, dict[str, Any]], None]) -> None:
        items, self.items = self.items, []
        for channel, event in items:
            publish(channel, event)

    def drop(self) -> None:
        self.items = []


def events_of(session: Session) -> PendingEvents:
    """The pending events of the unit of work ``session`` belongs to (``Database.transaction``)."""
    try:
        return session.info[EVENTS_KEY]
    except KeyError:
        raise RuntimeError("events can only be added inside Database.transaction()") from None
