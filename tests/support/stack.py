"""The live stack of the tests, built on bench/stack.py (the one owner of starting Rasa and relays).

`TEST_DATABASE_URL` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) runs everything on
that database instead of a fresh SQLite file; its tables are dropped and migrated fresh per test.
`TEST_RASA_URL` reuses an already running Rasa instead of starting one (handy while developing);
`TEST_RASA_TOKEN` is then the token it runs with. Rasa starts as `make run` starts it: its HTTP API
takes RASA_TOKEN (bench.stack.RASA_TOKEN), which every relay started here is given.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.stack import MODEL, REPO, Rasa, Relay

RASA_START_TIMEOUT = 300  # loading the model is slow, and far slower on shared, busy cores
RELAY_START_TIMEOUT = 120  # a relay trains its triage classifier at start: slow on shared, busy cores
# Rasa and the action server are Sanic apps, which read SANIC_* variables into their config: no
# access log (it names client addresses), and the action server listens on loopback only. The
# Procfiles set the same; tests/faults/test_privacy_logs.py holds both to it.
SANIC_PRIVACY_ENV = {"SANIC_ACCESS_LOG": "false", "SANIC_HOST": "127.0.0.1"}

# The Rasa that the session's rasa_stack fixture started (None with TEST_RASA_URL, or before it ran).
_session_rasa: Rasa | None = None


def fresh_database_url(tmp_path: Path) -> str:
    """A new SQLite file, or the PostgreSQL test database emptied (tables dropped, to migrate fresh)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def start_session_rasa(workdir: Path) -> Rasa:
    """Rasa and its action server on free ports, with the Procfile's privacy settings, once the model
    is loaded; RuntimeError (with the log's tail) if it does not start."""
    global _session_rasa
    if not MODEL.is_file():
        raise RuntimeError(f"No trained model at {MODEL.relative_to(REPO)}: run `make bot-train` first.")
    rasa = Rasa(workdir, env=SANIC_PRIVACY_ENV)
    try:
        rasa.start(timeout=RASA_START_TIMEOUT)
    except RuntimeError:
        rasa.stop()
        raise
    _session_rasa = rasa
    return rasa


def stop_session_rasa() -> None:
    global _session_rasa
    if _session_rasa is not None:
        _session_rasa.stop()
        _session_rasa = None


def running_rasa() -> Rasa | None:
    """The session's own Rasa (its processes, ports and logs), or None when it reuses TEST_RASA_URL."""
    return _session_rasa


class RelayServer(Relay):
    """`python -m relay serve` on the test's database; stop() and start() keep the port and the database,
    kill() is a crash. Accounts added here get the CLI's default number of chats."""

    def __init__(self, database_url: str, rasa_url: str, workdir: Path, env: dict | None = None):
        super().__init__(workdir, database_url, rasa_url, env=env)

    def start(self, timeout: float = RELAY_START_TIMEOUT, **extra_env) -> "RelayServer":
        super().start(timeout, **extra_env)
        return self

    def add_counsellor(
        self,
        username: str,
        password: str,
        name: str,
        regions="all",
        max_chats: int | None = None,
        supervisor: bool = False,
    ) -> None:
        super().add_counsellor(username, password, name, regions, max_chats, supervisor)
