"""Helpers and fixtures of the fault tests: real relay processes, real Rasa, and real faults
(SIGKILL, closed ports, a slow server, a stopped action server, a locked database).

The fixtures live here, not in a conftest.py, so that `pytest tests/relay tests/faults` in one run
does not shadow tests/relay/conftest.py (both would be imported as the module `conftest`). Test
modules import the fixtures they use from here.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "relay"))  # live_clients
sys.path.insert(0, str(HERE.parent.parent))  # relay/ as a package, not the test folder


@pytest.fixture(scope="session")
def root(request):
    """tests/conftest.py as pytest loaded it: RelayServer, free_port, and the RASA_STACK that the
    rasa_stack fixture fills (pytest keeps it out of sys.modules, so it cannot simply be imported)."""
    path = str(HERE.parent / "conftest.py")
    for plugin in request.config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) == path:
            return plugin
    raise RuntimeError("tests/conftest.py is not loaded")


@pytest.fixture
def make_relay(root, database_url, tmp_path):
    """Start relays on the test's database with extra environment; all stopped afterwards."""
    started = []

    def make(rasa_url: str, **env):
        server = root.RelayServer(database_url, rasa_url, tmp_path, {k: str(v) for k, v in env.items()})
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def closed_port_url(root) -> str:
    """A URL where nothing listens: Rasa is down."""
    return f"http://127.0.0.1:{root.free_port()}"


@pytest.fixture
def slow_server():
    """A Rasa that accepts connections and never answers (bench/stack.py's HangingServer)."""
    from bench.stack import HangingServer

    server = HangingServer()
    yield server
    server.close()


def wait_until(predicate, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
