"""Queues: positions the visitor hears, what counsellors see, taking, transferring, the chat limit."""

import threading
from datetime import timedelta

from sqlalchemy import select, update

from relay.db import get_db
from relay.domain import queues
from relay.domain.models import Conversation, Counsellor, utcnow
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff


def queued_visitor(visitor_factory, rasa, region="utrecht", nickname="Sam", urgent=False):
    visitor = visitor_factory()
    visitor.hello()
    key = f"Ik wil een mens ({nickname})"
    risk = [{"type": "risk", "category": "acute", "reason": "weapon"}] if urgent else []
    rasa.answers[key] = bot_says("Ik zet je in de wachtrij.", signals=[*risk, handoff(region, nickname)])
    frames = visitor.say(key)
    return visitor, frames


def test_handoff_puts_the_visitor_in_their_regions_queue_with_a_position(app, visitor_factory, rasa):
    first, frames = queued_visitor(visitor_factory, rasa)
    assert of_type(frames, "queue") == [{"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}]
    second, frames = queued_visitor(visitor_factory, rasa, nickname="Kim")
    assert of_type(frames, "queue") == [{"type": "queue", "position": 2, "region": "utrecht", "estimate_s": None}]
    other, frames = queued_visitor(visitor_factory, rasa, region="zeeland", nickname="Jo")
    assert of_type(frames, "queue") == [{"type": "queue", "position": 1, "region": "zeeland", "estimate_s": None}]
    first.send({"type": "end"})
    assert of_type(second.pump(), "queue") == [
        {"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}
    ]
    assert of_type(other.pump(), "queue") == []


def test_closed_region_is_not_queued_and_the_visitor_hears_when_it_opens(app, visitor_factory, rasa):
    app.extensions["relay_schedule"].mode = "closed"
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    rasa.answers["mens graag"] = bot_says(signals=[handoff()])  # a bot that says nothing itself
    frames = visitor.say("mens graag")
    assert not of_type(frames, "queue")
    text = of_type(frames, "message")[-1]["text"]
    assert "0800 2000" in text and "112" in text
    with get_db(app).transaction() as session:
        assert session.get(Conversation, conversation).state == "bot"


def test_urgent_comes_first_then_oldest(app, visitor_factory, rasa, counsellor_factory):
    queued_visitor(visitor_factory, rasa, nickname="Eerste")
    queued_visitor(visitor_factory, rasa, nickname="Tweede")
    late_urgent, frames = queued_visitor(visitor_factory, rasa, nickname="Spoed", urgent=True)
    assert of_type(frames, "queue")[0]["position"] == 1
    anna = counsellor_factory()
    items = of_type(anna.received, "queue")[-1]["items"]
    assert [i["nickname"] for i in items] == ["Spoed", "Eerste", "Tweede"]
    assert items[0]["urgent"] is True and items[0]["intake"]["situation"] == "partner"


def test_urgent_language_in_the_queue_alerts_and_moves_the_visitor_up(app, visitor_factory, rasa, counsellor_factory):
    queued_visitor(visitor_factory, rasa, nickname="Eerste")
    second, _ = queued_visitor(visitor_factory, rasa, nickname="Tweede")
    anna = counsellor_factory()
    frames = second.say("Hij slaat me nu", client_id="s1")
    assert frames[0]["from"] == "visitor"
    alert = of_type(frames, "alert")[0]
    assert alert["phones"] == ["112", "0800 2000"]
    assert of_type(second.pump() + frames, "queue")[-1]["position"] == 1
    assert [i["nickname"] for i in of_type(anna.pump(), "queue")[-1]["items"]] == ["Tweede", "Eerste"]


def test_rasa_parse_raises_what_the_rules_miss_to_high(visitor_factory, rasa, monkeypatch):
    from voordeur_content import triage_classifier

    monkeypatch.setattr(triage_classifier, "classifier", lambda *args, **kwargs: None)  # the rules alone
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["ik twijfel of ik iets moet zeggen"] = {"name": "urgent_danger", "confidence": 0.9}
    frames = visitor.say("ik twijfel of ik iets moet zeggen", client_id="p1")
    alerts = of_type(frames + visitor.pump(), "alert")
    assert [(a["level"], a["category"]) for a in alerts] == [("high", "high")]
    rasa.intents["twijfel"] = {"name": "urgent_suicide", "confidence": 0.4}  # too unsure to count
    assert not of_type(visitor.say("twijfel", client_id="p2") + visitor.pump(), "alert")


def test_counsellor_sees_only_their_regions(visitor_factory, rasa, counsellor_factory):
    queued_visitor(visitor_factory, rasa, region="zeeland", nickname="Zee")
    queued_visitor(visitor_factory, rasa, region="utrecht", nickname="Dom")
    anna = counsellor_factory(regions="utrecht")
    assert [i["nickname"] for i in of_type(anna.received, "queue")[-1]["items"]] == ["Dom"]
    everyone = counsellor_factory(username="all", regions="all")
    assert len(of_type(everyone.received, "queue")[-1]["items"]) == 2


def test_take_next_by_priority_and_queue_empty(visitor_factory, rasa, counsellor_factory):
    queued_visitor(visitor_factory, rasa, nickname="Eerste")
    queued_visitor(visitor_factory, rasa, nickname="Spoed", urgent=True)
    anna = counsellor_factory()
    assert anna.send({"type": "take"})[0]["nickname"] == "Spoed"
    assert anna.send({"type": "take"})[0]["nickname"] == "Eerste"
    assert anna.send({"type": "take"})[0]["code"] == "queue_empty"


def test_chat_limit(visitor_factory, rasa, counsellor_factory):
    for name in ("A", "B"):
        queued_visitor(visitor_factory, rasa, nickname=name)
    anna = counsellor_factory(max_chats=1)
    assert anna.send({"type": "take"})[0]["type"] == "taken"
    assert anna.send({"type": "take"})[0]["code"] == "too_many_chats"


def test_transfer_keeps_the_place_in_time(app, visitor_factory, rasa, counsellor_factory):
    early, _ = queued_visitor(visitor_factory, rasa, region="utrecht", nickname="Vroeg")
    late, _ = queued_visitor(visitor_factory, rasa, region="zeeland", nickname="Laat")
    with get_db(app).transaction() as session:  # make the order unmistakable
        session.execute(
            update(Conversation)
            .where(Conversation.nickname == "Vroeg")
            .values(queued_at=utcnow() - timedelta(minutes=10))
        )
    anna = counsellor_factory(regions="utrecht")
    taken = anna.send({"type": "take"})[0]
    assert taken["nickname"] == "Vroeg"
    early.pump()
    frames = anna.send({"type": "transfer", "conversation": taken["conversation"], "region": "zeeland"})
    assert frames == [{"type": "transferred", "conversation": taken["conversation"], "region": "zeeland"}]
    seen = early.pump()
    assert {"type": "queue", "position": 1, "region": "zeeland", "estimate_s": None} in seen
    assert "Zeeland" in of_type(seen, "message")[-1]["text"]
    assert of_type(late.pump(), "queue")[-1]["position"] == 2
    assert (
        anna.send({"type": "message", "conversation": taken["conversation"], "text": "hoi"})[0]["code"] == "not_yours"
    )
    assert (
        anna.send({"type": "transfer", "conversation": taken["conversation"], "region": "nergens"})[0]["code"]
        == "region_not_found"
    )


def test_exactly_one_of_ten_simultaneous_takers_wins(app, visitor_factory, rasa, make_counsellor):
    _, frames = queued_visitor(visitor_factory, rasa)
    with get_db(app).transaction() as session:
        conversation_id = session.scalars(select(Conversation.id)).one()
    counsellors = [make_counsellor(f"c{i}") for i in range(10)]
    barrier = threading.Barrier(10)
    results = []

    def attempt(counsellor):
        barrier.wait()
        with app.app_context(), get_db(app).transaction() as session:
            me = session.get(Counsellor, counsellor.id)
            result = queues.take(session, me, ["utrecht"], conversation_id)
        results.append(result.error or "won")

    threads = [threading.Thread(target=attempt, args=(c,)) for c in counsellors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already_taken"] * 9 + ["won"]


def test_when_rasa_fails_a_visitor_with_a_known_region_goes_to_the_queue(app, visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    rasa.answers["Ik heet Sam"] = bot_says(
        "Dank je.", signals=[{"type": "profile", "nickname": "Sam", "region": "utrecht"}]
    )
    visitor.say("Ik heet Sam")
    rasa.down = True
    frames = visitor.say("Hallo?")
    assert "wachtrij" in of_type(frames, "message")[-1]["text"]
    assert of_type(frames, "queue") == [{"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}]
