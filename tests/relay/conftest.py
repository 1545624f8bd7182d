"""Fixtures of the relay's unit tests: a scripted Rasa in the app, socket drivers, counsellors.
The classes behind them live in tests/support/drivers.py."""

from __future__ import annotations

import pytest

from relay.db import get_db
from tests.support.drivers import CounsellorDriver, ScriptedRasa, VisitorDriver


@pytest.fixture
def rasa(app):
    scripted = ScriptedRasa()
    app.extensions["relay_rasa"] = scripted
    return scripted


@pytest.fixture
def visitor_factory(app, rasa):
    made = []

    def make():
        driver = VisitorDriver(app)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.close()


@pytest.fixture
def make_counsellor(app):
    from relay.web import auth

    def make(username="anna", regions="utrecht", name="Anna", max_chats=3, supervisor=False):
        with app.app_context(), get_db(app).transaction() as session:
            counsellor = auth.save_counsellor(
                session, username, name, regions, "wachtwoord-123", max_chats=max_chats, supervisor=supervisor
            )
            session.expunge(counsellor)
        return counsellor

    return make


@pytest.fixture
def counsellor_factory(app, make_counsellor):
    def make(username="anna", regions="utrecht", name="Anna", max_chats=3):
        return CounsellorDriver(app, make_counsellor(username, regions, name, max_chats))

    return make
