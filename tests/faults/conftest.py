"""Fixtures of the fault tests: relays with extra settings, a closed port, a Rasa that hangs.
The live Rasa and relay come from tests/conftest.py; the helpers live in tests/support/faults.py."""

from __future__ import annotations

import pytest

from bench.stack import HangingServer, free_port
from tests.support.stack import RelayServer


@pytest.fixture
def make_relay(database_url, tmp_path):
    """Start relays on the test's database with extra environment; all stopped afterwards."""
    started = []

    def make(rasa_url: str, **env):
        server = RelayServer(database_url, rasa_url, tmp_path, {k: str(v) for k, v in env.items()})
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def closed_port_url() -> str:
    """A URL where nothing listens: Rasa is down."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def slow_server():
    """A Rasa that accepts connections and never answers (bench/stack.py's HangingServer)."""
    server = HangingServer()
    yield server
    server.close()
