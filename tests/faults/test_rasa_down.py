"""Rasa unreachable, too slow, or only its action server down: the visitor still reaches a person.

Each fault is real: a closed port, a server that accepts but never answers, a stopped action server.
"""

from __future__ import annotations

import socket
import time

import pytest
from fault_helpers import closed_port_url, make_relay, root, slow_server, wait_until  # noqa: F401 (fixtures)
from live_clients import Counsellor, Visitor

from voordeur_content import triage

PASSWORD = "geheim-wachtwoord-1"
URGENT_TEXT = "Hij heeft een mes"


def system_messages(frames):
    return [f for f in frames if f["type"] == "message" and f["from"] == "system"]


def assert_offers_queue_and_phones(frames):
    said = " ".join(f["text"] for f in system_messages(frames))
    assert "reageert nu even niet" in said
    assert "in welke plaats je woont" in said  # the relay asks the region itself
    assert "0800 2000" in said and "112" in said


def a_visitor_gets_help_without_the_assistant(relay):
    relay.add_counsellor("anna", PASSWORD, "Anna", ["utrecht"])
    anna = Counsellor(relay, "anna", PASSWORD)
    anna.until(lambda f: f["type"] == "queue")

    visitor = Visitor(relay)
    session = visitor.hello()
    assert session["state"] == "bot"
    assert_offers_queue_and_phones(visitor.until(lambda f: f["type"] == "message" and f["from"] == "system"))

    # Danger is still recognised: triage does not need Rasa.
    assert triage.assess(URGENT_TEXT).category == "acute"
    visitor.say(URGENT_TEXT)
    alert = visitor.until(lambda f: f["type"] == "alert")[-1]
    assert alert["level"] == "urgent" and "112" in alert["phones"]

    # Naming the town is enough to be queued for a person.
    visitor.say("Utrecht")
    queued = visitor.until(lambda f: f["type"] == "queue")[-1]
    assert queued == {"type": "queue", "position": 1, "region": "utrecht"}
    items = anna.until(lambda f: f["type"] == "queue" and f["items"])[-1]["items"]
    assert items[0]["conversation"] == session["conversation"] and items[0]["urgent"] is True

    anna.send({"type": "take", "conversation": session["conversation"]})
    anna.until(lambda f: f["type"] == "taken")
    assert visitor.until(lambda f: f["type"] == "agent")[-1]["kind"] == "counsellor"
    visitor.close()
    anna.close()


def test_rasa_unreachable(make_relay, closed_port_url):
    relay = make_relay(closed_port_url)
    a_visitor_gets_help_without_the_assistant(relay)


def test_rasa_too_slow(make_relay, slow_server):
    relay = make_relay(slow_server.url)
    a_visitor_gets_help_without_the_assistant(relay)
    assert slow_server.requests >= 1  # the relay did ask, and gave up in time


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def action_server_down(root, rasa_stack):
    """Stop the session's action server for one test, and start it again afterwards."""
    stack = root.RASA_STACK
    if not stack:
        pytest.skip("TEST_RASA_URL: the action server is not ours to stop")
    root.stop_process_group(stack["actions"])
    wait_until(lambda: not _port_open(stack["action_port"]))
    try:
        yield rasa_stack
    finally:
        stack["actions"] = stack["start_actions"]()
        wait_until(lambda: _port_open(stack["action_port"]), timeout=120)
        time.sleep(1)


@pytest.mark.rasa
def test_only_the_action_server_down(make_relay, action_server_down):
    relay = make_relay(action_server_down)
    a_visitor_gets_help_without_the_assistant(relay)


def test_a_rasa_that_comes_back_is_used_again_without_a_restart(make_relay, root):
    """Rasa is down when the relay starts (still loading, or crashed): the relay answers itself;
    once Rasa answers again, the background probe notices and the bot greets the next visitor."""
    from bench.fake_rasa import FakeRasa

    port = root.free_port()
    relay = make_relay(f"http://127.0.0.1:{port}")  # production defaults, nothing listening yet
    first = Visitor(relay)
    first.hello()
    assert_offers_queue_and_phones(first.until(lambda f: f["type"] == "message" and f["from"] == "system"))
    first.close()
    with FakeRasa(port=port):
        deadline = time.monotonic() + 60
        while True:  # the probe asks every RASA_PROBE_SECONDS; no restart, no setting changed
            visitor = Visitor(relay)
            visitor.hello()
            answer = visitor.until(lambda f: f["type"] == "message" and f["from"] in ("bot", "system"))[-1]
            visitor.close()
            if answer["from"] == "bot":
                break
            assert time.monotonic() < deadline, "the relay never used Rasa again"
            time.sleep(1)
        assert "digitale assistent" in answer["text"]
    assert "answers again" in relay.log_tail()


def test_with_rasa_hanging_each_message_is_not_sent_to_rasa_again(make_relay, slow_server):
    """Once Rasa did not answer, the relay remembers it: later messages get the relay's own answer
    without another request to Rasa's REST channel (only the probe's quick GET goes out)."""
    relay = make_relay(slow_server.url)
    visitor = Visitor(relay)
    visitor.hello()
    visitor.until(lambda f: f["type"] == "message" and f["from"] == "system")
    asked = slow_server.requests
    for text in ("hallo?", "is daar iemand", "ik weet niet waar ik woon"):
        visitor.say(text)
        assert (
            "reageert nu even niet"
            in visitor.until(lambda f: f["type"] == "message" and f["from"] == "system")[-1]["text"]
        )
    # Three messages take milliseconds: at most one probe GET (every RASA_PROBE_SECONDS) can have
    # reached the hanging server in between; asking Rasa per message would make it three or more.
    assert slow_server.requests - asked <= 1
    visitor.close()
