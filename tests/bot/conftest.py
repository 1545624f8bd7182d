"""Fixtures for the custom action tests: the real domain, and a tracker builder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOT_DIR = ROOT / "bot"
for path in (str(ROOT), str(BOT_DIR)):
    if path not in sys.path:
        sys.path.insert(0, path)

from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

SLOTS = [
    "nickname",
    "region",
    "about",
    "situation",
    "safe_now",
    "age_group",
    "region_ask_town",
    "urgent",
    "urgent_category",
    "handoff_requested",
    "requested_slot",
]


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(BOT_DIR / "domain")).as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    text: str = "",
    intent: str = "inform",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    after_user: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest event is the visitor's message `text` (then `after_user` events)."""
    all_slots = {name: None for name in SLOTS}
    all_slots.update(slots or {})
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest_message},
    ] + list(after_user or [])
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message=latest_message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=(after_user or [{"name": "action_listen"}])[-1].get("name"),
    )


def form_tracker(text: str, requested_slot: str, intent: str = "inform", **kwargs: Any) -> Tracker:
    """A tracker inside the intake form, as Rasa sends it to validate_intake_form."""
    slots = dict(kwargs.pop("slots", {}) or {})
    slots["requested_slot"] = requested_slot
    return make_tracker(
        text,
        intent=intent,
        slots=slots,
        active_loop="intake_form",
        after_user=[
            {"event": "slot", "name": "requested_slot", "value": requested_slot},
            {"event": "action", "name": "intake_form"},
        ],
        **kwargs,
    )


def texts(dispatcher: CollectingDispatcher) -> List[Any]:
    """What the action said: response names, or the custom payload."""
    said = []
    for message in dispatcher.messages:
        if message.get("custom"):
            said.append(message["custom"])
        elif message.get("response"):
            said.append(message["response"])
        else:
            said.append(message.get("text"))
    return said
