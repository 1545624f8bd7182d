"""Supervisors on one relay: who may see the overview and watch, whispers that never reach the
visitor (no frame, no history, no transcript) and go with the retention purge, and the alert for an
urgent chat that waits too long."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from relay.db import get_db
from relay.domain.models import Conversation, Message, Whisper, utcnow
from relay.ops.presence import keep_presence
from relay.ops.retention import purge_relay
from tests.support.clients import of_type
from tests.support.drivers import CounsellorDriver, bot_says, handoff
from tests.support.figures import login

SECRET = "Let op: zij noemde een mes"


def queued_visitor(visitor_factory, rasa):
    visitor = visitor_factory()
    session = visitor.hello()[0]
    rasa.answers["Ik wil een mens"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor.say("Ik wil een mens")
    return visitor, session


def test_overview_is_for_supervisors_only(app, client, make_counsellor, visitor_factory, rasa):
    assert client.get("/api/console/overview").status_code == 401
    make_counsellor("anna", regions="utrecht", name="Anna")
    assert login(client, "anna").status_code == 200
    refused = client.get("/api/console/overview")
    assert refused.status_code == 403 and refused.get_json()["error"] == "not_supervisor"

    queued_visitor(visitor_factory, rasa)
    make_counsellor("sofie", regions="utrecht,amsterdam-amstelland", name="Sofie", supervisor=True)
    assert login(client, "sofie").status_code == 200
    regions = {r["id"]: r for r in client.get("/api/console/overview").get_json()["regions"]}
    assert set(regions) == {"utrecht", "amsterdam-amstelland"}
    assert regions["utrecht"]["queued"] == 1 and regions["amsterdam-amstelland"]["queued"] == 0
    assert set(regions["utrecht"]) == {"id", "counsellors_online", "queued", "assigned", "longest_wait_s", "estimate_s"}


def test_a_counsellor_who_is_not_a_supervisor_cannot_watch_or_whisper(visitor_factory, rasa, counsellor_factory):
    _visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    conversation = session["conversation"]
    for frame in (
        {"type": "watch", "conversation": conversation},
        {"type": "whisper", "conversation": conversation, "text": "x"},
    ):
        answer = anna.send(frame)
        assert [(f["type"], f["code"]) for f in answer] == [("error", "not_supervisor")]
    assert "overview" not in [f["type"] for f in anna.received]


def test_a_supervisor_watches_only_their_own_regions(app, visitor_factory, rasa, make_counsellor):
    _visitor, session = queued_visitor(visitor_factory, rasa)  # a chat in Utrecht
    elsewhere = CounsellorDriver(
        app, make_counsellor("bram", regions="amsterdam-amstelland", name="Bram", supervisor=True)
    )
    answer = elsewhere.send({"type": "watch", "conversation": session["conversation"]})
    assert [(f["type"], f["code"]) for f in answer] == [("error", "not_found")]
    assert (
        elsewhere.send({"type": "whisper", "conversation": session["conversation"], "text": SECRET})[0]["code"]
        == "not_found"
    )


def test_a_whisper_never_reaches_the_visitor_and_is_purged_with_the_chat(
    app, visitor_factory, rasa, counsellor_factory, make_counsellor
):
    visitor, session = queued_visitor(visitor_factory, rasa)
    conversation = session["conversation"]
    anna = counsellor_factory()
    sofie = CounsellorDriver(app, make_counsellor("sofie", regions="utrecht", name="Sofie", supervisor=True))
    assert sofie.send({"type": "whisper", "conversation": conversation, "text": SECRET})[0]["code"] == "not_assigned"
    anna.send({"type": "take"})
    sofie.send({"type": "watch", "conversation": conversation})
    sofie.send({"type": "whisper", "conversation": conversation, "text": SECRET})
    assert of_type(anna.pump(), "whisper")[0]["text"] == SECRET
    watching = sofie.send({"type": "watch", "conversation": conversation})[0]  # her console reloaded
    assert SECRET not in json.dumps(watching["transcript"])
    assert [(w["from"], w["text"]) for w in watching["whispers"]] == [("Sofie", SECRET)]

    visitor.say("Ben je er nog?")  # live frames on the conversation's channel
    anna.send({"type": "message", "conversation": conversation, "text": "Ja, ik ben er."})
    visitor.pump()
    assert SECRET not in json.dumps(visitor.received)
    returned = visitor_factory()
    history = returned.hello(session["token"])
    assert SECRET not in json.dumps(history)  # nor the history of a returning visitor
    with get_db(app).transaction() as db:
        assert db.scalar(select(func.count()).select_from(Message).where(Message.text == SECRET)) == 0
    assert SECRET not in json.dumps([rasa.sent, rasa.parsed])  # nor the assistant, nor its urgency check

    again = counsellor_factory()  # a reloaded console: the whisper apart from the transcript
    taken = of_type(again.received, "taken")[0]
    assert SECRET not in json.dumps(taken["transcript"])
    assert [w["text"] for w in taken["whispers"]] == [SECRET]

    with get_db(app).transaction() as db:
        old = utcnow() - timedelta(days=60)
        db.execute(update(Conversation).where(Conversation.id == conversation).values(created_at=old, ended_at=old))
        db.execute(update(Message).where(Message.conversation_id == conversation).values(created_at=old))
    with get_db(app).transaction() as db:
        assert conversation in purge_relay(db, 30).conversations
    with get_db(app).transaction() as db:
        assert db.scalar(select(func.count()).select_from(Whisper)) == 0


def test_an_urgent_chat_that_waits_too_long_alerts_the_supervisors_once(app, visitor_factory, rasa, make_counsellor):
    queued_visitor(visitor_factory, rasa)  # an ordinary chat that waits as long: no alert
    _visitor, session = queued_visitor(visitor_factory, rasa)
    conversation = session["conversation"]
    sofie = CounsellorDriver(app, make_counsellor("sofie", regions="utrecht", name="Sofie", supervisor=True))
    bram = CounsellorDriver(app, make_counsellor("bram", regions="twente", name="Bram", supervisor=True))
    with get_db(app).transaction() as db:
        db.execute(
            update(Conversation).where(Conversation.id == conversation).values(priority=2, urgent=True, risk="acute")
        )
    assert keep_presence(app).wait_alerts == []  # not yet waited long enough
    later = utcnow() + timedelta(seconds=app.config["RELAY_SUPERVISOR_ALERT_S"] + 5)
    assert keep_presence(app, later).wait_alerts == [conversation]
    assert keep_presence(app, later).wait_alerts == []  # once
    alerts = of_type(sofie.pump(), "wait_alert")
    assert [(a["conversation"], a["level"]) for a in alerts] == [(conversation, "urgent")]
    assert alerts[0]["waiting_s"] >= app.config["RELAY_SUPERVISOR_ALERT_S"]
    assert of_type(bram.pump(), "wait_alert") == []  # not his region


def test_only_the_counsellor_who_has_the_chat_can_flag_it(visitor_factory, rasa, counsellor_factory):
    _visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    assert anna.send({"type": "flag", "conversation": session["conversation"]})[0]["code"] == "not_yours"
    anna.send({"type": "take"})
    assert anna.send({"type": "flag", "conversation": session["conversation"]}) == [
        {"type": "flagged", "conversation": session["conversation"]}
    ]
