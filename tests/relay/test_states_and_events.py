"""The conversation state machine, events published by the unit of work, and reminders that do not
depend on the reminder's wording."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import StatementError

from relay.broker import get_broker
from relay.broker.events import events_of
from relay.db import get_db
from relay.domain import conversations, message_store, states, texts
from relay.domain.models import Conversation
from relay.domain.states import ASSIGNED, BOT, ENDED, QUEUED, ConversationState, IllegalTransition
from relay.sockets import counsellor_actions
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def conversation_in(session, state: ConversationState, counsellor_id: int) -> Conversation:
    """A conversation arranged in ``state`` (written directly: this is the test's setup)."""
    conversation, _token = conversations.open_conversation(session)
    assigned = counsellor_id if state in (ASSIGNED, ENDED) else None
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(state=state, region="utrecht", counsellor_id=assigned)
    )
    session.refresh(conversation)
    return conversation


def change(session, conversation: Conversation, target: ConversationState, counsellor_id: int) -> bool:
    """The transition function that leads to ``target``."""
    if target is BOT:
        return conversations.leave_queue(session, conversation)
    if target is ASSIGNED:
        return conversations.assign(session, conversation, counsellor_id)
    if target is ENDED:
        return conversations.end(session, conversation, "visitor")
    if conversation.state is ASSIGNED:
        return conversations.requeue(session, conversation, "utrecht", counsellor_id)
    if conversation.state is QUEUED:  # the visitor corrects the town while waiting
        return conversations.move_queue(session, conversation, "zeeland")
    return conversations.enqueue(session, conversation, "utrecht")


@pytest.fixture
def counsellor_id(app, make_counsellor) -> int:
    return make_counsellor().id


@pytest.mark.parametrize("source,target", list(states.TRANSITIONS))
def test_every_allowed_transition_changes_the_state(app, counsellor_id, source, target):
    with app.app_context(), get_db(app).transaction() as session:
        conversation = conversation_in(session, source, counsellor_id)
        assert change(session, conversation, target, counsellor_id) is True
        assert conversation.state is target
    with get_db(app).transaction() as session:
        assert session.get(Conversation, conversation.id).state is target


ILLEGAL = [
    (source, target)
    for source, target in itertools.product(ConversationState, repeat=2)
    if (source, target) not in states.TRANSITIONS
]


@pytest.mark.parametrize("source,target", ILLEGAL)
def test_an_illegal_transition_raises_and_changes_nothing(app, counsellor_id, source, target):
    with app.app_context(), get_db(app).transaction() as session:
        conversation = conversation_in(session, source, counsellor_id)
        before = {c.name: getattr(conversation, c.name) for c in Conversation.__table__.columns}
        with pytest.raises(IllegalTransition, match=f"from '{source}' to '{target}'"):
            change(session, conversation, target, counsellor_id)
    with get_db(app).transaction() as session:
        after = session.get(Conversation, conversation.id)
        assert {c.name: getattr(after, c.name) for c in Conversation.__table__.columns} == before


def test_a_second_hand_off_of_a_queued_conversation_is_illegal_not_a_move(app, counsellor_id):
    """queued → queued is only the move between queues: enqueue (the hand-off from the bot) refuses it."""
    with app.app_context(), get_db(app).transaction() as session:
        conversation = conversation_in(session, QUEUED, counsellor_id)
        with pytest.raises(IllegalTransition):
            conversations.enqueue(session, conversation, "zeeland")
        assert conversations.move_queue(session, conversation, "utrecht") is False  # already there
        assert conversation.region == "utrecht"


def test_a_state_that_is_not_one_is_refused_before_the_database(app):
    with pytest.raises((ValueError, StatementError), match="waiting"), get_db(app).transaction() as session:
        conversation, _token = conversations.open_conversation(session)
        conversation.state = "waiting"
        session.flush()


def test_a_lost_race_is_not_an_error_but_changes_nothing(app, counsellor_id):
    """Another relay took the chat after this one read it as queued: the take does not happen."""
    with app.app_context(), get_db(app).transaction() as session:
        conversation = conversation_in(session, QUEUED, counsellor_id)
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id)
            .values(state=ENDED)
            .execution_options(synchronize_session=False)
        )
        assert conversation.state is QUEUED  # what this relay still believes
        assert conversations.assign(session, conversation, counsellor_id) is False
        assert conversation.state is ENDED and conversation.counsellor_id is None


def test_the_diagram_in_the_architecture_document_is_the_table():
    assert f"```mermaid\n{states.mermaid()}\n```" in ARCHITECTURE.read_text(encoding="utf-8")


def test_the_stored_and_sent_values_stay_the_strings():
    assert [state.value for state in ConversationState] == ["bot", "queued", "assigned", "ended"]
    assert BOT == "bot" and f"{QUEUED}" == "queued"


# ---- events: published by the unit of work ------------------------------------------------------


def heard(app, channel: str) -> list[dict]:
    got: list[dict] = []
    get_broker(app).subscribe([channel], lambda channel, event: got.append(event))
    return got


def test_events_are_published_after_the_commit_and_only_then(app):
    got = heard(app, "conversation:c1")
    with get_db(app).transaction() as session:
        conversation, _token = conversations.open_conversation(session)
        events_of(session).conversation("c1", "ended", by="visitor")
        assert got == []  # not before the commit
    assert got == [{"event": "ended", "conversation": "c1", "by": "visitor"}]


def test_no_event_is_published_after_a_rollback(app):
    got = heard(app, "conversation:c2")
    with pytest.raises(RuntimeError, match="boom"), get_db(app).transaction() as session:
        conversations.open_conversation(session)
        events_of(session).conversation("c2", "ended", by="visitor")
        raise RuntimeError("boom")
    assert got == []


def test_a_stored_message_is_announced_with_the_commit_and_not_without_it(app):
    with get_db(app).transaction() as session:
        conversation, _token = conversations.open_conversation(session)
    got = heard(app, f"conversation:{conversation.id}")
    with pytest.raises(RuntimeError), get_db(app).transaction() as session:
        message_store.store_messages(session, conversation.id, "system", "Dit wordt teruggedraaid.")
        raise RuntimeError("rolled back")
    assert got == []
    with get_db(app).transaction() as session:
        message_store.store_messages(session, conversation.id, "system", "Dit blijft staan.")
    assert [e["message"]["text"] for e in got] == ["Dit blijft staan."]
    stored = message_store.store_messages(get_db(app), conversation.id, "visitor", "Hallo", client_id="m1")
    assert stored.messages[0].seq == 2 and got[-1]["message"]["id"] == "m1"


def test_events_cannot_be_added_outside_a_unit_of_work(app):
    with get_db(app).sessions() as session, pytest.raises(RuntimeError, match="transaction"):
        events_of(session)


def test_a_take_is_announced_even_if_following_the_chat_fails(
    app, rasa, visitor_factory, counsellor_factory, monkeypatch
):
    rasa.answers["Ik wil met een mens praten"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
    visitor = visitor_factory()
    conversation_id = visitor.hello()[0]["conversation"]
    visitor.say("Ik wil met een mens praten", client_id="x")
    anna = counsellor_factory()
    got = heard(app, f"conversation:{conversation_id}")

    def broken_follow(counsellor, conversation_id):
        raise RuntimeError("the console went away")
        yield  # a generator, like the real one

    monkeypatch.setattr(counsellor_actions, "follow", broken_follow)
    with pytest.raises(RuntimeError, match="went away"):
        anna.send({"type": "take"})
    assert [e["event"] for e in got] == ["message", "agent"]
    assert of_type(visitor.pump(), "agent")[0]["kind"] == "counsellor"
    with get_db(app).transaction() as session:
        assert session.get(Conversation, conversation_id).state is ASSIGNED


# ---- reminders follow what happened, not what was said --------------------------------------------


def reminders(frames):
    return [
        f
        for f in of_type(frames, "message")
        if f["from"] == "system" and f["text"].startswith(("Goed om te weten", "Let op"))
    ]


def test_rewording_the_reminder_does_not_change_which_reminders_a_conversation_gets(app, visitor_factory, monkeypatch):
    visitor = visitor_factory()
    visitor.hello()
    assert len(reminders(visitor.say("Bel me op 06-12345678", client_id="a"))) == 1
    monkeypatch.setattr(texts, "PERSONAL_DATA_REMINDER", "Let op: deel liever niet {kinds}.")
    monkeypatch.setitem(texts.PERSONAL_DATA_KINDS, "phone", "een nummer waarop je te bellen bent")
    assert reminders(visitor.say("Of op 0612345678", client_id="b")) == []  # reminded already
    (second,) = reminders(visitor.say("mail naar sam@example.nl", client_id="c"))
    assert second["text"] == "Let op: deel liever niet je e-mailadres."
    with get_db(app).transaction() as session:
        kinds = session.scalar(
            select(Conversation.reminded_kinds).where(Conversation.id == visitor.state.conversation_id)
        )
    assert set(kinds.split(",")) == {"phone", "email"}


def test_the_migration_remembers_the_reminders_of_conversations_in_progress(tmp_path):
    """Before 0005 the reminders were known only by their text: upgrading reads them once."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from relay.ops.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)

    def upgrade(revision: str) -> None:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    upgrade("0004")
    with engine.begin() as connection:
        for conversation_id in ("reminded", "quiet"):
            connection.execute(
                text(
                    "INSERT INTO conversations (id, token_hash, state, intake, last_seq, created_at, "
                    "urgent, registered, risk_alerted, priority, awaiting_region) VALUES "
                    "(:id, :id, 'assigned', '{}', 2, '2026-11-30 20:00:00', 0, 0, '', 0, 0)"
                ),
                {"id": conversation_id},
            )
        reminder = (
            "Goed om te weten: je hoeft hier geen persoonlijke gegevens te delen, zoals je telefoonnummer "
            "of je BSN. Je kunt anoniem blijven. Vertel gerust wat er aan de hand is, zonder die gegevens."
        )
        connection.execute(
            text(
                "INSERT INTO messages (conversation_id, seq, sender, text, created_at) VALUES "
                "('reminded', 1, 'system', :text, '2026-11-30 20:00:00'), "
                "('quiet', 1, 'visitor', 'je telefoonnummer weet je', '2026-11-30 20:00:00')"
            ),
            {"text": reminder},
        )
    upgrade("head")
    with engine.connect() as connection:
        kinds = dict(connection.execute(text("SELECT id, reminded_kinds FROM conversations")).all())
    engine.dispose()
    assert kinds == {"reminded": "phone,bsn", "quiet": ""}
