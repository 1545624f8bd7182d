"""Shared fixtures: a live Rasa stack, a live relay, and the flaskr-style ``app``/``client``.

The processes behind them come from tests/support/stack.py (built on bench/stack.py), which also
says which environment variables point the tests at another database or an already running Rasa.
"""

from __future__ import annotations

import os

import pytest

from tests.support.stack import RelayServer, fresh_database_url, start_session_rasa, stop_session_rasa

# ---- database ------------------------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path) -> str:
    return fresh_database_url(tmp_path)


# ---- flaskr-style app and client ----------------------------------------------------------------


@pytest.fixture
def app(database_url):
    from relay import create_app
    from relay.bridge.rasa import RasaClient
    from relay.bridge.triage import get_model_opinions
    from relay.db import get_db
    from relay.ops.migrate import upgrade_database

    upgrade_database(database_url)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "RELAY_SCHEDULE": "always", "RASA_URL": "http://127.0.0.1:9"}
    )
    real_rasa = app.extensions["relay_rasa"]  # a test may put a scripted one in its place
    assert isinstance(real_rasa, RasaClient)
    yield app
    # An opinion still being written holds a database connection: disposed under it, the connection
    # goes back to a pool nobody holds and is closed only by the garbage collector, which warns
    # (ResourceWarning, an error here) in whatever test happens to run then.
    get_model_opinions(app).drain()
    get_model_opinions(app).shutdown()
    real_rasa.close()
    get_db(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# ---- live Rasa and relay -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory):
    """Rasa and its action server on free ports; yields Rasa's base URL once the model is loaded."""
    if os.environ.get("TEST_RASA_URL"):
        yield os.environ["TEST_RASA_URL"].rstrip("/")
        return
    try:
        rasa = start_session_rasa(tmp_path_factory.mktemp("rasa"))
    except RuntimeError as error:  # no model, or Rasa did not start: the log's tail says why
        pytest.fail(str(error))
    try:
        yield rasa.url
    finally:
        stop_session_rasa()


@pytest.fixture
def relay_server(rasa_stack, database_url, tmp_path):
    server = RelayServer(database_url, rasa_stack, tmp_path).start()
    yield server
    server.stop()
