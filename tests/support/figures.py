"""The figures' tests: a visitor brought to a queue by the scripted Rasa, a supervisor's console
session, and today's row of the stats for a region."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from relay.db import get_db
from relay.domain import figures
from relay.domain.models import Conversation, utcnow
from tests.support.clients import of_type
from tests.support.drivers import bot_says, handoff

ASK = "Ik wil een mens"


def queued_visitor(visitor_factory, rasa, region="utrecht"):
    """A new visitor (VisitorDriver) in ``region``'s queue, and the conversation's id."""
    rasa.answers[ASK] = bot_says("Wachtrij.", signals=[handoff(region)])
    visitor = visitor_factory()
    conversation = visitor.hello()[0]["conversation"]
    assert of_type(visitor.say(ASK), "queue"), "the visitor did not reach the queue"
    return visitor, conversation


def waited(app, conversation, seconds):
    """As if the conversation had been queued ``seconds`` ago."""
    with get_db(app).transaction() as session:
        session.execute(
            update(Conversation)
            .where(Conversation.id == conversation)
            .values(queued_at=utcnow() - timedelta(seconds=seconds))
        )


def login(client, username, password="wachtwoord-123"):
    return client.post("/api/console/login", json={"username": username, "password": password})


def as_supervisor(client, make_counsellor):
    """``client`` logged in as Sofie, a supervisor of all regions."""
    make_counsellor("sofie", regions="all", name="Sofie", supervisor=True)
    assert login(client, "sofie").status_code == 200
    return client


def today_row(client, region="utrecht"):
    days = client.get("/api/console/stats").get_json()["days"]
    today = figures.local_now().date().isoformat()
    (row,) = [d for d in days if d["date"] == today and d["region"] == region]
    return row
