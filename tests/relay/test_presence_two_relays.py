"""Presence and typing across two relays: the visitor on relay A, the counsellor on relay B, one
database and one Redis between them (REDIS_URL, default redis://127.0.0.1:6379/0; TEST_REDIS_URL
points elsewhere)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relay.domain import texts
from relay.domain.models import utcnow
from relay.ops.presence import keep_presence
from tests.support.clients import of_type
from tests.support.drivers import CounsellorDriver, VisitorDriver
from tests.support.relays import two_relays, until


@pytest.fixture
def relays(app, database_url):
    """Relay A and relay B on the test's database, both on one Redis."""
    yield from two_relays(database_url)


def test_presence_and_typing_cross_relays(relays, make_counsellor):
    relay_a, relay_b = relays
    visitor = VisitorDriver(relay_a)
    session = visitor.hello()[0]
    conversation = session["conversation"]
    visitor.say("Ik wil een mens")
    anna = CounsellorDriver(relay_b, make_counsellor())
    assert of_type(anna.received, "queue")[-1]["items"][0]["visitor_online"] is True
    visitor.close()  # the visitor's phone goes away, on relay A
    heard = until(anna, lambda f: f["type"] == "queue" and not f["items"][0]["visitor_online"])
    assert of_type(heard, "queue")[-1]["items"][0]["visitor_since"] is not None

    visitor = VisitorDriver(relay_a)
    visitor.hello(session["token"])
    anna.send({"type": "take"})
    assert of_type(anna.received, "taken")[-1]["visitor_online"] is True
    until(visitor, lambda f: f["type"] == "agent" and f["kind"] == "counsellor")

    visitor.send({"type": "typing"})
    until(anna, lambda f: f == {"type": "typing", "conversation": conversation})
    anna.send({"type": "typing", "conversation": conversation})
    until(visitor, lambda f: f == {"type": "typing", "from": "counsellor"})

    visitor.close()
    until(anna, lambda f: f["type"] == "presence" and f["visitor"] == "offline" and f["conversation"] == conversation)
    visitor = VisitorDriver(relay_a)
    visitor.hello(session["token"])
    until(anna, lambda f: f["type"] == "presence" and f["visitor"] == "online")
    visitor.close()
    anna.close()


def test_a_chat_whose_counsellor_dropped_on_one_relay_is_requeued_by_the_other(relays, make_counsellor):
    relay_a, relay_b = relays
    visitor = VisitorDriver(relay_a)
    visitor.hello()
    visitor.say("Ik wil een mens")
    anna = CounsellorDriver(relay_b, make_counsellor())
    anna.send({"type": "take"})
    until(visitor, lambda f: f["type"] == "agent" and f["kind"] == "counsellor")
    anna.close()  # relay B: her laptop closed
    later = utcnow() + timedelta(seconds=relay_a.config["RELAY_COUNSELLOR_GRACE_S"] + 5)
    assert len(keep_presence(relay_a, later).requeued) == 1  # relay A sweeps (its own heartbeat first)
    assert len(keep_presence(relay_b, later).requeued) == 0  # relay B sweeping too changes nothing
    heard = until(visitor, lambda f: f["type"] == "queue")
    assert texts.COUNSELLOR_DROPPED in [f["text"] for f in of_type(heard, "message")]
    visitor.close()
