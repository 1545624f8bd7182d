"""Presence: what a counsellor sees of the visitor, no ghost chats in the queue, no orphaned chats.

The sweep is driven with an explicit "now", so the production defaults (15 minutes, 2 minutes) are
tested without waiting for them.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from relay import config
from relay.db import get_db
from relay.domain import presence, queues, texts
from relay.domain.models import Conversation, Figure, utcnow
from relay.domain.states import ASSIGNED, BOT, QUEUED
from relay.ops.presence import stale_seconds, start_presence_keeper
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff

GONE_S, GRACE_S = 900.0, 120.0


def test_the_defaults_are_fifteen_minutes_and_two_minutes():
    assert config.DEFAULTS["RELAY_QUEUE_GONE_S"] == 15 * 60
    assert config.DEFAULTS["RELAY_COUNSELLOR_GRACE_S"] == 2 * 60
    loaded = config.load_config(environ={"RELAY_QUEUE_GONE_S": "600", "RELAY_COUNSELLOR_GRACE_S": "60"})
    assert (loaded["RELAY_QUEUE_GONE_S"], loaded["RELAY_COUNSELLOR_GRACE_S"]) == (600.0, 60.0)


def queued_visitor(visitor_factory, rasa, nickname="Sam"):
    visitor = visitor_factory()
    session = visitor.hello()[0]
    rasa.answers[f"Ik wil een mens ({nickname})"] = bot_says(
        "Ik zet je in de wachtrij.", signals=[handoff("utrecht", nickname)]
    )
    visitor.say(f"Ik wil een mens ({nickname})")
    return visitor, session


def sweep(app, now: datetime) -> presence.SweepResult:
    with app.app_context(), get_db(app).transaction() as session:
        return presence.sweep(session, now, GONE_S, GRACE_S, stale_seconds(app))


def stored(app, conversation_id: str) -> Conversation:
    with get_db(app).transaction() as session:
        return session.get(Conversation, conversation_id)


def test_counsellors_see_whether_a_queued_visitor_is_there_and_since_when(
    app, visitor_factory, rasa, counsellor_factory
):
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    item = of_type(anna.received, "queue")[-1]["items"][0]
    assert item["visitor_online"] is True
    arrived = datetime.fromisoformat(item["visitor_since"])
    assert utcnow() - timedelta(seconds=30) < arrived <= utcnow()
    visitor.close()
    item = of_type(anna.pump(), "queue")[-1]["items"][0]
    assert item["visitor_online"] is False and datetime.fromisoformat(item["visitor_since"]) >= arrived
    anna.send({"type": "take"})
    taken = of_type(anna.received, "taken")[-1]
    assert taken["visitor_online"] is False and taken["visitor_since"] == item["visitor_since"]


def test_a_heartbeat_that_stopped_counts_as_gone(app, visitor_factory, rasa):
    """A relay that crashed closes no sockets: its visitors count as gone from their last heartbeat."""
    _visitor, session = queued_visitor(visitor_factory, rasa)
    conversation = stored(app, session["conversation"])
    seen = conversation.visitor_seen_at
    later = seen + timedelta(seconds=stale_seconds(app) + 1)
    assert presence.visitor_presence(conversation, seen, stale_seconds(app)) == presence.Presence(
        True, conversation.visitor_since
    )
    assert presence.visitor_presence(conversation, later, stale_seconds(app)) == presence.Presence(False, seen)


def test_a_queued_visitor_gone_fifteen_minutes_leaves_the_queue_and_returns_at_the_back(
    app, visitor_factory, rasa, counsellor_factory
):
    first, first_session = queued_visitor(visitor_factory, rasa, "Sam")
    _second, second_session = queued_visitor(visitor_factory, rasa, "Kim")
    first.close()
    left = stored(app, first_session["conversation"]).visitor_seen_at
    anna = counsellor_factory()
    assert sweep(app, left + timedelta(seconds=GONE_S - 1)).left_queue == []  # not yet
    with app.app_context(), get_db(app).transaction() as session:  # Kim's relay still beats for her
        presence.heartbeat(session, [second_session["conversation"]], [], left + timedelta(seconds=GONE_S))
    assert sweep(app, left + timedelta(seconds=GONE_S + 1)).left_queue == [first_session["conversation"]]
    conversation = stored(app, first_session["conversation"])
    assert conversation.state is BOT and conversation.left_queue_region == "utrecht"
    # the counsellors' queue no longer shows the ghost
    assert [i["nickname"] for i in of_type(anna.pump(), "queue")[-1]["items"]] == ["Kim"]
    # the visitor comes back: into the queue again, behind Kim, told honestly
    back = visitor_factory().hello(first_session["token"])
    assert back[0]["state"] == "queued" and back[0]["history"][-1]["text"] == texts.BACK_IN_QUEUE
    assert of_type(back, "queue") == [{"type": "queue", "position": 2, "region": "utrecht", "estimate_s": None}]
    assert [i["nickname"] for i in of_type(anna.pump(), "queue")[-1]["items"]] == ["Kim", "Sam"]
    # In the figures Sam left the queue once and was offered again on return (docs/figures.md).
    assert plain_counts(app, "utrecht") == {"offered": 3, "abandoned": 1}


def plain_counts(app, region: str) -> dict[str, int]:
    with get_db(app).transaction() as session:
        rows = session.execute(
            select(Figure.measure, func.sum(Figure.n))
            .where(Figure.region == region, Figure.bucket == 0)
            .group_by(Figure.measure)
        ).all()
    return {measure: int(n) for measure, n in rows}


def test_a_visitor_who_is_there_or_came_back_stays_in_the_queue(app, visitor_factory, rasa):
    _here, here = queued_visitor(visitor_factory, rasa, "Sam")
    away, away_session = queued_visitor(visitor_factory, rasa, "Kim")
    away.close()
    visitor_factory().hello(away_session["token"])  # back before the sweep
    later = utcnow() + timedelta(seconds=GONE_S + 60)
    with app.app_context(), get_db(app).transaction() as session:
        presence.heartbeat(session, [here["conversation"], away_session["conversation"]], [], later)
    assert sweep(app, later).left_queue == []
    assert {stored(app, c).state for c in (here["conversation"], away_session["conversation"])} == {QUEUED}


def test_a_chat_whose_counsellor_dropped_goes_back_to_the_front_after_the_grace_period(
    app, visitor_factory, rasa, counsellor_factory
):
    visitor, session = queued_visitor(visitor_factory, rasa, "Sam")
    anna = counsellor_factory()
    anna.send({"type": "take"})
    queued_visitor(visitor_factory, rasa, "Kim")  # waiting behind
    visitor.pump()
    anna.close()  # closed laptop
    with get_db(app).transaction() as db_session:
        gone = db_session.scalars(
            select(Conversation.queued_at).where(Conversation.id == session["conversation"])
        ).one()
    dropped = utcnow()
    assert sweep(app, dropped + timedelta(seconds=GRACE_S - 5)).requeued == []  # within the grace period
    assert sweep(app, dropped + timedelta(seconds=GRACE_S + 5)).requeued == [session["conversation"]]
    conversation = stored(app, session["conversation"])
    assert conversation.state is QUEUED and conversation.counsellor_id is None and conversation.queued_at == gone
    heard = visitor.pump()
    assert texts.COUNSELLOR_DROPPED in [f["text"] for f in of_type(heard, "message")]
    assert of_type(heard, "agent")[-1]["kind"] == "bot"
    assert of_type(heard, "queue")[-1] == {"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}
    # Back in its own region's queue: no transfer in the figures, and one answered chat, not two.
    assert "transferred_in" not in plain_counts(app, "utrecht")
    bob = counsellor_factory(username="bob", name="Bob")
    assert [i["nickname"] for i in of_type(bob.received, "queue")[-1]["items"]] == ["Sam", "Kim"]


def test_a_counsellor_who_is_online_keeps_their_chats(app, visitor_factory, rasa, counsellor_factory):
    _visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    later = utcnow() + timedelta(minutes=30)
    with app.app_context(), get_db(app).transaction() as db_session:
        presence.heartbeat(db_session, [], [anna.state.counsellor_id], later)  # her relay still beats
    assert sweep(app, later).requeued == []
    assert stored(app, session["conversation"]).state is ASSIGNED
    # her relay crashed: the heartbeat stops, and after the grace period the chat goes back
    assert sweep(app, later + timedelta(seconds=GRACE_S + 1)).requeued == [session["conversation"]]


def test_two_sweeps_at_once_move_a_chat_once(app, visitor_factory, rasa, counsellor_factory):
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    anna.close()
    later = utcnow() + timedelta(seconds=GRACE_S + 5)
    assert sweep(app, later).requeued == [session["conversation"]]
    assert sweep(app, later).requeued == []
    told = [f["text"] for f in of_type(visitor.pump(), "message")]
    assert told.count(texts.COUNSELLOR_DROPPED) == 1


def test_the_presence_keeper_sweeps_with_the_configured_times(app, visitor_factory, rasa):
    """The mechanism end to end, with times set for this test (one second gone, beats every 0.2 s):
    the running keeper's heartbeat keeps the visitor who is there, and moves the one who left."""
    app.config.update(RELAY_QUEUE_GONE_S=1.0, RELAY_PRESENCE_INTERVAL=0.2)
    _here, here = queued_visitor(visitor_factory, rasa, "Sam")
    away, away_session = queued_visitor(visitor_factory, rasa, "Kim")
    away.close()
    stop = start_presence_keeper(app)
    try:
        deadline = time.monotonic() + 20
        while stored(app, away_session["conversation"]).state is QUEUED and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # a few more rounds: the visitor who is there must stay
    finally:
        stop.set()
    assert stored(app, away_session["conversation"]).state is BOT
    with get_db(app).transaction() as session:
        assert [c.id for c in queues.queued_conversations(session, ["utrecht"])] == [here["conversation"]]


def test_a_visitor_who_returns_to_a_queue_that_closed_meanwhile_is_told_so(app, visitor_factory, rasa):
    visitor, session = queued_visitor(visitor_factory, rasa)
    visitor.close()
    assert sweep(app, utcnow() + timedelta(seconds=GONE_S + 5)).left_queue == [session["conversation"]]
    app.extensions["relay_schedule"].mode = "closed"
    back = visitor_factory().hello(session["token"])
    assert back[0]["state"] == "bot" and of_type(back, "queue") == []
    assert back[0]["history"][-1]["text"] == texts.NO_OPENING_KNOWN
    assert stored(app, session["conversation"]).left_queue_region is None


def test_a_second_tab_keeps_the_first_ones_since_and_closing_one_of_two_keeps_the_visitor_there(
    app, visitor_factory, rasa
):
    first, session = queued_visitor(visitor_factory, rasa)
    since = stored(app, session["conversation"]).visitor_since
    second = visitor_factory()
    second.hello(session["token"])
    assert stored(app, session["conversation"]).visitor_since == since
    first.close()
    conversation = stored(app, session["conversation"])
    assert conversation.visitor_online is True and conversation.visitor_since == since
    second.close()
    assert stored(app, session["conversation"]).visitor_online is False


def test_nothing_closes_a_chat_because_the_visitor_went_quiet(app, visitor_factory, rasa, counsellor_factory):
    """Someone may have had to hide their phone: hours away, the chat is still open and still hers."""
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    visitor.close()
    later = utcnow() + timedelta(hours=3)
    with app.app_context(), get_db(app).transaction() as db_session:
        presence.heartbeat(db_session, [], [anna.state.counsellor_id], later)
    assert sweep(app, later) == presence.SweepResult(left_queue=[], requeued=[])
    conversation = stored(app, session["conversation"])
    assert conversation.state is ASSIGNED and conversation.counsellor_id == anna.state.counsellor_id
