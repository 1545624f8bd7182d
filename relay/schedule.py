"""Opening hours of the regions' chat: weekly hours, Dutch public holidays and RELAY_SCHEDULE.

Default: Monday to Friday 09:00-17:00 Europe/Amsterdam, closed on Dutch public holidays, plus a
region's own evening hours (``Region.extra_hours``). ``RELAY_SCHEDULE`` may be ``always``, ``closed``
or the path of a YAML schedule file (format in docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

import holidays
import yaml
from flask import Flask, current_app

from voordeur_content import dutch_dates
from voordeur_content import regions as region_data
from voordeur_content.regions import Region

WEEKDAYS = dutch_dates.WEEKDAY_KEYS
DEFAULT_WEEK = {day: ["09:00-17:00"] for day in WEEKDAYS[:5]}
# How far ahead next_open looks; three weeks covers Christmas and New Year.
LOOKAHEAD_DAYS = 21

Interval = tuple[time, time]
# The chat's own time zone, the default of every schedule and of how an opening is described.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@lru_cache(maxsize=8)
def dutch_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def parse_intervals(spans: list[str]) -> list[Interval]:
    intervals = []
    for span in spans or []:
        start, end = (part.strip() for part in str(span).split("-"))
        intervals.append((time.fromisoformat(start), time.fromisoformat(end)))
    return sorted(intervals)


@dataclass
class Schedule:
    """Opening hours of every region; ``mode`` is "hours", "always" or "closed"."""

    mode: str = "hours"
    timezone: ZoneInfo = field(default_factory=lambda: AMSTERDAM)
    default_week: dict[str, list[Interval]] = field(default_factory=dict)
    region_weeks: dict[str, dict[str, list[Interval]]] = field(default_factory=dict)
    use_holidays: bool = True
    closed_dates: set[date] = field(default_factory=set)
    # (key, status) of the last status_this_minute call; see there.
    _minute_status: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def intervals_on(self, region_id: str, day: date) -> list[Interval]:
        if self.mode != "hours" or day in self.closed_dates:
            return []
        if self.use_holidays and day in dutch_holidays(day.year):
            return []
        week = self.region_weeks.get(region_id, self.default_week)
        return week.get(WEEKDAYS[day.weekday()], [])

    def is_open(self, region_id: str, now: datetime | None = None) -> bool:
        if self.mode != "hours":
            return self.mode == "always"
        local = self._local(now)
        return any(start <= local.time() < end for start, end in self.intervals_on(region_id, local.date()))

    def next_open(self, region_id: str, now: datetime | None = None) -> datetime | None:
        """The next moment the region opens, or None when it is open now or never opens."""
        if self.mode != "hours" or self.is_open(region_id, now):
            return None
        local = self._local(now)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            for start, _end in self.intervals_on(region_id, day):
                opening = datetime.combine(day, start, tzinfo=self.timezone)
                if opening > local:
                    return opening
        return None

    def status(self, region_list: Iterable[Region], now: datetime | None = None) -> dict:
        """Per region open/next_open, as used by /api/status and the metadata sent to Rasa."""
        now = now or datetime.now(timezone.utc)
        regions = {}
        for region in region_list:
            opening = self.next_open(region.id, now)
            regions[region.id] = {
                "open": self.is_open(region.id, now),
                "next_open": opening.isoformat() if opening else None,
            }
        return {"any_open": any(r["open"] for r in regions.values()), "regions": regions}

    def status_this_minute(self, region_list: Sequence[Region], now: datetime | None = None) -> dict:
        """``status`` computed at most once a minute per process: every bot turn sends it to Rasa.

        Opening hours are whole minutes (HH:MM), so the status cannot change within a minute. The key
        holds ``mode`` too, so switching to "always" or "closed" counts at once. Do not change the
        returned dict: other callers share it.
        """
        minute = (now or datetime.now(timezone.utc)).replace(second=0, microsecond=0)
        key = (minute, self.mode, tuple(region.id for region in region_list))
        cached = self._minute_status
        if cached is not None and cached[0] == key:
            return cached[1]
        status = self.status(region_list, minute)
        self._minute_status = (key, status)  # one assignment: threads see the old or the new pair
        return status

    def _local(self, now: datetime | None) -> datetime:
        return (now or datetime.now(timezone.utc)).astimezone(self.timezone)


def load_schedule(setting: str | None, region_list: Sequence[Region]) -> Schedule:
    if setting in ("always", "closed"):
        return Schedule(mode=setting)
    if not setting:
        return build_schedule(DEFAULT_WEEK, region_list)
    return schedule_from_file(Path(setting), region_list)


def schedule_from_file(path: Path, region_list: Sequence[Region]) -> Schedule:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return build_schedule(
        data.get("default", DEFAULT_WEEK),
        region_list,
        include_extra_hours=bool(data.get("extra_hours", True)),
        region_overrides=data.get("regions") or {},
        timezone=ZoneInfo(data.get("timezone", "Europe/Amsterdam")),
        use_holidays=bool(data.get("holidays", True)),
        closed_dates={date.fromisoformat(str(d)) for d in data.get("closed_dates") or []},
    )


def build_schedule(
    default_week: dict,
    region_list: Sequence[Region],
    include_extra_hours: bool = True,
    region_overrides: dict | None = None,
    **options: Any,
) -> Schedule:
    """A region's week is the default week plus its extra (evening) hours, unless overridden."""
    region_weeks = {}
    for region in region_list:
        extra = (getattr(region, "extra_hours", None) or {}) if include_extra_hours else {}
        if extra:
            week = {day: list(spans) for day, spans in default_week.items()}
            for day, spans in extra.items():
                week[day] = week.get(day, []) + list(spans)
            region_weeks[region.id] = {day: parse_intervals(spans) for day, spans in week.items()}
    for region_id, week in (region_overrides or {}).items():
        region_weeks[region_id] = {day: parse_intervals(spans) for day, spans in week.items()}
    return Schedule(
        default_week={day: parse_intervals(spans) for day, spans in default_week.items()},
        region_weeks=region_weeks,
        **options,
    )


def init_app(app: Flask) -> None:
    _follow_regions_file(app)


def _follow_regions_file(app: Flask) -> None:
    """The regions and the schedule built from their evening hours, rebuilt when an editor changed
    content/regions.yml (one stat, in voordeur_content), so that no restart is needed. The schedule
    file (RELAY_SCHEDULE) is read again then too; its own changes need a restart."""
    current = region_data.region_tuple()
    if app.extensions.get("relay_regions_source") is current:
        return
    regions = list(current)
    schedule = load_schedule(app.config.get("RELAY_SCHEDULE"), regions)
    # A request in another thread may read the old pair a moment longer; both are whole.
    app.extensions["relay_regions"], app.extensions["relay_schedule"] = regions, schedule
    app.extensions["relay_regions_source"] = current


def get_schedule(app: Flask | None = None) -> Schedule:
    app = app or current_app
    _follow_regions_file(app)
    return app.extensions["relay_schedule"]


def get_regions(app: Flask | None = None) -> list[Region]:
    app = app or current_app
    _follow_regions_file(app)
    return app.extensions["relay_regions"]


def describe_opening(opening: datetime | None, tz: ZoneInfo = AMSTERDAM) -> str:
    """'maandag 1 december om 09:00', for the visitor."""
    if opening is None:
        return ""
    local = opening.astimezone(tz)
    return f"{dutch_dates.day_and_date(local)} om {local:%H:%M}"
