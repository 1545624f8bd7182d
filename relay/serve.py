"""Running the relay for real use: gunicorn's threaded worker, so every socket gets a thread."""
from __future__ import annotations

import logging
import re

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from relay import create_app
from relay.config import load_config
from relay.migrate import upgrade_database

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

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.addFilter(RedactClientAddresses())


class RelayServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        app = create_app()
        # Runs in the worker (no preload): transcripts past their retention are deleted while serving.
        from relay.retention import start_periodic_purge

        start_periodic_purge(app)
        return app


def serve(host: str, port: int | None) -> None:
    config = load_config()
    upgrade_database(config["DATABASE_URL"])
    RelayServer({
        "bind": f"{host}:{port or config['RELAY_PORT']}",
        "worker_class": "gthread",
        # One worker keeps the in-process broker whole; REDIS_URL is the way to more processes.
        "workers": 1,
        "threads": config["RELAY_THREADS"],
        # gthread stops accepting at worker_connections (default 1000) even with threads to spare:
        # room for a socket on every thread, plus keep-alive HTTP requests.
        "worker_connections": config["RELAY_THREADS"] + 100,
        # A socket holds its thread for the whole chat; the worker still heartbeats.
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
    }).run()
