"""The custom payloads that signal the relay (docs/architecture.md). The relay never shows them."""

from __future__ import annotations

from typing import Any, Dict, Optional

from actions.sdk import Tracker

SKIPPED = "skipped"


def answer(tracker: Tracker, slot: str) -> Optional[Any]:
    """A slot's value for the relay: None when unknown or skipped."""
    value = tracker.get_slot(slot)
    return None if value in (None, SKIPPED) else value


def profile(nickname: Optional[str], region: Optional[str]) -> Dict[str, Any]:
    return {"voordeur": {"type": "profile", "nickname": nickname, "region": region}}


def risk(assessment: Any) -> Dict[str, Any]:
    """A triage grade for the relay (voordeur_content.triage.Assessment): category and signal kind."""
    return {"voordeur": {"type": "risk", "category": assessment.category, "reason": assessment.reason}}


def handoff(tracker: Tracker, first_free: bool = False) -> Dict[str, Any]:
    """The hand-off for the relay; ``first_free``: no place was given, and the visitor told of danger,
    so the relay queues them with the region that can answer first (relay/domain/backup.py)."""
    safe_now = answer(tracker, "safe_now")
    return {
        "voordeur": {
            "type": "handoff",
            "nickname": answer(tracker, "nickname"),
            "region": answer(tracker, "region"),
            "first_free": first_free,
            "urgent": bool(tracker.get_slot("urgent")),
            "intake": {
                "about": answer(tracker, "about"),
                "situation": answer(tracker, "situation"),
                "safe_now": None if safe_now is None else safe_now == "yes",
                "age_group": answer(tracker, "age_group"),
                "language": tracker.get_slot("language"),
            },
        }
    }
