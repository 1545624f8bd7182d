"""A console that reconnects gets its ended-but-unregistered chats back, as ``taken`` + ``ended``."""

from tests.support.clients import of_type
from tests.support.drivers import CounsellorDriver, bot_says, handoff


def taken_chat(app, visitor_factory, rasa, counsellor_factory):
    visitor = visitor_factory()
    session = visitor.hello()[0]
    rasa.answers["Ik wil een mens"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor.say("Ik wil een mens", client_id="h1")
    anna = counsellor_factory()
    anna.send({"type": "take"})
    return visitor, session["conversation"], anna


def register(client, conversation):
    assert client.post("/api/console/login", json={"username": "anna", "password": "wachtwoord-123"}).status_code == 200
    body = {"conversation": conversation, "kinds": ["partner_violence"], "role": "victim", "referrals": []}
    assert client.post("/api/console/registrations", json=body).status_code == 201


def test_a_chat_that_ended_while_the_console_was_away_arrives_as_ended(
    app, client, visitor_factory, rasa, counsellor_factory
):
    visitor, conversation, anna = taken_chat(app, visitor_factory, rasa, counsellor_factory)
    anna.send({"type": "message", "conversation": conversation, "text": "Hoi, ik ben Anna."})
    anna.state.close()  # the console is away (reload, network) ...
    visitor.send({"type": "end"})  # ... when the visitor ends the chat
    back = CounsellorDriver(app, anna_account(app))
    frames = back.received
    taken = [f for f in of_type(frames, "taken") if f["conversation"] == conversation]
    assert len(taken) == 1 and taken[0]["state"] == "ended"
    assert "Hoi, ik ben Anna." in [m["text"] for m in taken[0]["transcript"]]
    ended = of_type(frames, "ended")
    assert ended == [{"type": "ended", "conversation": conversation, "by": "visitor", "registration_due": True}]
    assert frames.index(ended[0]) > frames.index(taken[0])
    back.state.close()


def test_ended_chats_come_back_until_registered(app, client, visitor_factory, rasa, counsellor_factory):
    visitor, conversation, anna = taken_chat(app, visitor_factory, rasa, counsellor_factory)
    assert of_type(anna.send({"type": "end", "conversation": conversation}), "ended")
    anna.state.close()
    again = CounsellorDriver(app, anna_account(app))
    assert [f["conversation"] for f in of_type(again.received, "ended")] == [conversation]
    again.state.close()
    register(client, conversation)
    after = CounsellorDriver(app, anna_account(app))
    assert of_type(after.received, "taken") == [] and of_type(after.received, "ended") == []
    after.state.close()


def test_an_open_chat_comes_back_as_assigned(app, visitor_factory, rasa, counsellor_factory):
    visitor, conversation, anna = taken_chat(app, visitor_factory, rasa, counsellor_factory)
    anna.state.close()
    back = CounsellorDriver(app, anna_account(app))
    assert [f["conversation"] for f in of_type(back.received, "taken")] == [conversation]
    assert of_type(back.received, "ended") == []
    back.state.close()


def anna_account(app):
    from sqlalchemy import select

    from relay.db import get_db
    from relay.domain.models import Counsellor

    with get_db(app).transaction() as session:
        counsellor = session.scalars(select(Counsellor).where(Counsellor.username == "anna")).one()
        session.expunge(counsellor)
    return counsellor
