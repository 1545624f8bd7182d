"""Retention: old conversations are purged (command, periodic job, Rasa's tracker); registrations stay."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text, update

from bench.stack import RASA_TOKEN
from relay.db import get_db
from relay.domain.conversations import open_conversation
from relay.domain.message_store import store_messages
from relay.domain.models import Conversation, CounsellorSession, LoginFailure, Message, Registration, utcnow
from relay.ops.retention import purge_relay
from relay.web import auth

REPO = Path(__file__).resolve().parents[2]


def make_conversation(session, age_days: float, ended: bool = True, last_message_days: float | None = None) -> str:
    conversation, _token = open_conversation(session)
    (message,) = store_messages(session, conversation.id, "visitor", "Ik maak me zorgen").messages
    then = utcnow() - timedelta(days=age_days)
    conversation.created_at = then
    last_message_at = utcnow() - timedelta(days=age_days if last_message_days is None else last_message_days)
    session.execute(
        update(Message)
        .where(Message.conversation_id == conversation.id, Message.seq == message.seq)
        .values(created_at=last_message_at)
    )
    if ended:
        conversation.state, conversation.ended_at = "ended", then
    return conversation.id


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_purge_deletes_expired_conversations_and_keeps_the_rest(app):
    db = get_db(app)
    with db.transaction() as session:
        old_ended = make_conversation(session, 31)
        old_abandoned = make_conversation(session, 40, ended=False)
        recent = make_conversation(session, 5)
        old_but_active = make_conversation(session, 60, ended=False, last_message_days=1)
        session.add(
            Registration(
                day="2026-10-01",
                region="utrecht",
                kinds=["partner"],
                role="victim",
                advice="",
                referrals=[],
                urgent=False,
            )
        )
        counsellor = auth.save_counsellor(session, "anna", "Anna", "utrecht", "wachtwoord-123", max_chats=3)
        session.add(
            CounsellorSession(
                token_hash="a" * 64, counsellor_id=counsellor.id, expires_at=utcnow() - timedelta(hours=1)
            )
        )
        session.add(
            CounsellorSession(
                token_hash="b" * 64, counsellor_id=counsellor.id, expires_at=utcnow() + timedelta(hours=1)
            )
        )
        session.add(LoginFailure(username="anna", at=utcnow() - timedelta(days=2)))
    with db.transaction() as session:
        result = purge_relay(session, retention_days=30)
    assert sorted(result.conversations) == sorted([old_ended, old_abandoned])
    with db.transaction() as session:
        left = set(session.scalars(select(Conversation.id)))
        assert left == {recent, old_but_active}
        assert (
            session.scalar(
                select(func.count()).select_from(Message).where(Message.conversation_id.in_([old_ended, old_abandoned]))
            )
            == 0
        )
        assert count(session, Registration) == 1
        assert list(session.scalars(select(CounsellorSession.token_hash))) == ["b" * 64]
        assert count(session, LoginFailure) == 0


def test_the_purge_command(app, database_url):
    with get_db(app).transaction() as session:
        make_conversation(session, 31)
        kept = make_conversation(session, 29)
    get_db(app).dispose()
    env = {"DATABASE_URL": database_url, "RASA_URL": "http://127.0.0.1:9", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "relay", "purge"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "purged 1 conversation(s)" in done.stdout
    with get_db(app).transaction() as session:
        assert list(session.scalars(select(Conversation.id))) == [kept]
    done = subprocess.run(
        [sys.executable, "-m", "relay", "purge", "--days", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "purged 1 conversation(s)" in done.stdout


def tracker_events(rasa_url: str, conversation: str) -> list:
    """What Rasa remembers of a conversation: what was said and the slots it filled (reading a
    tracker makes Rasa add an empty session start, which holds nothing)."""
    events = requests.get(
        f"{rasa_url}/conversations/{conversation}/tracker", params={"token": RASA_TOKEN}, timeout=30
    ).json()["events"]
    return [e for e in events if e["event"] in ("user", "bot") or (e["event"] == "slot" and e.get("value"))]


@pytest.mark.rasa
def test_the_running_relay_purges_itself_and_rasa(rasa_stack, relay_server, database_url):
    from tests.support.clients import Visitor

    relay_server.stop()
    relay = relay_server.start(RELAY_PURGE_INTERVAL=1)
    try:
        old, recent = Visitor(relay), Visitor(relay)
        old_id, recent_id = old.hello()["conversation"], recent.hello()["conversation"]
        for visitor in (old, recent):
            visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
            visitor.send({"type": "end"})
            visitor.until(lambda f: f["type"] == "ended")
            visitor.close()
        assert any(e.get("text") == "/greet" for e in tracker_events(rasa_stack, old_id))
        # Age one conversation by 31 days, as if a month had passed.
        engine = create_engine(database_url)
        month_ago = utcnow() - timedelta(days=31)
        with engine.begin() as connection:
            connection.execute(
                update(Conversation).where(Conversation.id == old_id).values(created_at=month_ago, ended_at=month_ago)
            )
            connection.execute(update(Message).where(Message.conversation_id == old_id).values(created_at=month_ago))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                ids = set(connection.scalars(select(Conversation.id)))
            if old_id not in ids:
                break
            time.sleep(0.5)
        assert ids == {recent_id}
        with engine.connect() as connection:
            assert (
                connection.scalar(text("SELECT count(*) FROM messages WHERE conversation_id = :c"), {"c": old_id}) == 0
            )
        engine.dispose()
        # Rasa's tracker is emptied with it; the recent one is untouched.
        deadline = time.monotonic() + 30
        while tracker_events(rasa_stack, old_id) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert tracker_events(rasa_stack, old_id) == []
        assert tracker_events(rasa_stack, recent_id)
    finally:
        relay.stop()


BOT_PYTHON = REPO / ".venv-bot" / "bin" / "python"


@pytest.mark.skipif(not BOT_PYTHON.exists(), reason="needs .venv-bot (Rasa)")
def test_a_sql_tracker_store_is_purged_directly(tmp_path):
    """Rasa's own SQLTrackerStore (it only appends on save, so the HTTP API cannot empty it)."""
    from relay.ops.retention import PurgeResult, purge_rasa

    store = tmp_path / "rasa.db"
    helper = [str(BOT_PYTHON), str(REPO / "tests" / "support" / "rasa_sql_store.py"), str(store)]

    def rasa_store(*args) -> str:
        done = subprocess.run(
            helper + list(args),
            capture_output=True,
            text=True,
            timeout=300,
            env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    rasa_store("save", "old-1", "old-2", "recent")
    assert rasa_store("show", "old-1", "recent").split() == ["old-1", "1", "recent", "1"]
    result = PurgeResult()
    purge_rasa("http://127.0.0.1:9", ["old-1", "old-2"], f"sqlite:///{store}", result, timeout=1)
    assert rasa_store("show", "old-1", "old-2", "recent").split() == ["old-1", "0", "old-2", "0", "recent", "1"]
    assert result.tracker_failures == 2  # no Rasa server at port 9: counted, not fatal
