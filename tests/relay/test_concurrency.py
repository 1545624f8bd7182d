"""How `serve` runs sockets (gevent on PostgreSQL, threads on SQLite) and what that choice implies."""

import os
import subprocess
import sys
import textwrap

import pytest
import requests

from bench.stack import REPO, Relay
from relay.config import load_config
from relay.ops.concurrency import (
    GEVENT,
    THREADS,
    UnknownWorker,
    gevent_active,
    prepare_process,
    run_blocking,
    worker_kind,
)
from relay.ops.serve import worker_options
from tests.support.stack import RELAY_START_TIMEOUT

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/voordeur"
SQLITE = "sqlite:////tmp/relay.sqlite3"


@pytest.mark.parametrize("url, expected", [(POSTGRES, GEVENT), (SQLITE, THREADS)])
def test_the_database_chooses_the_worker_unless_the_operator_does(url, expected):
    assert worker_kind({"DATABASE_URL": url}) == expected
    assert worker_kind({"DATABASE_URL": url, "RELAY_WORKER": "threads"}) == THREADS
    assert worker_kind({"DATABASE_URL": url, "RELAY_WORKER": " Gevent "}) == GEVENT


def test_an_unknown_worker_is_refused_with_the_choices():
    with pytest.raises(UnknownWorker, match="gevent, threads"):
        worker_kind({"DATABASE_URL": POSTGRES, "RELAY_WORKER": "eventlet"})


def test_python_m_relay_says_so_when_the_worker_is_unknown():
    done = subprocess.run(
        [sys.executable, "-m", "relay", "serve"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "RELAY_WORKER": "eventlet"},
        timeout=60,
    )
    assert done.returncode == 2
    assert "RELAY_WORKER must be one of gevent, threads" in done.stderr


def test_both_workers_hold_as_many_sockets_as_configured():
    config = load_config({"DATABASE_URL": POSTGRES, "RELAY_THREADS": 500})
    assert worker_options(config) == {"workers": 1, "worker_class": "gevent", "worker_connections": 600}
    config["RELAY_WORKER"] = "threads"
    assert worker_options(config) == {
        "workers": 1,
        "worker_class": "gthread",
        "threads": 500,
        "worker_connections": 600,
    }


def test_only_serve_is_prepared_and_threads_need_no_patching():
    assert prepare_process(["db", "upgrade"], environ={"DATABASE_URL": POSTGRES}) is None
    assert prepare_process(["serve"], environ={"DATABASE_URL": SQLITE}) == THREADS
    assert not gevent_active()


def test_without_gevent_a_blocking_call_simply_runs_here():
    assert run_blocking(pow, 2, 10) == 1024


def test_under_gevent_a_password_hash_does_not_stall_the_other_sockets():
    """A counsellor's login (an Argon2 hash) while chats go on: the other greenlets keep running."""
    script = textwrap.dedent("""
        from relay.ops.concurrency import prepare_process
        prepare_process(["serve"], environ={"DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/x"})
        import gevent
        from argon2 import PasswordHasher
        from relay.ops.concurrency import gevent_active, run_blocking

        assert gevent_active()
        hasher = PasswordHasher(time_cost=8)
        ticks = []

        def chat():
            while True:
                ticks.append(1)
                gevent.sleep(0.002)

        ticker = gevent.spawn(chat)
        gevent.sleep(0.01)
        before = len(ticks)
        hasher.hash("on the event loop")
        on_loop = len(ticks) - before
        before = len(ticks)
        run_blocking(hasher.hash, "in a real thread")
        off_loop = len(ticks) - before
        ticker.kill()
        print(on_loop, off_loop)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    on_loop, off_loop = map(int, done.stdout.split())
    assert on_loop == 0  # the proof that the hash alone would stall every socket of the process
    assert off_loop >= 3


def test_the_production_command_serves_and_lets_a_counsellor_log_in(database_url, tmp_path):
    """`python -m relay serve` on this run's database: gevent on PostgreSQL, threads on SQLite."""
    server = Relay(tmp_path, database_url).start(timeout=RELAY_START_TIMEOUT)
    try:
        added = subprocess.run(
            [sys.executable, "-m", "relay", "counsellor", "add", "anna", "--name", "Anna", "--regions", "all"],
            cwd=REPO,
            env={**os.environ, "DATABASE_URL": database_url},
            input="geheim-wachtwoord-1\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert added.returncode == 0, added.stderr
        login = requests.post(
            f"{server.url}/api/console/login", timeout=10, json={"username": "anna", "password": "geheim-wachtwoord-1"}
        )
        wrong = requests.post(
            f"{server.url}/api/console/login", timeout=10, json={"username": "anna", "password": "niet-het-wachtwoord"}
        )
    finally:
        server.stop()
    assert login.status_code == 200 and "voordeur_console" in login.cookies
    assert wrong.status_code == 401
    assert server.worker_class() == ("gevent" if database_url.startswith("postgresql") else "gthread")
