"""Rasa unreachable, too slow, or only its action server down: the visitor still reaches a person.

Each fault is real: a closed port, a server that accepts but never answers, a stopped action server.
"""

from __future__ import annotations

import socket
import time

import pytest

from bench.stack import free_port, stop
from tests.support.clients import Visitor
from tests.support.faults import (
    a_visitor_gets_help_without_the_assistant,
    assert_offers_queue_and_phones,
    wait_until,
)
from tests.support.stack import running_rasa


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
def action_server_down(rasa_stack):
    """Stop the session's action server for one test, and start it again afterwards."""
    rasa = running_rasa()
    if rasa is None:
        pytest.skip("TEST_RASA_URL: the action server is not ours to stop")
    stop(rasa.actions)
    wait_until(lambda: not _port_open(rasa.action_port))
    try:
        yield rasa_stack
    finally:
        rasa.start_actions()
        wait_until(lambda: _port_open(rasa.action_port), timeout=120)
        time.sleep(1)


@pytest.mark.rasa
def test_only_the_action_server_down(make_relay, action_server_down):
    relay = make_relay(action_server_down)
    a_visitor_gets_help_without_the_assistant(relay)


def test_a_rasa_that_comes_back_is_used_again_without_a_restart(make_relay):
    """Rasa is down when the relay starts (still loading, or crashed): the relay answers itself;
    once Rasa answers again, the background probe notices and the bot greets the next visitor."""
    from bench.fake_rasa import FakeRasa

    port = free_port()
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
