"""The counsellor's frame handlers: connect, take, talk, end, reconnect; visitors see the other side."""

from datetime import datetime

from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff


def queued_visitor(visitor_factory, rasa, nickname="Sam", region="utrecht"):
    visitor = visitor_factory()
    session = visitor.hello()[0]
    rasa.answers["Ik wil een mens"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff(region, nickname)])
    visitor.say("Ik wil een mens", client_id="h1")
    return visitor, session


def test_connect_sends_hello_and_queue(visitor_factory, rasa, counsellor_factory):
    queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    hello, queue_frame = anna.received[:2]
    assert hello == {
        "type": "hello",
        "username": "anna",
        "name": "Anna",
        "regions": ["utrecht"],
        "max_chats": 3,
        "supervisor": False,
    }
    item = queue_frame["items"][0]
    assert item["nickname"] == "Sam" and item["region"] == "utrecht" and item["waiting_s"] >= 0


def test_queue_updates_reach_connected_counsellors(visitor_factory, rasa, counsellor_factory):
    anna = counsellor_factory()
    assert of_type(anna.received, "queue")[-1]["items"] == []
    queued_visitor(visitor_factory, rasa)
    assert len(of_type(anna.pump(), "queue")[-1]["items"]) == 1


def test_take_talk_and_end(visitor_factory, rasa, counsellor_factory):
    visitor, session = queued_visitor(visitor_factory, rasa)
    conversation = session["conversation"]
    anna = counsellor_factory()
    taken = anna.send({"type": "take", "conversation": conversation})[0]
    assert taken["type"] == "taken" and taken["nickname"] == "Sam" and taken["intake"]["about"] == "self"
    texts = [m["text"] for m in taken["transcript"]]
    assert "Ik wil een mens" in texts and all(m["conversation"] == conversation for m in taken["transcript"])
    seen = visitor.pump()
    assert {"type": "agent", "kind": "counsellor", "name": "Anna", "region": "utrecht"} in seen
    assert "Anna" in of_type(seen, "message")[-1]["text"]

    sent = anna.send({"type": "message", "conversation": conversation, "text": "Hoi Sam, ik ben Anna."})
    assert sent[0]["from"] == "counsellor" and sent[0]["conversation"] == conversation
    heard = of_type(visitor.pump(), "message")
    assert heard[-1]["from"] == "counsellor" and heard[-1]["text"] == "Hoi Sam, ik ben Anna."
    assert "conversation" not in heard[-1]

    reply = visitor.say("Dank je", client_id="r1")
    assert reply[0]["seq"] == heard[-1]["seq"] + 1
    to_anna = of_type(anna.pump(), "message")
    assert to_anna[-1] == {**reply[0], "conversation": conversation}
    assert rasa.sent[-1][1] != "Dank je"  # a human has the chat: Rasa only parses

    ended = anna.send({"type": "end", "conversation": conversation})
    assert ended[-1]["type"] == "ended" and ended[-1]["by"] == "counsellor"
    assert {"type": "ended", "by": "counsellor"} in visitor.pump()


def test_a_counsellor_message_sent_again_after_a_reconnect_is_stored_once(visitor_factory, rasa, counsellor_factory):
    visitor, session = queued_visitor(visitor_factory, rasa)
    conversation = session["conversation"]
    anna = counsellor_factory()
    anna.send({"type": "take", "conversation": conversation})
    visitor.pump()
    frame = {"type": "message", "conversation": conversation, "text": "Ik ben er nog.", "id": "console-1"}
    first = of_type(anna.send(frame), "message")[0]
    assert first["id"] == "console-1" and first["from"] == "counsellor"  # the receipt the console waits for
    again = of_type(counsellor_factory().send(frame), "message")  # the same console, reconnected
    assert again == [first]  # the stored echo again, nothing stored twice
    heard = [m["text"] for m in of_type(visitor.pump(), "message")]
    assert heard.count("Ik ben er nog.") == 1
    other = {**frame, "id": "console-2"}
    assert of_type(anna.send(other), "message")[0]["seq"] == first["seq"] + 1


def test_a_second_taker_gets_already_taken_and_others_cannot_act(visitor_factory, rasa, counsellor_factory):
    _, session = queued_visitor(visitor_factory, rasa)
    anna, bram = counsellor_factory(), counsellor_factory(username="bram", name="Bram")
    anna.send({"type": "take", "conversation": session["conversation"]})
    assert bram.send({"type": "take", "conversation": session["conversation"]})[0]["code"] == "already_taken"
    for frame in (
        {"type": "message", "conversation": session["conversation"], "text": "hoi"},
        {"type": "end", "conversation": session["conversation"]},
    ):
        assert bram.send(frame)[0]["code"] == "not_yours"
    assert bram.send({"type": "end", "conversation": "bestaat-niet"})[0]["code"] == "not_found"


def test_other_regions_conversation_is_not_found(visitor_factory, rasa, counsellor_factory):
    _, session = queued_visitor(visitor_factory, rasa, region="zeeland")
    anna = counsellor_factory(regions="utrecht")
    assert anna.send({"type": "take", "conversation": session["conversation"]})[0]["code"] == "not_found"


def test_visitor_ending_tells_the_counsellor(visitor_factory, rasa, counsellor_factory):
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    visitor.send({"type": "end"})
    ended = of_type(anna.pump(), "ended")
    assert ended == [
        {"type": "ended", "conversation": session["conversation"], "by": "visitor", "registration_due": True}
    ]


def test_reconnecting_counsellor_gets_open_conversations_back(app, visitor_factory, rasa, counsellor_factory):
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    anna.state.close()
    visitor.say("Ben je er nog?", client_id="away")  # written while the counsellor was away
    again = counsellor_factory()
    taken = of_type(again.received, "taken")
    assert len(taken) == 1 and taken[0]["conversation"] == session["conversation"]
    assert taken[0]["transcript"][-1]["text"] == "Ben je er nog?"


def test_visitor_returning_to_an_assigned_chat_sees_what_was_said_meanwhile(visitor_factory, rasa, counsellor_factory):
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    visitor.close()
    anna.send({"type": "message", "conversation": session["conversation"], "text": "Ik wacht op je."})
    back = visitor_factory()
    frames = back.hello(session["token"])
    assert frames[0]["state"] == "assigned" and frames[0]["history"][-1]["text"] == "Ik wacht op je."
    assert frames[1] == {"type": "agent", "kind": "counsellor", "name": "Anna", "region": "utrecht"}


def test_invalid_counsellor_frames(counsellor_factory):
    anna = counsellor_factory()
    assert anna.send({"type": "message", "text": "zonder gesprek"})[0]["code"] == "invalid_frame"
    assert anna.send({"type": "fly"})[0]["code"] == "unknown_type"


def test_counsellor_hears_when_the_visitor_comes_back(visitor_factory, rasa, counsellor_factory):
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    visitor.close()
    visitor_factory().hello(session["token"])
    heard = [f for f in anna.pump() if f["type"] == "presence"]
    assert [(f["conversation"], f["visitor"]) for f in heard] == [
        (session["conversation"], "offline"),
        (session["conversation"], "online"),
    ]
    assert datetime.fromisoformat(heard[0]["since"]) <= datetime.fromisoformat(heard[1]["since"])


def test_messages_crossing_each_other_are_shown_on_both_sides(visitor_factory, rasa, counsellor_factory):
    """Both write at the same moment: each socket shows its own message before the other's
    earlier one reaches it through the broker; neither may be dropped."""
    visitor, session = queued_visitor(visitor_factory, rasa)
    anna = counsellor_factory()
    anna.send({"type": "take"})
    visitor.pump()
    anna.send({"type": "message", "conversation": session["conversation"], "text": "Van Anna"})  # seq N
    from_visitor = visitor.send({"type": "message", "text": "Van de bezoeker", "id": "x1"})  # seq N+1
    assert [f["text"] for f in of_type(from_visitor, "message")] == ["Van de bezoeker", "Van Anna"]
    anna.send(
        {"type": "message", "conversation": session["conversation"], "text": "Nog een"}
    )  # N+2, before N+1 arrives
    texts = [f["text"] for f in of_type(anna.pump(), "message")]
    assert "Van de bezoeker" in texts


def test_shown_seqs_show_each_message_once_in_any_order():
    from relay.domain.message_store import ShownSeqs

    shown = ShownSeqs(floor=3)
    assert [shown.first_time(seq) for seq in (2, 5, 4, 5, 6, 4, 7)] == [False, True, True, False, True, False, True]
    assert shown.floor == 7 and not shown.above


def test_the_taken_chat_says_how_long_the_visitor_waited(app, visitor_factory, rasa, counsellor_factory):
    from tests.support.figures import waited

    _visitor, session = queued_visitor(visitor_factory, rasa)
    waited(app, session["conversation"], 190)
    taken = counsellor_factory().send({"type": "take", "conversation": session["conversation"]})[0]
    assert 190 <= taken["waited_s"] < 200
