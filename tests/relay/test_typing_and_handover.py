"""Typing indicators both ways (never with content, never stored, never at the cost of the visitor's
message budget), what a visitor wrote while waiting, and handing a chat over before logging out."""

from __future__ import annotations

from sqlalchemy import func, select

from relay.db import get_db
from relay.domain import texts
from relay.domain.models import Conversation, Message
from relay.domain.states import QUEUED
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff


def assigned_chat(visitor_factory, rasa, counsellor_factory):
    visitor = visitor_factory()
    session = visitor.hello()[0]
    rasa.answers["Ik wil een mens"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor.say("Ik wil een mens")
    anna = counsellor_factory()
    anna.send({"type": "take"})
    visitor.pump()
    return visitor, anna, session["conversation"]


def message_count(app, conversation_id):
    with get_db(app).transaction() as session:
        return session.scalar(
            select(func.count()).select_from(Message).where(Message.conversation_id == conversation_id)
        )


def test_typing_reaches_the_other_side_without_content_and_is_not_stored(
    app, visitor_factory, rasa, counsellor_factory
):
    visitor, anna, conversation = assigned_chat(visitor_factory, rasa, counsellor_factory)
    before = message_count(app, conversation)
    assert visitor.send({"type": "typing", "text": "wat ik nog niet verstuurd heb"}) == []
    assert of_type(anna.pump(), "typing") == [{"type": "typing", "conversation": conversation}]
    assert anna.send({"type": "typing", "conversation": conversation}) == []
    assert of_type(visitor.pump(), "typing") == [{"type": "typing", "from": "counsellor"}]
    assert message_count(app, conversation) == before
    assert "wat ik nog niet" not in repr(anna.received)


def test_typing_is_thinned_out_and_never_costs_the_message_budget(app, visitor_factory, rasa, counsellor_factory):
    app.config.update(RELAY_RATE_BURST=3, RELAY_RATE_PER_SECOND=0.0)
    visitor, anna, conversation = assigned_chat(visitor_factory, rasa, counsellor_factory)
    for _ in range(20):
        assert visitor.send({"type": "typing"}) == []  # no error, ever
    assert len(of_type(anna.pump(), "typing")) == 1  # one per two seconds reaches the counsellor
    echoes = [visitor.say(f"bericht {n}") for n in range(2)]  # "Ik wil een mens" took one of three
    assert [of_type(e, "message")[0]["text"] for e in echoes] == ["bericht 0", "bericht 1"]


def test_typing_in_a_chat_that_is_not_yours_goes_nowhere(app, visitor_factory, rasa, counsellor_factory):
    visitor, _anna, conversation = assigned_chat(visitor_factory, rasa, counsellor_factory)
    bob = counsellor_factory(username="bob", name="Bob")
    assert bob.send({"type": "typing", "conversation": conversation}) == []
    assert of_type(visitor.pump(), "typing") == []


def test_what_a_visitor_writes_while_waiting_is_in_the_transcript_on_taking(
    app, visitor_factory, rasa, counsellor_factory
):
    visitor = visitor_factory()
    visitor.hello()
    rasa.answers["Ik wil een mens"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor.say("Ik wil een mens")
    visitor.say("Mijn vriend schreeuwt al de hele avond tegen me.")
    anna = counsellor_factory()
    anna.send({"type": "take"})
    taken = of_type(anna.received, "taken")[-1]
    visitor_lines = [m["text"] for m in taken["transcript"] if m["from"] == "visitor"]
    assert visitor_lines[-1] == "Mijn vriend schreeuwt al de hele avond tegen me."


def test_handing_over_puts_the_chat_at_the_front_and_tells_the_visitor(app, visitor_factory, rasa, counsellor_factory):
    visitor, anna, conversation = assigned_chat(visitor_factory, rasa, counsellor_factory)
    with get_db(app).transaction() as session:
        queued_at = session.get(Conversation, conversation).queued_at
    assert anna.send({"type": "release", "conversation": conversation}) == [
        {"type": "released", "conversation": conversation}
    ]
    heard = visitor.pump()
    assert texts.HANDED_OVER in [f["text"] for f in of_type(heard, "message")]
    assert of_type(heard, "agent")[-1]["kind"] == "bot"
    assert of_type(heard, "queue")[-1]["position"] == 1
    with get_db(app).transaction() as session:
        stored = session.get(Conversation, conversation)
        assert stored.state is QUEUED and stored.queued_at == queued_at and stored.counsellor_id is None
    # it is no longer hers: a second release is refused
    assert anna.send({"type": "release", "conversation": conversation})[0]["code"] == "not_yours"
