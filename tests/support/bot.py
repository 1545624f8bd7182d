"""Helpers of the custom action tests (run with .venv-bot): the bot's folder, and trackers and
dispatchers as Rasa's action server builds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

BOT_DIR = Path(__file__).resolve().parents[2] / "bot"
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
