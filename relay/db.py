"""The database of one app: an engine, a session factory and a unit of work per frame."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app
from sqlalchemy import Connection, create_engine, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


class Database:
    def __init__(self, url: str, lock_timeout: float = 30.0):
        self.url = url
        self.engine = make_engine(url, lock_timeout)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Same pool; each statement is its own transaction (for single-statement units of work).
        self._autocommit_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on error, always release the session."""
        with self.sessions() as session:
            with session.begin():
                yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A unit of work without the ORM, for the hot paths that use Core statements only."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection on which every statement commits by itself: only for units of work that are
        one statement."""
        with self._autocommit_engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, lock_timeout: float = 30.0) -> Engine:
    """An engine whose units of work give up on a held lock after ``lock_timeout`` seconds (the
    client then hears "unavailable" and nothing is half-written), and whose pool replaces
    connections that died while idle, so the relay recovers without a restart."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": lock_timeout})
        _serialize_sqlite_writers(engine)
        return engine
    connect_args = {"options": f"-c lock_timeout={int(lock_timeout * 1000)}"} if url.startswith("postgresql") else {}
    engine = create_engine(url, pool_size=10, max_overflow=40, connect_args=connect_args)
    _ping_idle_connections(engine)
    return engine


# A connection back in use within this many seconds is not pinged first.
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection before use only if it sat idle for a while.

    SQLAlchemy's pool_pre_ping pings on every checkout, which cost a round trip per message under
    load. A database restart shows up on the idle connections; one that breaks while in use fails
    that unit of work, the client hears "unavailable" (the widget sends the message again), and the
    pool then replaces every connection older than the failure.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool discards this connection and checks out another
            raise exc.DisconnectionError(str(error)) from error


def _serialize_sqlite_writers(engine: Engine) -> None:
    """Make every SQLite transaction BEGIN IMMEDIATE.

    With the default deferred BEGIN two threads can both read and then fail to upgrade to a write
    lock ("database is locked"). IMMEDIATE takes the write lock up front and waits for it (busy
    timeout), which is what the conditional updates of the queue rely on.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    app.extensions["relay_db"] = Database(app.config["DATABASE_URL"], app.config.get("DATABASE_LOCK_TIMEOUT", 30.0))


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["relay_db"]
