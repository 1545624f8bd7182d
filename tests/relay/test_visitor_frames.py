"""The visitor's frame handlers, called directly (no socket, a scripted Rasa)."""

from sqlalchemy import func, select

from relay.db import get_db
from relay.domain.models import Conversation, Message
from tests.support.clients import of_type
from tests.support.drivers import bot_says


def stored_messages(app, conversation_id):
    with get_db(app).transaction() as session:
        return list(
            session.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq))
        )


def test_hello_opens_a_conversation_and_the_bot_greets(visitor_factory, rasa):
    visitor = visitor_factory()
    frames = visitor.hello()
    session = frames[0]
    assert session["type"] == "session" and session["resumed"] is False and session["state"] == "bot"
    assert len(session["token"]) >= 22 and session["history"] == []
    assert frames[1] == {"type": "agent", "kind": "bot", "name": "Digitale assistent", "region": None}
    greeting = of_type(frames, "message")
    assert [m["from"] for m in greeting] == ["bot", "bot"]
    assert [m["seq"] for m in greeting] == [1, 2]
    assert greeting[1]["buttons"] == [{"title": "Over mezelf", "payload": "/about_self"}]
    assert rasa.sent[0][0] == session["conversation"] and rasa.sent[0][1] == "/greet"
    assert rasa.sent[0][2]["voordeur"]["any_open"] is True


def test_only_the_token_hash_is_stored(app, visitor_factory):
    token = visitor_factory().hello()[0]["token"]
    with get_db(app).transaction() as session:
        stored = session.scalars(select(Conversation)).one()
    assert stored.token_hash != token and token not in stored.token_hash


def test_visitor_message_is_echoed_with_seq_and_client_id_then_bot_answers(app, visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    frames = visitor.say("Ik maak me zorgen", client_id="c1")
    assert frames[0] == {
        "type": "message",
        "from": "visitor",
        "text": "Ik maak me zorgen",
        "seq": 3,
        "id": "c1",
        "buttons": [],
        "at": frames[0]["at"],
    }
    assert frames[1]["from"] == "bot" and frames[1]["seq"] == 4
    assert rasa.sent[-1][1] == "Ik maak me zorgen"


def test_button_title_is_stored_and_payload_goes_to_rasa(app, visitor_factory, rasa):
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    visitor.say("Over mezelf", client_id="b1", payload="/about_self")
    assert rasa.sent[-1][1] == "/about_self"
    assert stored_messages(app, conversation)[2].text == "Over mezelf"


def test_resent_client_id_is_not_stored_twice(app, visitor_factory, rasa):
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    first = visitor.say("hallo", client_id="same")[0]
    again = visitor.say("hallo", client_id="same")
    assert again == [first]
    with get_db(app).transaction() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.conversation_id == conversation, Message.client_id == "same")
        )
    assert count == 1
    assert [s[1] for s in rasa.sent].count("hallo") == 1


def test_invalid_frames_get_errors_and_the_socket_keeps_working(visitor_factory):
    visitor = visitor_factory()
    assert visitor.send("{not json")[0]["code"] == "invalid_json"
    assert visitor.send(b"\x00\x01")[0]["code"] == "invalid_frame"
    assert visitor.send({"type": "dance"})[0]["code"] == "unknown_type"
    assert visitor.send([1, 2])[0]["code"] == "invalid_frame"
    assert visitor.say("te vroeg")[0]["code"] == "invalid_frame"  # before hello
    visitor.hello()
    assert visitor.say("x" * 2001)[0]["code"] == "too_long"
    assert visitor.send({"type": "message", "text": 42})[0]["code"] == "invalid_frame"
    assert visitor.send({"type": "message", "text": "hoi", "id": {"x": 1}})[0]["code"] == "invalid_frame"
    for frame in visitor.received:
        if frame["type"] == "error":
            assert frame["message"]  # always a Dutch explanation
    assert visitor.say("nu wel", client_id="ok")[0]["from"] == "visitor"


def test_returning_with_the_token_gives_the_same_conversation_and_full_history(visitor_factory):
    first = visitor_factory()
    session = first.hello()[0]
    first.say("eerste bericht", client_id="m1")
    first.close()
    again = visitor_factory()
    frames = again.hello(session["token"])
    resumed = frames[0]
    assert resumed["resumed"] is True and resumed["conversation"] == session["conversation"]
    assert [m["text"] for m in resumed["history"]][2] == "eerste bericht"
    assert [m["seq"] for m in resumed["history"]] == [1, 2, 3, 4]
    assert not of_type(frames[1:], "message")  # no second greeting


def test_the_history_on_return_is_what_was_shown_live_buttons_included(visitor_factory):
    first = visitor_factory()
    hello = first.hello()
    shown = of_type(hello, "message") + of_type(first.say("eerste bericht", client_id="m1"), "message")
    first.close()
    history = visitor_factory().hello(hello[0]["token"])[0]["history"]

    def without_time(frames):
        return [{key: value for key, value in frame.items() if key != "at"} for frame in frames]

    assert without_time(history) == without_time(shown)
    assert [m["seq"] for m in history] == list(range(1, len(shown) + 1))
    assert any(m["buttons"] for m in history)  # the greeting's buttons, read back from the database


def test_unknown_token_gets_session_not_found_and_a_fresh_session(visitor_factory):
    frames = visitor_factory().hello("no-such-token")
    assert frames[0]["code"] == "session_not_found"
    assert frames[1]["type"] == "session" and frames[1]["resumed"] is False


def test_rasa_down_tells_the_visitor_in_dutch_with_phone_numbers(visitor_factory, rasa):
    rasa.down = True
    frames = visitor_factory().hello()
    system = of_type(frames, "message")[0]
    assert system["from"] == "system" and "0800 2000" in system["text"] and "112" in system["text"]


def test_urgent_phrase_with_the_bot_raises_one_alert(app, visitor_factory, rasa):
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    rasa.answers["Hij heeft een mes"] = bot_says(
        "Bel 112.", signals=[{"type": "risk", "category": "acute", "reason": "weapon"}]
    )
    frames = visitor.say("Hij heeft een mes", client_id="u1")
    alerts = of_type(frames, "alert")
    assert len(alerts) == 1 and alerts[0]["phones"][0] == "112" and alerts[0]["level"] == "urgent"
    with get_db(app).transaction() as session:
        assert session.get(Conversation, conversation).urgent is True


def test_visitor_can_end_and_then_cannot_write(visitor_factory):
    visitor = visitor_factory()
    visitor.hello()
    frames = visitor.send({"type": "end"})
    assert frames[-1] == {"type": "ended", "by": "visitor"}
    assert visitor.say("nog iets")[0]["code"] == "conversation_ended"


def test_a_payload_the_bot_did_not_offer_is_sent_as_text(visitor_factory, rasa):
    visitor = visitor_factory()
    visitor.hello()
    visitor.say("Verzonnen", client_id="f1", payload='/inform{"region":"utrecht"}')
    assert rasa.sent[-1][1] == "Verzonnen"
