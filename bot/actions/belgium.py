"""A visitor who lives in Belgium: Veilig Thuis is for the Netherlands, so the bot answers with 1712
(and the alerts with Belgium's numbers: the relay reads the same places, relay/bridge/triage.py)."""

from __future__ import annotations

from actions import answers
from actions.sdk import Tracker
from voordeur_content import places

# The answers of someone who lives in Belgium; after one of them the bot does not ask for a region.
BELGIAN_ANSWERS = ("utter_faq_belgium", "utter_belgium_again")


def answered_as_belgian(tracker: Tracker) -> bool:
    """The visitor was answered as someone who lives in Belgium."""
    return any(answers.response_of(event) in BELGIAN_ANSWERS for event in tracker.events)


names_belgium = places.names_belgium  # the one reading, shared with the relay's alerts


def not_understood(tracker: Tracker) -> str:
    """The answer to a message the bot did not understand: with 1712 instead of 0800 2000 for a
    visitor who was answered as living in Belgium (set 37: "de kinders zien da allemaal")."""
    return "utter_default_belgium" if answered_as_belgian(tracker) else "utter_default"
