"""The visitor's expected wait: the model's numbers, what the visitor is shown, and the queue frame."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from relay.db import get_db
from relay.domain import conversations, estimates
from relay.domain.estimates import RegionLoad, ewma, expected_wait, shown
from relay.domain.models import Conversation, utcnow
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff


def test_the_moving_average_weighs_the_newest_chat_most():
    assert ewma([]) is None
    assert ewma([600.0]) == 600.0
    # 600, then 1200 at weight 0.3: 0.3 * 1200 + 0.7 * 600
    assert ewma([600.0, 1200.0]) == pytest.approx(780.0)
    assert ewma([600.0, 1200.0, 300.0]) == pytest.approx(0.3 * 300 + 0.7 * 780)


LOAD = RegionLoad(handling_s=1200.0, take_s=60.0, samples=10, slots=3, busy=3)


def test_with_every_slot_busy_a_visitor_waits_for_chats_to_end():
    # take + position * handling / slots: 60 + 1 * 1200 / 3, then 60 + 2 * 400
    assert expected_wait(1, LOAD) == pytest.approx(460.0)
    assert expected_wait(2, LOAD) == pytest.approx(860.0)


def test_with_a_free_slot_the_next_visitor_waits_only_to_be_picked_up():
    free_one = RegionLoad(handling_s=1200.0, take_s=60.0, samples=10, slots=3, busy=2)
    assert expected_wait(1, free_one) == pytest.approx(60.0)
    assert expected_wait(2, free_one) == pytest.approx(460.0)


@pytest.mark.parametrize(
    "load",
    [
        RegionLoad(handling_s=1200.0, take_s=60.0, samples=10, slots=0, busy=0),  # nobody online
        RegionLoad(handling_s=1200.0, take_s=60.0, samples=4, slots=3, busy=3),  # too little history
        RegionLoad(handling_s=None, take_s=None, samples=0, slots=3, busy=0),
    ],
)
def test_without_counsellors_or_history_there_is_no_estimate(load):
    assert expected_wait(1, load) is None


def test_what_the_visitor_sees_is_rounded_up_and_coarse():
    assert shown(None) is None
    assert shown(5) == 60  # never "0 minutes"
    assert shown(60) == 60
    assert shown(61) == 120  # rounded up, never down
    assert shown(460) == 480
    assert shown(601) == 900  # above ten minutes: whole five minutes
    assert shown(860) == 900
    assert shown(2 * 3600) == 7200
    assert shown(2 * 3600 + 1) is None  # a number nobody can stand behind


def test_counsellors_serve_all_or_their_listed_regions():
    assert estimates.serves("all", "utrecht")
    assert estimates.serves("zeeland, utrecht", "utrecht")
    assert not estimates.serves("zeeland", "utrecht")


def past_chats(session, region: str, count: int, taken_after_s: float, lasted_s: float):
    """``count`` ended chats of ``region``: each waited ``taken_after_s`` and lasted ``lasted_s``."""
    now = utcnow()
    for index in range(count):
        conversation, _token = conversations.open_conversation(session)
        ended = now - timedelta(hours=1, minutes=index)
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id)
            .values(
                state="ended",
                region=region,
                queued_at=ended - timedelta(seconds=lasted_s + taken_after_s),
                assigned_at=ended - timedelta(seconds=lasted_s),
                ended_at=ended,
            )
        )


def test_region_load_reads_history_and_who_is_online(app, counsellor_factory):
    with app.app_context(), get_db(app).transaction() as session:
        past_chats(session, "utrecht", 6, taken_after_s=90, lasted_s=1800)
        past_chats(session, "zeeland", 6, taken_after_s=10, lasted_s=60)
        assert estimates.region_load(session, "utrecht", stale_s=45).slots == 0
    counsellor_factory(max_chats=2)  # connected: online for utrecht
    counsellor_factory(username="bob", regions="zeeland", name="Bob")
    with app.app_context(), get_db(app).transaction() as session:
        load = estimates.region_load(session, "utrecht", stale_s=45)
    assert load == RegionLoad(handling_s=pytest.approx(1800.0), take_s=pytest.approx(90.0), samples=6, slots=2, busy=0)


def test_the_queue_frame_carries_an_honest_estimate(app, visitor_factory, rasa, counsellor_factory):
    with app.app_context(), get_db(app).transaction() as session:
        past_chats(session, "utrecht", 6, taken_after_s=120, lasted_s=1200)
    anna = counsellor_factory(max_chats=1)
    rasa.answers["Ik wil een medewerker"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    first, second = visitor_factory(), visitor_factory()
    first.hello()
    second.hello()
    # Anna has a free slot: the first waits about the time to be picked up (2 minutes)
    assert of_type(first.say("Ik wil een medewerker"), "queue") == [
        {"type": "queue", "position": 1, "region": "utrecht", "estimate_s": 120}
    ]
    # the second waits for a chat to end too: 120 + 1200 / 1 seconds, 22 minutes, shown as 25
    assert of_type(second.say("Ik wil een medewerker"), "queue")[-1]["estimate_s"] == 25 * 60
    anna.close()  # the last counsellor of the region leaves: no number any more
    app.extensions["relay_region_loads"] = estimates.RegionLoads(ttl=0)
    assert of_type(second.pump(), "queue")[-1] == {
        "type": "queue",
        "position": 2,
        "region": "utrecht",
        "estimate_s": None,
    }


def test_a_waiting_visitor_who_asks_how_long_hears_the_estimate_without_a_promise(
    app, visitor_factory, rasa, counsellor_factory
):
    with app.app_context(), get_db(app).transaction() as session:
        past_chats(session, "utrecht", 6, taken_after_s=120, lasted_s=1200)
    counsellor_factory(max_chats=1)
    rasa.answers["Ik wil een medewerker"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor = visitor_factory()
    visitor.hello()
    visitor.say("Ik wil een medewerker")
    said = [f["text"] for f in visitor.say("duurt het nog lang?") if f["type"] == "message" and f["from"] == "bot"]
    assert said == [
        "Ik verwacht dat het nog ongeveer 2 minuten duurt, maar ik kan het niet beloven. "
        "Je bent de volgende in de wachtrij. Een medewerker komt zo snel als het kan. "
        "Wil je niet wachten? Bel dan gratis 0800 2000, dag en nacht."
    ]
