"""Configuration: defaults, then the environment, then a test dict.

This is the only module that reads ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Where `make run` keeps a developer's Rasa API token between runs (instance/ is not committed).
RASA_TOKEN_FILE = REPO_ROOT / "instance" / "rasa-token"

DEFAULTS = {
    "RELAY_PORT": 8000,
    "DATABASE_URL": "sqlite:///instance/relay.sqlite3",
    "REDIS_URL": None,
    "RASA_URL": "http://127.0.0.1:5005",
    # The token of Rasa's HTTP API (`rasa run --auth-token`), sent on every API call but the REST
    # channel's; unset, the one `make run` keeps in RASA_TOKEN_FILE, if any (docs/deploy.md).
    "RASA_TOKEN": None,
    "RELAY_SCHEDULE": None,
    # Comma-separated origins allowed to open the visitor socket; "*" (the default) allows any
    # site that embeds the widget.
    "RELAY_ALLOWED_ORIGINS": "*",
    "RELAY_MAX_CHATS": 3,
    # How `serve` runs sockets: "gevent" or "threads"; unset, gevent on PostgreSQL and threads on
    # SQLite (relay/ops/concurrency.py, docs/deploy.md).
    "RELAY_WORKER": None,
    # Sockets and requests one process serves at once (threads, or greenlets with gevent): 2,000
    # sockets per process plus room for HTTP requests.
    "RELAY_THREADS": 2100,
    # Seconds to wait for one Rasa answer (a visitor's first message gets the relay's own answer
    # within this when Rasa hangs), and for the model's opinion while a human has the chat.
    "RASA_TIMEOUT": 4.0,
    "RASA_PARSE_TIMEOUT": 3.0,
    # Threads that ask Rasa's model about messages in chats a human has (relay/bridge/triage.py).
    "RELAY_URGENCY_WORKERS": 4,
    # While Rasa is down, how often one background probe asks whether it is back (relay/bridge/rasa.py).
    "RASA_PROBE_SECONDS": 2.0,
    "CONSOLE_SESSION_HOURS": 12,
    # Privacy (docs/privacy.md): days after its last activity that a conversation is deleted, and
    # how often the running relay looks (seconds). Rasa's trackers are purged alongside: through
    # its HTTP API, and directly in its SQL tracker store when RASA_TRACKER_STORE_URL names it.
    "RELAY_RETENTION_DAYS": 30.0,
    "RELAY_PURGE_INTERVAL": 3600.0,
    "RASA_TRACKER_STORE_URL": None,
    # Per visitor socket: a burst of this many messages, then this many per second.
    "RELAY_RATE_BURST": 10,
    "RELAY_RATE_PER_SECOND": 1.0,
    # Presence (docs/operations.md): how often each relay writes the heartbeat of its sockets and
    # sweeps; a queued visitor gone this long leaves the queue (back at the back on return); a chat
    # whose counsellor has had no console open this long goes back to the front of its queue.
    "RELAY_PRESENCE_INTERVAL": 15.0,
    "RELAY_QUEUE_GONE_S": 900.0,
    "RELAY_COUNSELLOR_GRACE_S": 120.0,
    # A visitor whose expected wait passes this many seconds is offered the backup region (achtervang).
    "RELAY_BACKUP_AFTER_S": 600.0,
    # An urgent or high-risk chat queued longer than this alerts the supervisors of its region (once).
    "RELAY_SUPERVISOR_ALERT_S": 120.0,
    # Seconds a unit of work waits for a database lock before the client hears "unavailable".
    "DATABASE_LOCK_TIMEOUT": 30.0,
    "COOKIE_SECURE": False,
    # The bearer token Prometheus sends to GET /metrics; unset, /metrics answers 404 (docs/operations.md).
    "RELAY_METRICS_TOKEN": None,
    "WIDGET_DIR": str(REPO_ROOT / "widget"),
    "CONTENT_DIR": str(REPO_ROOT / "content"),
    "TESTING": False,
}

# Environment variables whose values are numbers or booleans rather than strings.
_INTEGERS = {
    "RELAY_PORT",
    "RELAY_MAX_CHATS",
    "RELAY_THREADS",
    "RELAY_URGENCY_WORKERS",
    "CONSOLE_SESSION_HOURS",
    "RELAY_RATE_BURST",
}
_FLOATS = {
    "RASA_TIMEOUT",
    "RASA_PARSE_TIMEOUT",
    "RASA_PROBE_SECONDS",
    "RELAY_RETENTION_DAYS",
    "RELAY_PURGE_INTERVAL",
    "RELAY_RATE_PER_SECOND",
    "RELAY_PRESENCE_INTERVAL",
    "RELAY_QUEUE_GONE_S",
    "RELAY_COUNSELLOR_GRACE_S",
    "RELAY_BACKUP_AFTER_S",
    "RELAY_SUPERVISOR_ALERT_S",
    "DATABASE_LOCK_TIMEOUT",
}
_BOOLEANS = {"COOKIE_SECURE"}


def _convert(key: str, value: str) -> int | float | bool | str:
    if key in _INTEGERS:
        return int(value)
    if key in _FLOATS:
        return float(value)
    if key in _BOOLEANS:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value


def load_config(test_config: dict | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Merge defaults, the environment (only known keys) and an optional test dict."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for key in DEFAULTS:
        if environ.get(key):
            config[key] = _convert(key, environ[key])
    if test_config:
        config.update(test_config)
    if not config["RASA_TOKEN"] and "RASA_TOKEN" not in (test_config or {}) and RASA_TOKEN_FILE.is_file():
        config["RASA_TOKEN"] = RASA_TOKEN_FILE.read_text().strip() or None
    config["DATABASE_URL"] = absolute_sqlite_url(str(config["DATABASE_URL"]))
    return config


def absolute_sqlite_url(url: str) -> str:
    """Anchor a relative SQLite path at the repository root, so the cwd does not matter."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + "/") or ":memory:" in url:
        return url
    path = REPO_ROOT / url[len(prefix) :]
    path.parent.mkdir(parents=True, exist_ok=True)
    return prefix + str(path)


def developer_rasa_token(path: Path = RASA_TOKEN_FILE) -> str:
    """The token in ``path``, made on first use (readable by its owner only): what `make run` gives
    Rasa and the relay when RASA_TOKEN is not set."""
    if not path.is_file() or not path.read_text().strip():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created 0600 from the start, so the token is never readable by others, not even briefly.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # an empty file left by hand keeps its mode otherwise
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip()
