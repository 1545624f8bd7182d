"""Whether the chat is open, read from the schedule the relay sends with every message.

The relay owns the opening hours; it passes them as message metadata:
{"voordeur": {"any_open": bool, "regions": {"<id>": {"open": bool, "next_open": "ISO-8601 or null"}}}}
The relay lists only the regions that are closed, or open with nobody of them online now
(``"staffed": false``); a region not listed follows ``any_open`` and is staffed.
Without that metadata the assistant assumes the chat is open and lets the relay decide.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional

from actions.sdk import Tracker
from voordeur_content import dutch_dates, regions

try:  # Show times in Dutch local time when the time zone database is available.
    from zoneinfo import ZoneInfo

    AMSTERDAM: Optional[Any] = ZoneInfo("Europe/Amsterdam")
except Exception:  # pragma: no cover - depends on the system's tzdata
    AMSTERDAM = None


def schedule_of(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The schedule metadata of the latest message, or None when the relay sent none."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    schedule = metadata.get("voordeur")
    return schedule if isinstance(schedule, dict) else None


def is_open(tracker: Tracker, region_id: Optional[str] = None) -> bool:
    """Whether the region (or, without a region, any region) is open; True without metadata."""
    schedule = schedule_of(tracker)
    if schedule is None:
        return True
    if region_id:
        region = (schedule.get("regions") or {}).get(region_id)
        if isinstance(region, dict) and "open" in region:
            return bool(region["open"])
    return bool(schedule.get("any_open", True))


def is_staffed(tracker: Tracker, region_id: str) -> bool:
    """Whether someone of the region is online, as far as the relay knows; True without metadata,
    so the bot never tells a visitor nobody is there on a guess."""
    region = ((schedule_of(tracker) or {}).get("regions") or {}).get(region_id)
    if isinstance(region, dict) and "staffed" in region:
        return bool(region["staffed"])
    return True


def next_open(tracker: Tracker, region_id: Optional[str] = None) -> Optional[datetime]:
    """When the region (or, without a region, the first region) opens next, if the relay said so."""
    schedule = schedule_of(tracker) or {}
    regions = schedule.get("regions") or {}
    if region_id:
        candidates = [regions.get(region_id) or {}]
    else:
        candidates = [value for value in regions.values() if isinstance(value, dict)]
    parsed = (_parse(entry.get("next_open")) for entry in candidates)
    moments = [moment for moment in parsed if moment is not None]
    return min(moments) if moments else None


def _parse(value: Any) -> Optional[datetime]:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None and AMSTERDAM is not None:
        moment = moment.astimezone(AMSTERDAM)
    return moment


def dutch_moment(moment: datetime) -> str:
    """ "maandag 30 november om 9:00"."""
    return f"{dutch_dates.day_and_date(moment)} om {moment.hour}:{moment.minute:02d}"


def someone_is_there(tracker: Tracker) -> bool:
    """Whether some region is open with someone of it online now, as far as the relay knows."""
    return any(is_open(tracker, r.id) and is_staffed(tracker, r.id) for r in regions.load_regions())
