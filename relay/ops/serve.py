"""Running the relay for real use: gunicorn with one worker, on gevent or threads (relay/ops/concurrency.py)."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config
from gunicorn.glogging import Logger

from relay import create_app
from relay.config import load_config
from relay.ops.concurrency import GEVENT, gevent_active, worker_kind
from relay.ops.migrate import upgrade_database

log = logging.getLogger(__name__)

# No remote address (%(h)s) and no query string: visitor IPs are never logged.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


# gunicorn names the client in some warnings ("Invalid request from ip=..."); those are rewritten.
CLIENT_ADDRESS = re.compile(r"\bip=\S+|\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b", re.I)


class RedactClientAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = CLIENT_ADDRESS.sub("[address]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, minus client addresses in its error log."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.addFilter(RedactClientAddresses())


class RelayServer(BaseApplication):
    def __init__(self, options: dict[str, Any]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        app = create_app()
        # Runs in the worker (no preload): transcripts past their retention are deleted while serving.
        from relay.ops.retention import start_periodic_purge

        start_periodic_purge(app)
        # Heartbeats of this relay's sockets, ghost chats out of the queue, orphaned chats back in it.
        from relay.ops.presence import start_presence_keeper

        start_presence_keeper(app)
        warm_up(app)
        return app


def warm_up(app: Flask) -> None:
    """Open the pools' connections before the first visitor needs them.

    A relay that starts cold under load opens dozens of database and Redis connections at once,
    each a few round trips, while messages wait (the measured delay is in docs/performance.md).
    """
    from relay.broker import get_broker
    from relay.db import get_db

    opened = get_db(app).warm_up() + get_broker(app).warm_up()
    log.info("relay worker ready: %d connections opened ahead", opened)


def worker_options(config: dict) -> dict:
    """gunicorn's worker settings for ``RELAY_WORKER`` (one worker; more processes scale out)."""
    kind = worker_kind(config)
    # Room for a socket per thread or greenlet, plus keep-alive HTTP requests (gunicorn's default
    # of 1,000 connections would stop a threaded worker early even with threads to spare).
    options = {"workers": 1, "worker_connections": config["RELAY_THREADS"] + 100}
    if kind == GEVENT:
        return {**options, "worker_class": "gevent"}
    return {**options, "worker_class": "gthread", "threads": config["RELAY_THREADS"]}


def serve(host: str, port: int | None) -> None:
    config = load_config()
    options = worker_options(config)
    if options["worker_class"] == "gevent":
        if not gevent_active():
            raise RuntimeError(
                "the gevent worker needs the process patched first: start it with "
                "`python -m relay serve` (or set RELAY_WORKER=threads)"
            )
        if config["DATABASE_URL"].startswith("sqlite"):
            log.warning(
                "RELAY_WORKER=gevent with SQLite: while the database file is locked, "
                "every socket of this process waits"
            )
    upgrade_database(config["DATABASE_URL"])
    RelayServer(
        {
            "bind": f"{host}:{port or config['RELAY_PORT']}",
            # One worker keeps the in-process broker whole; REDIS_URL is the way to more processes.
            **options,
            # A socket holds its thread (or greenlet) for the whole chat; the worker still heartbeats.
            "timeout": 60,
            "graceful_timeout": 5,
            "keepalive": 5,
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "logger_class": PrivateLogger,
            "loglevel": "info",
            "proc_name": "voordeur-relay",
            # Several relays (tests, side-by-side processes) must not fight over one control socket.
            "control_socket_disable": True,
        }
    ).run()
