"""Weekdays and months in Dutch, and the weekday keys the content files use: one owner for both.

Python's own names depend on the machine's locale; visitors must read Dutch everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Tuple

# The keys of content/regions.yml's extra_hours and the relay's schedule file, Monday first as
# date.weekday() counts.
WEEKDAY_KEYS: Tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS: Tuple[str, ...] = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS: Tuple[str, ...] = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def day_name(key: str) -> str:
    """ "mon" -> "maandag"."""
    return WEEKDAYS[WEEKDAY_KEYS.index(key)]


def day_and_date(day: date) -> str:
    """ "maandag 30 november"."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
