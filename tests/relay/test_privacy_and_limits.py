"""Personal-data reminders, the per-socket rate limit, and the alert that returns after a reload."""

from sqlalchemy import select

from relay.db import get_db
from relay.domain.models import Message
from relay.sockets.ratelimit import TokenBucket
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff


def stored(app, conversation_id):
    with get_db(app).transaction() as session:
        return list(
            session.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq))
        )


def reminders(frames):
    return [f for f in of_type(frames, "message") if f["from"] == "system" and "persoonlijke gegevens" in f["text"]]


def test_a_phone_number_gets_one_gentle_reminder(app, visitor_factory):
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    frames = visitor.say("Je kunt me bellen op 06-12345678", client_id="a")
    (reminder,) = reminders(frames)
    assert frames.index(reminder) == 1  # right after the echo of the visitor's message
    assert "je telefoonnummer" in reminder["text"] and reminder["seq"] == frames[0]["seq"] + 1
    # Stored, so it is in the history and the counsellor sees it; not repeated for the same kind.
    assert reminder["text"] in [m.text for m in stored(app, conversation)]
    assert reminders(visitor.say("Of op 0612345678", client_id="b")) == []
    # A new kind of detail gets its own reminder.
    (second,) = reminders(visitor.say("mail naar sam@example.nl", client_id="c"))
    assert "je e-mailadres" in second["text"] and "telefoonnummer" not in second["text"]
    assert reminders(visitor.say("Ik maak me zorgen om mijn zus", client_id="d")) == []


def test_the_reminder_comes_in_every_state(visitor_factory, counsellor_factory, rasa):
    rasa.answers["Ik wil met een mens praten"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor = visitor_factory()
    visitor.hello()
    visitor.say("Ik wil met een mens praten", client_id="x")
    assert "je adres" in reminders(visitor.say("Ik woon op 3511 AB 12", client_id="y"))[0]["text"]  # queued
    anna = counsellor_factory()
    assert of_type(anna.send({"type": "take"}), "taken")
    frames = visitor.say("Mijn BSN is 111222333", client_id="z")
    assert reminders(frames) and "je BSN" in reminders(frames)[0]["text"]
    assert any("persoonlijke gegevens" in f.get("text", "") for f in anna.pump())


def test_a_flood_of_messages_is_rate_limited_and_nothing_of_it_stored(app, visitor_factory):
    app.config.update(RELAY_RATE_BURST=3, RELAY_RATE_PER_SECOND=0.001)
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    before = len(stored(app, conversation))
    echoes = [visitor.say(f"bericht {n}", client_id=f"m{n}")[0] for n in range(3)]
    assert [e["from"] for e in echoes] == ["visitor"] * 3
    limited = visitor.say("nog een", client_id="m3")
    assert limited == [{"type": "error", "code": "rate_limited", "message": limited[0]["message"]}]
    assert "Wacht even" in limited[0]["message"]
    texts = [m.text for m in stored(app, conversation)]
    assert "nog een" not in texts and len([t for t in texts if t.startswith("bericht")]) == 3
    assert len(texts) - before == 6  # three messages and the bot's three answers


def test_the_token_bucket_refills():
    now = [0.0]
    bucket = TokenBucket(2, 1.0, clock=lambda: now[0])
    assert [bucket.allow() for _ in range(3)] == [True, True, False]
    now[0] += 1.0
    assert bucket.allow() is True and bucket.allow() is False
    now[0] += 100
    assert [bucket.allow() for _ in range(3)] == [True, True, False]  # never more than the burst


def test_the_token_bucket_counts_when_messages_arrived_not_when_they_are_handled():
    now = [100.0]  # the relay handles everything late, at once
    bucket = TokenBucket(2, 1.0, clock=lambda: now[0])
    assert [bucket.allow(arrived) for arrived in (0.0, 1.0, 2.0, 3.0, 4.0)] == [True] * 5
    assert [bucket.allow(arrived) for arrived in (4.1, 4.2, 4.3)] == [True, False, False]


def test_a_relay_that_fell_behind_does_not_rate_limit_a_calm_visitor(app, visitor_factory):
    app.config.update(RELAY_RATE_BURST=2, RELAY_RATE_PER_SECOND=1.0)
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    for n in range(5):  # one message a second, all handled now
        visitor.state.inbox.arrived = 1000.0 + n
        assert visitor.say(f"rustig {n}", client_id=f"c{n}")[0]["from"] == "visitor"
    assert len([m for m in stored(app, conversation) if m.text.startswith("rustig")]) == 5


def test_a_resumed_urgent_conversation_gets_its_alert_again(visitor_factory):
    visitor = visitor_factory()
    token = visitor.hello()[0]["token"]
    assert of_type(visitor.say("Ik wil dood", client_id="u"), "alert")
    frames = visitor_factory().hello(token)
    assert [f["type"] for f in frames[:3]] == ["session", "agent", "alert"]
    assert frames[2]["phones"] == ["113", "0800 0113", "112"]
    calm = visitor_factory()
    calm_token = calm.hello()[0]["token"]
    calm.say("Hallo", client_id="h")
    assert of_type(visitor_factory().hello(calm_token), "alert") == []
