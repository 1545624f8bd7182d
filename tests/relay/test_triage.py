"""Triage in the relay: every visitor message is graded by the rules at once, in every state, and
Rasa's model is a second opinion asked beside the socket; the socket never waits for it."""

import json
import threading
import time

import pytest
from test_queue import queued_visitor

from relay.bridge.triage import ModelOpinions, get_model_opinions
from relay.db import get_db
from relay.domain.models import Conversation
from relay.sockets.visitor import handle_visitor_frame
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff
from voordeur_content import triage_classifier
from voordeur_content.triage import Assessment, alert_text


@pytest.fixture
def triage_unsure(monkeypatch):
    """No triage classifier (the rules alone, as without scikit-learn): Rasa's opinion then counts
    for messages the rules find nothing in."""
    monkeypatch.setattr(triage_classifier, "classifier", lambda *args, **kwargs: None)


class SlowRasa:
    """A Rasa whose parse waits until released, then reads the text as urgent danger."""

    def __init__(self):
        self.release = threading.Event()
        self.asked: list[str] = []

    def parse(self, text):
        self.asked.append(text)
        assert self.release.wait(10)
        return {"text": text, "intent": {"name": "urgent_danger", "confidence": 0.95}}

    def available(self):
        return True


def test_the_visitors_socket_goes_on_while_rasa_gives_its_opinion(
    app, visitor_factory, rasa, counsellor_factory, triage_unsure
):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    slow = SlowRasa()
    app.extensions["relay_rasa"] = slow
    started = time.monotonic()
    with app.app_context():
        frames = list(
            handle_visitor_frame(
                visitor.state, json.dumps({"type": "message", "text": "ik twijfel of ik iets moet zeggen", "id": "u1"})
            )
        )
    assert time.monotonic() - started < 5  # the echo did not wait for Rasa
    assert [f["type"] for f in frames] == ["message"] and frames[0]["id"] == "u1"
    slow.release.set()
    alerts = of_type(visitor.pump(), "alert")  # the opinion comes back through the inbox
    assert slow.asked == ["ik twijfel of ik iets moet zeggen"]
    # The model alone never sends a visitor to 112: it offers a counsellor at once.
    assert len(alerts) == 1 and alerts[0]["level"] == "high" and alerts[0]["category"] == "high"
    item = of_type(anna.pump(), "queue")[-1]["items"][0]
    assert item["risk"] == "high" and item["risk_reason"] == "model" and item["urgent"] is False


def test_danger_in_the_queue_alerts_at_once_by_the_rules(visitor_factory, rasa, counsellor_factory):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    frames = visitor.say("papa slaat mama nu heel hard en ik ben bang", client_id="s1")
    alert = of_type(frames, "alert")
    assert len(alert) == 1 and alert[0]["category"] == "acute" and "112" in alert[0]["phones"]
    to_anna = of_type(anna.pump(), "queue")[-1]["items"][0]
    assert to_anna["urgent"] is True and to_anna["risk"] == "acute" and to_anna["risk_reason"] == "violence"


def test_the_alert_is_said_once_and_only_a_more_serious_grade_alerts_again(app, visitor_factory, rasa):
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    first = of_type(visitor.say("hij heeft gisteren mijn keel dichtgeknepen", client_id="a"), "alert")
    assert [(a["level"], a["category"]) for a in first] == [("high", "high")]
    assert of_type(visitor.say("hij bedreigt me ook al weken", client_id="b"), "alert") == []  # high again: said
    again = of_type(visitor.say("HIJ SLAAT ME NU HELP", client_id="c"), "alert")
    assert [(a["level"], a["category"]) for a in again] == [("urgent", "acute")]
    assert of_type(visitor.say("hij slaat me nu weer", client_id="d"), "alert") == []
    suicide = of_type(visitor.say("ik wil niet meer leven", client_id="e"), "alert")
    assert [a["category"] for a in suicide] == ["suicide"] and "0800 0113" in suicide[0]["phones"]
    with get_db(app).transaction() as session:
        row = session.get(Conversation, conversation)
        assert (row.risk, row.risk_alerted, row.priority, row.urgent) == ("suicide", "high,acute,suicide", 2, True)
        assert "keel" not in (row.risk_reason or "")  # a kind of signal, never the words


def test_no_alert_for_the_past_a_denial_or_a_question(visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    for i, text in enumerate(
        ["vorig jaar sloeg hij me", "hij heeft me nooit geslagen", "wat moet ik doen als hij me slaat?", "zoetermeer"]
    ):
        assert of_type(visitor.say(text, client_id=str(i)), "alert") == [], text


def test_a_button_payload_is_not_graded(visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    rasa.answers["/about_self"] = bot_says("Fijn dat je het vertelt.")
    assert of_type(visitor.say("Over mezelf", client_id="b1", payload="/about_self"), "alert") == []


def test_a_returning_visitor_sees_the_alert_again(app, visitor_factory, rasa):
    visitor = visitor_factory()
    token = visitor.hello()[0]["token"]
    visitor.say("ik wil er een einde aan maken", client_id="s")
    again = visitor_factory().hello(token)
    alerts = of_type(again, "alert")
    assert len(alerts) == 1 and alerts[0]["category"] == "suicide"


def test_a_visitor_who_chose_english_gets_the_alert_in_english_also_for_a_short_message_and_on_return(
    visitor_factory, rasa
):
    """The intake found English (stored with the handoff): "help he is choking me" in the queue has no
    English function word it counts, but the alert and the acknowledgement speak English, and so does the alert that
    comes back after the tab was closed."""
    visitor = visitor_factory()
    token = visitor.hello()[0]["token"]
    english = handoff()
    english["intake"] = {**english["intake"], "language": "en"}
    rasa.answers["I want to talk to someone"] = bot_says("You are in the queue.", signals=[english])
    visitor.say("I want to talk to someone", client_id="q")
    frames = visitor.say("help he is choking me", client_id="k")
    alerts = of_type(frames, "alert")
    assert [(a["category"], a["text"]) for a in alerts] == [("acute", alert_text("acute", english=True))]
    again = of_type(visitor_factory().hello(token), "alert")
    assert len(again) == 1 and again[0]["text"] == alerts[0]["text"]


def test_a_backlog_is_bounded_and_a_failing_opinion_is_survived(app, caplog, triage_unsure):
    slow = SlowRasa()
    app.extensions["relay_rasa"] = slow
    opinions = ModelOpinions(app, workers=1, max_waiting=2)
    found = []
    none = Assessment()
    try:
        assert opinions.submit("een", none, found.append) and opinions.submit("twee", none, found.append)
        assert not opinions.submit("drie", none, found.append)  # beyond the bound: the rules only
        assert "behind" in caplog.text
        slow.release.set()
        assert opinions.drain()
        assert [a.category for a in found] == ["high", "high"]

        def broken(_text):
            raise ValueError("kapot")

        slow.parse = broken
        assert opinions.submit("vier", none, found.append) and opinions.drain()
        assert len(found) == 2
    finally:
        opinions.shutdown()


def test_the_app_has_model_opinions(app):
    assert get_model_opinions(app).drain(timeout=0.1)


def test_a_visitor_who_left_before_rasa_answered_is_still_flagged(
    app, visitor_factory, rasa, counsellor_factory, triage_unsure
):
    """Someone may send one line and close the tab at once (quick exit): the counsellors must
    still see the grade, though no socket is left to show the visitor anything."""
    visitor, _ = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    slow = SlowRasa()
    app.extensions["relay_rasa"] = slow
    with app.app_context():
        list(
            handle_visitor_frame(
                visitor.state, json.dumps({"type": "message", "text": "er is iets wat ik wil vertellen", "id": "weg"})
            )
        )
    visitor.close()  # the tab is gone before Rasa answers
    slow.release.set()
    with app.app_context():
        assert get_model_opinions().drain()
    assert of_type(anna.pump(), "queue")[-1]["items"][0]["risk"] == "high"


def test_rasa_cannot_raise_what_the_triage_classifier_is_sure_is_harmless(visitor_factory, rasa):
    visitor, _ = queued_visitor(visitor_factory, rasa)
    rasa.intents["ik twijfel of ik iets moet zeggen"] = {"name": "urgent_danger", "confidence": 0.99}
    frames = visitor.say("ik twijfel of ik iets moet zeggen", client_id="t1")
    assert of_type(frames + visitor.pump(), "alert") == []


def test_a_visitor_in_belgium_gets_belgiums_numbers_in_every_alert_and_the_counsellor_sees_it(
    visitor_factory, rasa, counsellor_factory
):
    """Veilig Thuis and 113 are Dutch lines: a visitor who said they live in Gent hears of 1712 (and of
    the Zelfmoordlijn 1813), with 112, in the alert and again on return; the counsellor reads "Woont
    in: België" in the intake."""
    visitor = visitor_factory()
    token = visitor.hello()[0]["token"]
    rasa.answers["ik woon in gent"] = bot_says("Woon je in België? Bel dan gratis 1712.")
    assert of_type(visitor.say("ik woon in gent", client_id="g"), "alert") == []
    acute = of_type(visitor.say("hij slaat me nu", client_id="a"), "alert")
    assert [(a["category"], a["phones"]) for a in acute] == [("acute", ["112", "1712"])]
    assert "1712" in acute[0]["text"] and "0800 2000" not in acute[0]["text"]
    suicide = of_type(visitor.say("ik wil niet meer leven", client_id="s"), "alert")
    assert [(a["category"], a["phones"]) for a in suicide] == [("suicide", ["1813", "112"])]
    assert of_type(visitor_factory().hello(token), "alert")[0]["phones"] == ["1813", "112"]
    anna = counsellor_factory()
    rasa.answers["ik wil iemand spreken"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor.say("ik wil iemand spreken", client_id="h")
    item = of_type(anna.pump(), "queue")[-1]["items"][0]
    assert item["intake"]["country"] == "be"


def test_the_alert_in_one_message_with_a_belgian_town_and_not_for_a_father_from_belgium(visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    alert = of_type(visitor.say("help hij slaat me nu, ik woon in antwerpen", client_id="a"), "alert")
    assert alert[0]["phones"] == ["112", "1712"]
    dutch = visitor_factory()
    dutch.hello()
    rasa.answers["mijn vader komt uit belgie maar we wonen in zwolle"] = bot_says("Dank je.")
    dutch.say("mijn vader komt uit belgie maar we wonen in zwolle", client_id="z")
    assert of_type(dutch.say("hij slaat me nu", client_id="b"), "alert")[0]["phones"] == ["112", "0800 2000"]
