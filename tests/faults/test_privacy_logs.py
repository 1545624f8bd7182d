"""No client address in any log or in the database, after real conversations through the whole stack.

Rasa and the action server run with the Procfile's settings (tests/conftest.py uses the same
SANIC_PRIVACY_ENV): no Sanic access log, and the action server bound to 127.0.0.1 only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import column, create_engine, inspect, select, table

from tests.support.clients import Counsellor, Visitor, follow_bot_to_queue
from tests.support.stack import SANIC_PRIVACY_ENV, running_rasa

pytestmark = pytest.mark.rasa
REPO = Path(__file__).resolve().parents[2]
PASSWORD = "geheim-wachtwoord-1"
ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|::1\b|::ffff:")
# Lines that name the address a server listens on (its own), not a client's.
OWN_BIND = re.compile(r"Starting Rasa server on|up and running on|Listening at")


def procfile_lines(name: str) -> dict[str, str]:
    return dict(line.split(":", 1) for line in (REPO / name).read_text().splitlines() if ":" in line)


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.scaled"])
def test_procfiles_turn_off_access_logs_and_keep_the_action_server_local(procfile):
    for name, command in procfile_lines(procfile).items():
        if "rasa run" in command:
            assert "SANIC_ACCESS_LOG=false" in command, f"{procfile} {name}"
        if "rasa run actions" in command:
            assert "SANIC_HOST=127.0.0.1" in command, f"{procfile} {name}"
        elif "rasa run" in command:
            assert "-i 127.0.0.1" in command, f"{procfile} {name}"
    assert SANIC_PRIVACY_ENV == {"SANIC_ACCESS_LOG": "false", "SANIC_HOST": "127.0.0.1"}


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def client_addresses(log: Path) -> list[str]:
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if ADDRESS.search(line) and not OWN_BIND.search(line)
    ]


def test_no_client_address_in_any_log_or_the_database(relay_server, database_url):
    rasa = running_rasa()
    if rasa is None:
        pytest.skip("TEST_RASA_URL: the Rasa logs are not ours")
    assert listening_addresses(rasa.action_port) == {"0100007F"}  # 127.0.0.1, nothing else

    relay_server.add_counsellor("anna", PASSWORD, "Anna", ["utrecht"])
    anna = Counsellor(relay_server, "anna", PASSWORD)
    visitor = Visitor(relay_server)
    session = visitor.hello()
    follow_bot_to_queue(visitor, nickname="Sam", town="Utrecht")
    anna.send({"type": "take", "conversation": session["conversation"]})
    anna.until(lambda f: f["type"] == "taken")
    visitor.say("Hallo Anna")
    anna.until(lambda f: f["type"] == "message" and f["from"] == "visitor")
    visitor.close()
    anna.close()

    for log in (relay_server.log, rasa.log, rasa.action_log):
        assert client_addresses(log) == [], log.name

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            for name in inspect(connection).get_table_names():
                columns = [c["name"] for c in inspect(connection).get_columns(name)]
                rows = connection.execute(select(*[column(c) for c in columns]).select_from(table(name))).all()
                assert not ADDRESS.search(repr(rows)), name
    finally:
        engine.dispose()
