"""Supervisors across two relays: the visitor on relay A, the counsellor on relay B, the supervisor
on relay A; watching, whispering, a flag and the live overview travel through Redis."""

from __future__ import annotations

import json
import time

import pytest

from tests.support.clients import of_type
from tests.support.drivers import CounsellorDriver, VisitorDriver
from tests.support.relays import two_relays, until


@pytest.fixture
def relays(app, database_url):
    yield from two_relays(database_url)


def test_watch_whisper_flag_and_overview_cross_relays(relays, make_counsellor):
    relay_a, relay_b = relays
    sofie = CounsellorDriver(relay_a, make_counsellor("sofie", regions="utrecht", name="Sofie", supervisor=True))
    first = of_type(sofie.received, "overview")[-1]["regions"]
    assert first[0]["id"] == "utrecht" and first[0]["queued"] == 0

    visitor = VisitorDriver(relay_a)
    conversation = visitor.hello()[0]["conversation"]
    visitor.say("Ik wil een mens")
    heard = until(sofie, lambda f: f["type"] == "overview" and f["regions"][0]["queued"] == 1)
    assert of_type(heard, "overview")[-1]["regions"][0]["longest_wait_s"] >= 0

    anna = CounsellorDriver(relay_b, make_counsellor("anna", regions="utrecht", name="Anna"))
    until(sofie, lambda f: f["type"] == "overview" and f["regions"][0]["counsellors_online"] == 2)
    anna.send({"type": "take"})
    heard = until(sofie, lambda f: f["type"] == "overview" and f["regions"][0]["assigned"] == 1)
    assert of_type(heard, "overview")[-1]["chats"] == [
        {
            "conversation": conversation,
            "region": "utrecht",
            "nickname": "Sam",
            "counsellor": "Anna",
            "urgent": False,
            "risk": None,
        }
    ]

    watching = sofie.send({"type": "watch", "conversation": conversation})[0]
    assert watching["type"] == "watching" and watching["counsellor"] == "Anna"
    assert "Ik wil een mens" in [m["text"] for m in watching["transcript"]]
    until(anna, lambda f: f == {"type": "watched", "conversation": conversation, "by": "Sofie"})

    visitor.say("Hij staat weer voor de deur")
    until(sofie, lambda f: f["type"] == "message" and f["text"] == "Hij staat weer voor de deur")
    anna.send({"type": "message", "conversation": conversation, "text": "Ben je nu veilig?"})
    until(sofie, lambda f: f["type"] == "message" and f["text"] == "Ben je nu veilig?")

    assert sofie.send({"type": "whisper", "conversation": conversation, "text": "Vraag naar de kinderen"}) == [
        {"type": "whispered", "conversation": conversation, "text": "Vraag naar de kinderen"}
    ]
    whisper = {"type": "whisper", "conversation": conversation, "from": "Sofie", "text": "Vraag naar de kinderen"}
    until(anna, lambda f: f == whisper)

    anna.send({"type": "flag", "conversation": conversation})
    until(
        sofie, lambda f: f == {"type": "flag", "conversation": conversation, "counsellor": "Anna", "region": "utrecht"}
    )

    assert sofie.send({"type": "unwatch", "conversation": conversation}) == [
        {"type": "unwatched", "conversation": conversation}
    ]
    until(anna, lambda f: f == {"type": "unwatched", "conversation": conversation, "by": "Sofie"})
    visitor.say("Nog iets")
    until(anna, lambda f: f["type"] == "message" and f["text"] == "Nog iets")
    time.sleep(0.3)  # what Anna heard through Redis has had its time to reach Sofie too, had she listened
    assert "Nog iets" not in json.dumps(sofie.pump())
    sofie.send({"type": "watch", "conversation": conversation})
    until(anna, lambda f: f == {"type": "watched", "conversation": conversation, "by": "Sofie"})
    sofie.close()  # her console closes: Anna sees nobody watches any more
    until(anna, lambda f: f == {"type": "unwatched", "conversation": conversation, "by": "Sofie"})

    sofie = CounsellorDriver(relay_a, make_counsellor("sofie", regions="utrecht", name="Sofie", supervisor=True))
    time.sleep(0.3)  # her own arrival's queue event, through Redis, before the chat ends
    sofie.pump()
    anna.send({"type": "end", "conversation": conversation})  # a slot comes free: the overview shows it
    until(sofie, lambda f: f["type"] == "overview" and f["regions"][0]["assigned"] == 0)

    visitor.pump()
    assert "kinderen" not in json.dumps(visitor.received)  # no frame of the whisper, on either relay
    returned = VisitorDriver(relay_b)
    assert "kinderen" not in json.dumps(returned.hello(visitor.received[0]["token"]))  # nor in the history
    visitor.close()
    returned.close()
    anna.close()
    sofie.close()
