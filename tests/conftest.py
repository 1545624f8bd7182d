"""Shared fixtures: a live Rasa stack, a live relay, and the flaskr-style ``app``/``client``.

`TEST_DATABASE_URL` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) runs everything on
that database instead of a fresh SQLite file; its tables are dropped and migrated fresh per test.
`TEST_RASA_URL` reuses an already running Rasa instead of starting one (handy while developing);
`TEST_RASA_TOKEN` is then the token it runs with. Rasa starts as `make run` starts it: its HTTP API
takes RASA_TOKEN, which every relay started here is given.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bench.stack import RASA_TOKEN, free_port, tail
from bench.stack import stop as stop_process_group

REPO = Path(__file__).resolve().parent.parent
# tests/relay/ would otherwise shadow the relay package as a namespace package.
sys.path.insert(0, str(REPO))
MODEL = REPO / "bot" / "models" / "voordeur.tar.gz"
BOT_PYTHON_BIN = REPO / ".venv-bot" / "bin"
RASA_START_TIMEOUT = 300  # the model loads in ~30 s alone, far slower on shared, busy cores
RELAY_START_TIMEOUT = 120  # a relay trains its triage classifier at start: slow on shared, busy cores
# Rasa and the action server are Sanic apps, which read SANIC_* variables into their config: no
# access log (it names client addresses), and the action server listens on loopback only. The
# Procfiles set the same; tests/faults/test_privacy_logs.py holds both to it.
SANIC_PRIVACY_ENV = {"SANIC_ACCESS_LOG": "false", "SANIC_HOST": "127.0.0.1"}
# What the session's rasa_stack started (empty with TEST_RASA_URL): logs, and the action server's
# process with a way to start it again, for the fault tests.
RASA_STACK: dict = {}


def _tail(path: Path, lines: int = 40) -> str:
    return tail(path, lines)


# ---- database ------------------------------------------------------------------------------------


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
    get_model_opinions(app).shutdown()
    real_rasa.close()
    get_db(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# ---- live Rasa -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory):
    """Rasa and its action server on free ports; yields Rasa's base URL once the model is loaded."""
    if os.environ.get("TEST_RASA_URL"):
        yield os.environ["TEST_RASA_URL"].rstrip("/")
        return
    if not MODEL.is_file():
        pytest.fail(f"No trained model at {MODEL.relative_to(REPO)}: run `make bot-train` first.")
    workdir = tmp_path_factory.mktemp("rasa")
    rasa_port, action_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    # The same privacy settings as the Procfile: no access log (client addresses), action server on loopback.
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(REPO), **SANIC_PRIVACY_ENV}
    action_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    action_command = [str(BOT_PYTHON_BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(action_port)]

    def start_actions() -> subprocess.Popen:
        with action_log.open("ab") as log:
            return subprocess.Popen(
                action_command, cwd=REPO / "bot", env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    actions = start_actions()
    with rasa_log.open("wb") as log:
        rasa = subprocess.Popen(
            [
                str(BOT_PYTHON_BIN / "rasa"),
                "run",
                "--enable-api",
                "--auth-token",
                RASA_TOKEN,
                "-m",
                str(MODEL),
                "-i",
                "127.0.0.1",
                "-p",
                str(rasa_port),
                "--endpoints",
                str(endpoints),
            ],
            cwd=REPO / "bot",
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{rasa_port}"
    RASA_STACK.update(
        url=url,
        rasa_log=rasa_log,
        action_log=action_log,
        action_port=action_port,
        actions=actions,
        start_actions=start_actions,
    )
    try:
        _wait_for_model(url, rasa, rasa_log)
        yield url
    finally:
        stop_process_group(rasa)
        stop_process_group(RASA_STACK["actions"])
        RASA_STACK.clear()


def _wait_for_model(url: str, rasa: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + RASA_START_TIMEOUT
    while time.monotonic() < deadline:
        if rasa.poll() is not None:
            pytest.fail(f"Rasa exited while starting:\n{_tail(log)}")
        try:
            status = requests.get(f"{url}/status", params={"token": RASA_TOKEN}, timeout=2).json()
            if status.get("model_file") or status.get("model_id"):
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(1)
    pytest.fail(f"Rasa did not load its model within {RASA_START_TIMEOUT} s:\n{_tail(log)}")


# ---- live relay ----------------------------------------------------------------------------------


class RelayServer:
    """`python -m relay serve` as a subprocess; stop() and start() keep the port and the database."""

    def __init__(self, database_url: str, rasa_url: str, workdir: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log = workdir / "relay.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "RELAY_SCHEDULE": "always",
            "RASA_URL": rasa_url,
            "RASA_TOKEN": RASA_TOKEN,
            "RELAY_PORT": str(self.port),
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, **extra_env) -> "RelayServer":
        self.env.update({key: str(value) for key, value in extra_env.items()})
        with self.log.open("ab") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [sys.executable, "-m", "relay", "serve", "--port", str(self.port)],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + RELAY_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"relay exited while starting:\n{_tail(self.log)}")
            try:
                if requests.get(f"{self.url}/api/status", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.kill()  # not left running behind the failed test
        raise RuntimeError(f"relay did not start within {RELAY_START_TIMEOUT} s:\n{_tail(self.log)}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)
            self.process = None

    def kill(self) -> None:
        """SIGKILL the relay, as a crash or the OOM killer would: no cleanup of any kind."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def add_counsellor(self, username: str, password: str, name: str, regions, max_chats: int | None = None) -> None:
        regions = regions if isinstance(regions, str) else ",".join(regions)
        command = [sys.executable, "-m", "relay", "counsellor", "add", username, "--name", name, "--regions", regions]
        if max_chats is not None:
            command += ["--max-chats", str(max_chats)]
        subprocess.run(
            command, cwd=REPO, env=self.env, input=password + "\n", text=True, check=True, capture_output=True
        )

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log, lines)


@pytest.fixture
def relay_server(rasa_stack, database_url, tmp_path):
    server = RelayServer(database_url, rasa_stack, tmp_path).start()
    yield server
    server.stop()
