"""Helpers of the fault tests: waiting for a condition, a database that holds every write off, and
the journey every Rasa fault must leave working (a visitor reaches a person without the assistant)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from tests.support.clients import Counsellor, Visitor
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
    assert queued == {"type": "queue", "position": 1, "region": "utrecht", "estimate_s": None}
    items = anna.until(lambda f: f["type"] == "queue" and f["items"])[-1]["items"]
    assert items[0]["conversation"] == session["conversation"] and items[0]["urgent"] is True

    anna.send({"type": "take", "conversation": session["conversation"]})
    anna.until(lambda f: f["type"] == "taken")
    assert visitor.until(lambda f: f["type"] == "agent")[-1]["kind"] == "counsellor"
    visitor.close()
    anna.close()


def wait_until(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll ``predicate()`` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@contextmanager
def database_locked(database_url: str):
    """Hold every relay write off until the block ends."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(text("LOCK TABLE conversations, messages IN ACCESS EXCLUSIVE MODE"))
            try:
                yield
            finally:
                transaction.rollback()
    finally:
        engine.dispose()
