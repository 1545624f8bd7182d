from datetime import datetime, timedelta, timezone

from actions import schedule

from tests.support.bot import make_tracker


def meta(**regions):
    return {"voordeur": {"any_open": any(r["open"] for r in regions.values()), "regions": regions}}


def test_without_metadata_the_chat_counts_as_open():
    tracker = make_tracker("hoi")
    assert schedule.is_open(tracker) is True
    assert schedule.is_open(tracker, "utrecht") is True
    assert schedule.next_open(tracker) is None


def test_region_state_comes_from_the_metadata():
    tracker = make_tracker(
        "hoi",
        metadata=meta(
            utrecht={"open": False, "next_open": "2026-11-30T09:00:00+01:00"},
            twente={"open": True, "next_open": None},
        ),
    )
    assert schedule.is_open(tracker, "utrecht") is False
    assert schedule.is_open(tracker, "twente") is True
    assert schedule.is_open(tracker) is True
    # A region the relay did not mention follows any_open.
    assert schedule.is_open(tracker, "zeeland") is True


def test_next_open_is_the_earliest_region_and_shown_in_dutch_local_time():
    tracker = make_tracker(
        "hoi",
        metadata=meta(
            utrecht={"open": False, "next_open": "2026-12-01T08:00:00Z"},
            twente={"open": False, "next_open": "2026-11-30T08:00:00Z"},
        ),
    )
    moment = schedule.next_open(tracker)
    assert schedule.dutch_moment(moment) == "maandag 30 november om 9:00"
    assert schedule.dutch_moment(schedule.next_open(tracker, "utrecht")) == "dinsdag 1 december om 9:00"


def test_dutch_moment_pads_minutes():
    moment = datetime(2026, 12, 24, 18, 5, tzinfo=timezone(timedelta(hours=1)))
    assert schedule.dutch_moment(moment) == "donderdag 24 december om 18:05"


def test_bad_next_open_is_ignored():
    tracker = make_tracker("hoi", metadata=meta(utrecht={"open": False, "next_open": "morgen"}))
    assert schedule.next_open(tracker, "utrecht") is None
