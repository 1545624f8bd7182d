"""The console's HTTP API: login and its cookie, who am I, canned replies, registrations and CSV."""

import csv
import io
from datetime import datetime, timezone

from tests.support.drivers import bot_says, handoff


def login(client, username="anna", password="wachtwoord-123"):
    return client.post("/api/console/login", json={"username": username, "password": password})


def test_login_sets_an_httponly_strict_cookie(client, make_counsellor):
    make_counsellor()
    response = login(client)
    assert response.status_code == 200
    assert response.get_json() == {"username": "anna", "name": "Anna", "regions": ["utrecht"]}
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/api/console/me").get_json()["max_chats"] == 3


def test_wrong_password_or_user_is_401(client, make_counsellor):
    make_counsellor()
    assert login(client, password="fout").status_code == 401
    assert login(client, username="niemand").status_code == 401
    assert client.post("/api/console/login", data="x").status_code == 401
    assert client.get("/api/console/me").status_code == 401


def test_password_is_stored_as_argon2(app, make_counsellor):
    counsellor = make_counsellor()
    assert counsellor.password_hash.startswith("$argon2")


def test_logout_ends_the_session(client, make_counsellor):
    make_counsellor()
    login(client)
    assert client.post("/api/console/logout").status_code == 204
    assert client.get("/api/console/me").status_code == 401


def test_other_origins_are_refused(client, make_counsellor):
    make_counsellor()
    response = client.post(
        "/api/console/login",
        json={"username": "anna", "password": "wachtwoord-123"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_canned_replies_and_registration_options(client, make_counsellor):
    make_counsellor()
    login(client)
    replies = client.get("/api/console/canned").get_json()["replies"]
    assert replies and all(r["title"] and r["text"] for r in replies)
    options = client.get("/api/console/registration-options").get_json()
    assert {r["id"] for r in options["roles"]} == {"victim", "bystander", "perpetrator", "other"}
    assert options["kinds"] and options["referrals"]


def ended_conversation(visitor_factory, rasa, counsellor_factory):
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    rasa.answers["Ik wil een mens"] = bot_says("Wachtrij.", signals=[handoff("utrecht", "Geheime Naam")])
    visitor.say("Ik wil een mens")
    anna = counsellor_factory()
    anna.send({"type": "take"})
    anna.send({"type": "end", "conversation": conversation})
    return conversation


def test_registration_is_anonymous_once_and_exported(app, client, visitor_factory, rasa, counsellor_factory):
    conversation = ended_conversation(visitor_factory, rasa, counsellor_factory)
    login(client)
    body = {
        "conversation": conversation,
        "kinds": ["partner_violence"],
        "role": "victim",
        "advice": "Veiligheidsplan besproken",
        "referrals": ["veilig_thuis_phone"],
    }
    assert client.post("/api/console/registrations", json=body).status_code == 201
    assert client.post("/api/console/registrations", json=body).status_code == 409
    export = client.get("/api/console/registrations.csv")
    assert export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["role"] == "victim" and rows[0]["region"] == "utrecht"
    text = export.get_data(as_text=True)
    assert "Geheime Naam" not in text and conversation not in text and "Ik wil een mens" not in text


def test_registration_is_validated_and_only_for_own_conversations(
    client, visitor_factory, rasa, counsellor_factory, make_counsellor
):
    conversation = ended_conversation(visitor_factory, rasa, counsellor_factory)
    make_counsellor("bram", name="Bram")
    login(client, "bram")
    body = {"conversation": conversation, "kinds": ["partner_violence"], "role": "victim"}
    assert client.post("/api/console/registrations", json=body).status_code == 404
    login(client)
    assert client.post("/api/console/registrations", json={**body, "role": "koning"}).status_code == 400
    assert client.post("/api/console/registrations", json={**body, "kinds": []}).status_code == 400


def test_registrations_export_command(app, client, visitor_factory, rasa, counsellor_factory, monkeypatch, capsys):
    from relay.ops.cli import main

    conversation = ended_conversation(visitor_factory, rasa, counsellor_factory)
    login(client)
    client.post(
        "/api/console/registrations",
        json={
            "conversation": conversation,
            "kinds": ["child_abuse"],
            "role": "bystander",
            "advice": "=cmd",
            "referrals": [],
        },
    )
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["registrations", "export"]) == 0
    out = capsys.readouterr().out
    assert "bystander" in out and "child_abuse" in out and "'=cmd" in out


def test_repeated_failures_throttle_the_username(client, make_counsellor):
    make_counsellor()
    for _ in range(5):
        assert login(client, password="fout").status_code == 401
    throttled = login(client)
    assert throttled.status_code == 429 and throttled.get_json()["error"] == "throttled"


def test_the_counsellors_notes_are_kept_with_the_chat_only_for_them_and_never_reach_the_visitor(
    app, client, visitor_factory, rasa, counsellor_factory, make_counsellor
):
    from sqlalchemy import update

    from relay.db import get_db
    from relay.domain.models import Conversation, Message
    from relay.ops.retention import purge_relay

    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    rasa.answers["Ik wil een mens"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor.say("Ik wil een mens")
    anna = counsellor_factory()
    anna.send({"type": "take", "conversation": conversation})
    login(client)
    note = "Zus woont ook in huis. Terugbellen via 0800 2000 besproken."
    url = f"/api/console/conversations/{conversation}/note"
    assert client.put(url, json={"text": note}).get_json() == {"saved": True}
    # Back on a reconnect, with the chat
    taken = [f for f in counsellor_factory().received if f.get("type") == "taken"]
    assert taken and taken[-1]["note"] == note
    # Never to the visitor, in no frame
    assert note not in str(visitor.pump())
    # Only the counsellor who has it; clear errors
    assert client.put(url, json={"text": "x" * 4001}).status_code == 400
    assert client.put(url, json={"text": None}).status_code == 400
    make_counsellor("bram", name="Bram")
    client.post("/api/console/logout")
    login(client, "bram")
    assert client.put(url, json={"text": "van Bram"}).status_code == 404
    with get_db(app).transaction() as session:
        assert session.get(Conversation, conversation).counsellor_note == note
        # Purged with the conversation
        long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation)
            .values(state="ended", created_at=long_ago, ended_at=long_ago)
        )
        session.execute(update(Message).where(Message.conversation_id == conversation).values(created_at=long_ago))
    with get_db(app).transaction() as session:
        assert conversation in purge_relay(session, retention_days=30).conversations
        assert session.get(Conversation, conversation) is None
