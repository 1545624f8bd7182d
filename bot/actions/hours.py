"""Opening hours, with the evening hours that some regions add (content/regions.yml)."""

from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from actions import answers
from actions.sdk import Action, CollectingDispatcher, DomainDict, Tracker
from voordeur_content import regions
from voordeur_content.dutch_dates import WEEKDAY_KEYS as WEEKDAYS
from voordeur_content.dutch_dates import day_name


def _day_ranges(days: List[str]) -> str:
    """["mon", "tue", "wed", "thu"] -> "maandag tot en met donderdag"."""
    ordered = sorted(days, key=WEEKDAYS.index)
    runs: List[Tuple[str, str]] = []
    for day in ordered:
        if runs and WEEKDAYS.index(day) == WEEKDAYS.index(runs[-1][1]) + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    parts = [day_name(a) if a == b else f"{day_name(a)} tot en met {day_name(b)}" for a, b in runs]
    return " en ".join(parts)


def evening_hours_text() -> str:
    """ "Veilig Thuis Amsterdam-Amstelland (maandag tot en met donderdag 18:00-21:00), ..."."""
    described = []
    for region in regions.load_regions():
        by_span: Dict[str, List[str]] = {}
        for day, spans in region.extra_hours.items():
            for span in spans:
                by_span.setdefault(span, []).append(day)
        if by_span:
            times = ", ".join(f"{_day_ranges(days)} {span.replace('-', '–')}" for span, days in by_span.items())
            described.append(f"{region.name} ({times})")
    return "; ".join(described)


class ActionTellHours(Action):
    def name(self) -> Text:
        return "action_tell_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if answers.intent_of(tracker) != "faq_evenings":
            dispatcher.utter_message(response="utter_hours")
        evenings = evening_hours_text()
        if evenings:
            dispatcher.utter_message(response="utter_evening_hours", evening_hours=evenings)
        else:
            dispatcher.utter_message(response="utter_no_evening_hours")
        return []
