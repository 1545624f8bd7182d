"""The database briefly unavailable: a clear error to visitor and counsellor, nothing half-written,
and the relay recovers by itself (no restart).

On SQLite another connection holds the write lock (BEGIN EXCLUSIVE); on PostgreSQL another
connection holds an exclusive lock on the conversations, and afterwards every relay connection
is terminated.
"""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text

from tests.support.clients import Counsellor, Visitor
from tests.support.faults import database_locked

PASSWORD = "geheim-wachtwoord-1"
ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def terminate_other_connections(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            )
    finally:
        engine.dispose()


def stored_messages(database_url: str, conversation: str) -> list[tuple[int, str, str | None]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT seq, text, client_id FROM messages WHERE conversation_id = :c ORDER BY seq"),
                {"c": conversation},
            ).all()
            last_seq = connection.execute(
                text("SELECT last_seq FROM conversations WHERE id = :c"), {"c": conversation}
            ).scalar_one()
    finally:
        engine.dispose()
    assert last_seq == (rows[-1][0] if rows else 0), "a seq was handed out for a message never stored"
    return [tuple(row) for row in rows]


def test_database_briefly_unavailable(make_relay, closed_port_url, database_url):
    # Rasa is down too, so the visitor reaches the queue by naming the town (no model needed here).
    relay = make_relay(closed_port_url, DATABASE_LOCK_TIMEOUT=2)
    relay.add_counsellor("anna", PASSWORD, "Anna", ["utrecht"])
    visitor = Visitor(relay)
    session = visitor.hello()
    visitor.say("Utrecht")
    visitor.until(lambda f: f["type"] == "queue")
    anna = Counsellor(relay, "anna", PASSWORD)
    anna.send({"type": "take", "conversation": session["conversation"]})
    anna.until(lambda f: f["type"] == "taken")
    visitor.until(lambda f: f["type"] == "agent" and f["kind"] == "counsellor")
    before = stored_messages(database_url, session["conversation"])

    message_id = uuid.uuid4().hex
    with database_locked(database_url):
        visitor.send({"type": "message", "text": "Ben je er nog?", "id": message_id})
        error = visitor.until(lambda f: f["type"] == "error")[-1]
        assert error["code"] == "unavailable" and "0800 2000" in error["message"]
        anna.send({"type": "message", "conversation": session["conversation"], "text": "Ja, ik ben er."})
        assert anna.until(lambda f: f["type"] == "error")[-1]["code"] == "unavailable"
    # Nothing of either message was written, not even a seq.
    assert stored_messages(database_url, session["conversation"]) == before

    if ON_POSTGRES:  # a restarted database server drops every connection: the pool replaces them
        assert terminate_other_connections(database_url) >= 1

    # Recovery without a restart: the same sockets simply go on; the widget re-sends its message.
    visitor.send({"type": "message", "text": "Ben je er nog?", "id": message_id})
    echo = visitor.until(lambda f: f["type"] == "message" and f.get("id") == message_id)[-1]
    assert anna.until(lambda f: f["type"] == "message" and f["from"] == "visitor")[-1]["seq"] == echo["seq"]
    anna.send({"type": "message", "conversation": session["conversation"], "text": "Ja, ik ben er."})
    assert visitor.until(lambda f: f["type"] == "message" and f["from"] == "counsellor")[-1]["text"] == "Ja, ik ben er."
    after = stored_messages(database_url, session["conversation"])
    assert after[: len(before)] == before
    assert [row[1] for row in after[len(before) :]] == ["Ben je er nog?", "Ja, ik ben er."]

    # A new visitor can start too.
    newcomer = Visitor(relay)
    assert newcomer.hello()["state"] == "bot"
    for client in (visitor, anna, newcomer):
        client.close()
