"""The service figures as read: per day and region, per week, in total, demand by weekday and hour,
and the advice registrations summarised; small cells suppressed everywhere (docs/figures.md).

Suppression happens here, after adding up and before anything leaves the relay, so the JSON, the CSV
and the console page can only show what this module lets through: a count of 1 to 4 becomes
``SUPPRESSED`` ("< 5"), 0 stays 0; a percentile or average of fewer than 5 values is ``SUPPRESSED``
as well (and None when there are none at all).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from relay.domain import figures as f
from relay.domain.models import Figure, Registration
from relay.domain.registrations import load_options
from voordeur_content.dutch_dates import WEEKDAYS

SUPPRESSED = "< 5"
SMALLEST_SHOWN = 5
Shown = int | float | str | None

DAY_FIELDS = (
    "date", "region", "offered", "answered", "abandoned", "urgent", "high", "wait_p50_s", "wait_p90_s",
    "duration_p50_s", "abandon_wait_p50_s", "answered_within_300_s", "outside_hours", "transferred_in",
    "backup_in", "backup_out", "feedback", "helped_avg", "again_yes", "again_no",
)  # fmt: skip
HOURS = range(24)
DISTRIBUTIONS = frozenset((f.WAIT, f.ABANDON_WAIT, f.DURATION, f.OFFERED_HOUR, f.CLOSED_HOUR, f.HELPED, f.AGAIN))


def shown(count: int) -> int | str:
    """A count as it may be shown: 0, "< 5", or the count."""
    return count if count == 0 or count >= SMALLEST_SHOWN else SUPPRESSED


@dataclass
class Cell:
    """The raw counts of one row of a report (a day and region, a week, the whole range)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    buckets: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, measure: str, bucket: int, n: int) -> None:
        if measure in DISTRIBUTIONS:
            self.buckets[measure][bucket] += n
        else:
            self.counts[measure] += n

    def percentile(self, measure: str, share: float) -> Shown:
        """The upper edge (seconds) of the bucket holding the ``share`` percentile (nearest rank):
        that share waited at most this long."""
        histogram = self.buckets.get(measure, {})
        total = sum(histogram.values())
        if total == 0:
            return None
        if total < SMALLEST_SHOWN:
            return SUPPRESSED
        rank, seen = max(1, -(-int(share * 100) * total // 100)), 0  # ceil(share * total)
        for edge in sorted(histogram):
            seen += histogram[edge]
            if seen >= rank:
                return edge
        return max(histogram)

    def figures(self) -> dict[str, Any]:
        counts, wait = self.counts, self.buckets.get(f.WAIT, {})
        helped = self.buckets.get(f.HELPED, {})
        helped_n = sum(helped.values())
        helped_avg: Shown = None
        if helped_n:
            helped_avg = round(sum(k * n for k, n in helped.items()) / helped_n, 1) if helped_n >= 5 else SUPPRESSED
        again = self.buckets.get(f.AGAIN, {})
        return {
            "offered": shown(counts[f.OFFERED]),
            "answered": shown(counts[f.ANSWERED]),
            "abandoned": shown(counts[f.ABANDONED]),
            "urgent": shown(counts[f.URGENT]),
            "high": shown(counts[f.HIGH]),
            "wait_p50_s": self.percentile(f.WAIT, 0.5),
            "wait_p90_s": self.percentile(f.WAIT, 0.9),
            "duration_p50_s": self.percentile(f.DURATION, 0.5),
            "abandon_wait_p50_s": self.percentile(f.ABANDON_WAIT, 0.5),
            "answered_within_300_s": shown(sum(n for edge, n in wait.items() if edge <= 300)),
            "outside_hours": shown(counts[f.CLOSED]),
            "transferred_in": shown(counts[f.TRANSFERRED_IN]),
            "backup_in": shown(counts[f.BACKUP_IN]),
            "backup_out": shown(counts[f.BACKUP_OUT]),
            "feedback": shown(counts[f.FEEDBACK]),
            "helped_avg": helped_avg,
            "again_yes": shown(again.get(1, 0)),
            "again_no": shown(again.get(0, 0)),
        }

    def demand_by_hour(self) -> list[int | str]:
        """Who wanted a counsellor, by local hour: reached a queue, or was told the chat was closed."""
        offered, closed = self.buckets.get(f.OFFERED_HOUR, {}), self.buckets.get(f.CLOSED_HOUR, {})
        return [shown(offered.get(hour, 0) + closed.get(hour, 0)) for hour in HOURS]


def _rows(session: Session, start: date, end: date, region: str | None) -> list[Figure]:
    statement = select(Figure).where(Figure.day >= start.isoformat(), Figure.day <= end.isoformat())
    if region is not None:
        statement = statement.where(Figure.region == region)
    return list(session.scalars(statement.order_by(Figure.day, Figure.region)))


def _grouped(rows: Iterable[Figure], key: Callable[[Figure], Any]) -> dict[Any, Cell]:
    cells: dict[Any, Cell] = defaultdict(Cell)
    for row in rows:
        cells[key(row)].add(row.measure, row.bucket, row.n)
    return cells


def week_of(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def report(session: Session, start: date, end: date, region: str | None = None) -> dict[str, Any]:
    """Everything the stats API and the figures page show, for ``start``..``end`` (local dates, both
    included) and one region or all."""
    rows = _rows(session, start, end, region)
    days = [
        {"date": day, "region": row_region or None, **cell.figures(), "demand_by_hour": cell.demand_by_hour()}
        for (day, row_region), cell in sorted(_grouped(rows, lambda r: (r.day, r.region)).items())
    ]
    weeks = [
        {"week": week, **cell.figures()} for week, cell in sorted(_grouped(rows, lambda r: week_of(r.day)).items())
    ]
    total = _grouped(rows, lambda r: "all").get("all", Cell())
    weekdays = _grouped(rows, lambda r: date.fromisoformat(r.day).weekday())
    heatmap = [
        {"weekday": weekday, "name": WEEKDAYS[weekday], "hours": weekdays.get(weekday, Cell()).demand_by_hour()}
        for weekday in range(7)
    ]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "region": region,
        "days": days,
        "weeks": weeks,
        "total": {**total.figures(), "demand_by_hour": total.demand_by_hour()},
        "heatmap": heatmap,
        "registrations": registrations_summary(session, start, end, region),
    }


def registrations_summary(session: Session, start: date, end: date, region: str | None) -> dict[str, Any]:
    """How often each kind of violence, role and referral was registered, with the labels counsellors see."""
    statement = select(Registration).where(Registration.day >= start.isoformat(), Registration.day <= end.isoformat())
    if region is not None:
        statement = statement.where(Registration.region == region)
    kinds: dict[str, int] = defaultdict(int)
    roles: dict[str, int] = defaultdict(int)
    referrals: dict[str, int] = defaultdict(int)
    total = 0
    for registration in session.scalars(statement):
        total += 1
        roles[registration.role] += 1
        for kind in registration.kinds:
            kinds[kind] += 1
        for referral in registration.referrals:
            referrals[referral] += 1

    options = load_options()

    def listed(counts: dict[str, int], key: str) -> list[dict[str, Any]]:
        labels = {choice["id"]: choice["label"] for choice in options.get(key, [])}
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [{"id": id_, "label": labels.get(id_, id_), "count": shown(n)} for id_, n in ordered]

    return {
        "total": shown(total),
        "kinds": listed(kinds, "kinds"),
        "roles": listed(roles, "roles"),
        "referrals": listed(referrals, "referrals"),
    }


def days_csv(days: list[dict[str, Any]]) -> str:
    """The ``days`` of a report as CSV: the fields above, then the demand per local hour."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*DAY_FIELDS, *(f"demand_h{hour:02d}" for hour in HOURS)])
    for day in days:
        values = ["" if day[name] is None else day[name] for name in DAY_FIELDS]
        writer.writerow([*values, *day["demand_by_hour"]])
    return out.getvalue()


def parse_range(start: str | None, end: str | None, today: date, longest_days: int = 400) -> tuple[date, date]:
    """The report's range from the query (YYYY-MM-DD); by default the last 28 days up to today.
    ValueError when a date cannot be read, the range is reversed or longer than ``longest_days``."""
    last = date.fromisoformat(end) if end else today
    first = date.fromisoformat(start) if start else last - timedelta(days=27)
    if first > last or (last - first).days >= longest_days:
        raise ValueError("range")
    return first, last
