"""The relay killed with SIGKILL in the middle of conversations, then started again.

No stored message is lost, and every visitor and counsellor returns to where they were: the same
state, the same history, the same place in the queue, the same open chats.
"""

from __future__ import annotations

import uuid

import pytest

from tests.support.clients import Counsellor, Visitor, follow_bot_to_queue

pytestmark = pytest.mark.rasa
PASSWORD = "geheim-wachtwoord-1"


def receipts(frames):
    """seq -> (from, text) of every stored message a client has seen."""
    return {f["seq"]: (f["from"], f["text"]) for f in frames if f["type"] == "message" and "seq" in f}


def test_sigkill_mid_conversation_loses_nothing(relay_server):
    relay_server.add_counsellor("anna", PASSWORD, "Anna", ["utrecht"])
    anna = Counsellor(relay_server, "anna", PASSWORD)
    anna.until(lambda f: f["type"] == "queue")

    # Three visitors reach the queue of Utrecht; a fourth is still talking to the assistant.
    visitors, sessions = [], []
    for nickname in ("Sam", "Kim", "Noor"):
        visitor = Visitor(relay_server)
        sessions.append(visitor.hello())
        follow_bot_to_queue(visitor, nickname=nickname, town="Utrecht")
        visitors.append(visitor)
    chatting_with_bot = Visitor(relay_server)
    bot_session = chatting_with_bot.hello()
    chatting_with_bot.until(lambda f: f["type"] == "message" and f["from"] == "bot")

    # Anna takes Sam; Kim is now first in line, Noor second.
    sam, kim, noor = visitors
    anna.send({"type": "take", "conversation": sessions[0]["conversation"]})
    anna.until(lambda f: f["type"] == "taken")
    sam.until(lambda f: f["type"] == "agent" and f["kind"] == "counsellor")
    anna.send({"type": "message", "conversation": sessions[0]["conversation"], "text": "Hoi Sam, ik ben Anna."})
    sam.until(lambda f: f["type"] == "message" and f["from"] == "counsellor")
    sam.say("Ik ben blij dat je er bent.")
    kim.until(lambda f: f["type"] == "queue" and f["position"] == 1)
    noor.until(lambda f: f["type"] == "queue" and f["position"] == 2)

    # A message on its way when the relay dies: no receipt yet.
    in_flight_id = uuid.uuid4().hex
    sam.send({"type": "message", "text": "Was dat net de deur?", "id": in_flight_id})
    relay_server.kill()
    for client in (*visitors, chatting_with_bot, anna):
        client.close()  # their sockets died with the relay
    seen = {s["conversation"]: receipts(v.frames) for s, v in zip(sessions, visitors, strict=False)}
    seen[bot_session["conversation"]] = receipts(chatting_with_bot.frames)

    relay_server.start()

    # Sam: with Anna, everything stored is back, and re-sending the in-flight message stores it once.
    sam_back = Visitor(relay_server)
    session = sam_back.hello(sessions[0]["token"])
    assert session["resumed"] is True and session["state"] == "assigned"
    history = receipts(session["history"])
    assert seen[sessions[0]["conversation"]].items() <= history.items()
    assert sam_back.until(lambda f: f["type"] == "agent")[-1]["kind"] == "counsellor"
    sam_back.send({"type": "message", "text": "Was dat net de deur?", "id": in_flight_id})
    sam_back.until(lambda f: f["type"] == "message" and f.get("id") == in_flight_id)
    second_tab = Visitor(relay_server)
    again = second_tab.hello(sessions[0]["token"])
    second_tab.close()
    assert [m.get("id") for m in again["history"]].count(in_flight_id) == 1
    assert [m["seq"] for m in again["history"]] == list(range(1, len(again["history"]) + 1))

    # Kim and Noor: still queued, in the same places.
    for place, visitor_session in ((1, sessions[1]), (2, sessions[2])):
        back = Visitor(relay_server)
        resumed = back.hello(visitor_session["token"])
        assert resumed["state"] == "queued"
        assert seen[visitor_session["conversation"]].items() <= receipts(resumed["history"]).items()
        assert back.until(lambda f: f["type"] == "queue")[-1] == {
            "type": "queue",
            "position": place,
            "region": "utrecht",
            "estimate_s": None,  # nobody online: no number it cannot stand behind
        }
        back.close()

    # The visitor who was with the assistant is still with it, history intact.
    bot_back = Visitor(relay_server)
    resumed = bot_back.hello(bot_session["token"])
    assert resumed["state"] == "bot"
    assert seen[bot_session["conversation"]].items() <= receipts(resumed["history"]).items()

    # Anna: the same queue (Kim first, then Noor) and Sam's chat with its whole transcript.
    anna_back = Counsellor(relay_server, "anna", PASSWORD)
    frames = anna_back.until(lambda f: f["type"] == "taken")
    queue = [f for f in frames if f["type"] == "queue"][-1]
    assert [i["conversation"] for i in queue["items"]] == [sessions[1]["conversation"], sessions[2]["conversation"]]
    taken = frames[-1]
    assert taken["conversation"] == sessions[0]["conversation"]
    assert receipts(again["history"]).items() <= receipts(taken["transcript"]).items()

    # And the conversation simply goes on.
    anna_back.send({"type": "message", "conversation": sessions[0]["conversation"], "text": "Ik ben er nog."})
    assert (
        sam_back.until(lambda f: f["type"] == "message" and f["from"] == "counsellor")[-1]["text"] == "Ik ben er nog."
    )
    for client in (sam_back, bot_back, anna_back):
        client.close()
