"""Opening hours: weekdays 9-17 Amsterdam time, Dutch holidays, evening hours, RELAY_SCHEDULE."""

from datetime import datetime
from zoneinfo import ZoneInfo

from relay.schedule import build_schedule, describe_opening, load_schedule
from voordeur_content.regions import Region

AMS = ZoneInfo("Europe/Amsterdam")
UTRECHT = Region(id="utrecht", name="Veilig Thuis Utrecht", short_name="Utrecht", towns=("Utrecht",))
EVENING = Region(
    id="twente",
    name="Veilig Thuis Twente",
    short_name="Twente",
    towns=("Enschede",),
    extra_hours={"tue": ["18:00-21:00"], "sat": ["10:00-12:00"]},
)
REGIONS = [UTRECHT, EVENING]


def at(*args):
    return datetime(*args, tzinfo=AMS)


def test_default_weekday_hours_in_amsterdam_time():
    schedule = load_schedule(None, REGIONS)
    assert schedule.is_open("utrecht", at(2026, 11, 25, 9, 0))  # Wednesday
    assert schedule.is_open("utrecht", at(2026, 11, 25, 16, 59))
    assert not schedule.is_open("utrecht", at(2026, 11, 25, 17, 0))
    assert not schedule.is_open("utrecht", at(2026, 11, 25, 8, 59))
    assert not schedule.is_open("utrecht", at(2026, 11, 28, 12, 0))  # Saturday
    # 08:30 UTC in summer is 10:30 in Amsterdam
    assert schedule.is_open("utrecht", datetime(2026, 7, 1, 8, 30, tzinfo=ZoneInfo("UTC")))


def test_dutch_public_holidays_are_closed():
    schedule = load_schedule(None, REGIONS)
    assert not schedule.is_open("utrecht", at(2026, 4, 27, 11, 0))  # Koningsdag, a Monday
    assert not schedule.is_open("utrecht", at(2026, 12, 25, 11, 0))  # Christmas
    assert schedule.next_open("utrecht", at(2026, 12, 24, 18, 0)) == at(2026, 12, 28, 9, 0)


def test_extra_evening_hours_of_a_region():
    schedule = load_schedule(None, REGIONS)
    tuesday_evening = at(2026, 11, 24, 19, 0)
    assert schedule.is_open("twente", tuesday_evening)
    assert not schedule.is_open("utrecht", tuesday_evening)
    assert schedule.is_open("twente", at(2026, 11, 28, 11, 0))
    assert schedule.next_open("twente", at(2026, 11, 24, 17, 30)) == at(2026, 11, 24, 18, 0)


def test_next_open_skips_the_weekend_and_is_none_while_open():
    schedule = load_schedule(None, REGIONS)
    assert schedule.next_open("utrecht", at(2026, 11, 27, 17, 30)) == at(2026, 11, 30, 9, 0)
    assert schedule.next_open("utrecht", at(2026, 11, 27, 10, 0)) is None


def test_always_and_closed():
    assert load_schedule("always", REGIONS).is_open("utrecht", at(2026, 12, 25, 3, 0))
    closed = load_schedule("closed", REGIONS)
    assert not closed.is_open("utrecht", at(2026, 11, 25, 11, 0))
    status = closed.status(REGIONS, at(2026, 11, 25, 11, 0))
    assert status == {
        "any_open": False,
        "regions": {"utrecht": {"open": False, "next_open": None}, "twente": {"open": False, "next_open": None}},
    }


def test_schedule_file(tmp_path):
    path = tmp_path / "schedule.yml"
    path.write_text(
        "default:\n  mon: ['08:00-20:00']\n  sat: ['10:00-14:00']\n"
        "regions:\n  utrecht:\n    sun: ['12:00-13:00']\n"
        "closed_dates: ['2026-11-30']\nextra_hours: false\n"
    )
    schedule = load_schedule(str(path), REGIONS)
    assert schedule.is_open("twente", at(2026, 11, 28, 11, 0))  # Saturday from the default
    assert not schedule.is_open("twente", at(2026, 11, 24, 19, 0))  # evening hours switched off
    assert schedule.is_open("utrecht", at(2026, 11, 29, 12, 30))  # Sunday, region override
    assert not schedule.is_open("twente", at(2026, 11, 30, 9, 0))  # a closed date
    assert schedule.next_open("twente", at(2026, 11, 29, 20, 0)) == at(2026, 12, 5, 10, 0)


def test_status_reports_iso_next_open():
    schedule = build_schedule({"mon": ["09:00-17:00"]}, REGIONS)
    status = schedule.status(REGIONS, at(2026, 11, 29, 12, 0))
    assert status["regions"]["utrecht"]["next_open"] == "2026-11-30T09:00:00+01:00"


def test_dutch_description_of_an_opening():
    assert describe_opening(at(2026, 11, 30, 9, 0)) == "maandag 30 november om 09:00"


def test_status_this_minute_is_computed_once_a_minute():
    schedule = load_schedule(None, REGIONS)
    first = schedule.status_this_minute(REGIONS, at(2026, 11, 25, 11, 0, 5))
    assert first == schedule.status(REGIONS, at(2026, 11, 25, 11, 0, 5))
    assert schedule.status_this_minute(REGIONS, at(2026, 11, 25, 11, 0, 55)) is first


def test_status_this_minute_follows_the_clock_and_a_changed_schedule():
    schedule = load_schedule(None, REGIONS)
    assert not schedule.status_this_minute(REGIONS, at(2026, 11, 25, 8, 59, 30))["any_open"]
    opened = schedule.status_this_minute(REGIONS, at(2026, 11, 25, 9, 0, 1))
    assert opened["any_open"] and opened["regions"]["utrecht"]["open"]
    schedule.mode = "closed"
    closed = schedule.status_this_minute(REGIONS, at(2026, 11, 25, 9, 0, 2))
    assert not closed["any_open"] and closed["regions"]["utrecht"]["next_open"] is None


def test_rasa_hears_the_closed_regions_and_a_region_not_named_is_open(app):
    """The schedule metadata of a bot turn on a Tuesday evening: Twente has evening hours."""
    from relay.bridge.assistant import schedule_metadata

    app.extensions["relay_regions"] = REGIONS
    app.extensions["relay_schedule"] = load_schedule(None, REGIONS)
    with app.app_context():
        evening = schedule_metadata(at(2026, 11, 24, 19, 0))["voordeur"]
        night = schedule_metadata(at(2026, 11, 24, 23, 0))["voordeur"]
    # Twente is open and nobody of it is online: the bot hears that too, so it promises no person.
    assert evening == {
        "any_open": True,
        "regions": {
            "utrecht": {"open": False, "next_open": at(2026, 11, 25, 9, 0).isoformat()},
            "twente": {
                **app.extensions["relay_schedule"].status(REGIONS, at(2026, 11, 24, 19, 0))["regions"]["twente"],
                "staffed": False,
            },
        },
    }
    assert night["any_open"] is False and set(night["regions"]) == {"utrecht", "twente"}
