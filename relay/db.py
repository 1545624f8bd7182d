"""The database of one app: an engine, a session factory and a unit of work per frame."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from flask import Flask, current_app
from sqlalchemy import Connection, Executable, Row, create_engine, event, exc
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from relay.broker.events import EVENTS_KEY, PendingEvents
from relay.ops import metrics

Publish = Callable[[str, dict[str, Any]], None]


class Database:
    def __init__(self, url: str, lock_timeout: float = 30.0, publish: Publish | None = None):
        self.url = url
        # Where the events of a committed unit of work go (the app's broker); None drops nothing
        # silently: a unit of work with events and nowhere to publish them raises.
        self._publish = publish
        self.engine = make_engine(url, lock_timeout)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL: a second, smaller pool for units of work that are one statement (a message).
        # Its connections stay in autocommit, and it skips the ping before each use: callers try
        # once more on a connection that turned out dead (see ``one_statement``).
        self._statement_engine = (
            make_engine(url, lock_timeout, one_statement=True) if url.startswith("postgresql") else None
        )

    @property
    def one_statement_units(self) -> bool:
        """Whether ``one_statement`` is available (PostgreSQL)."""
        return self._statement_engine is not None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on error, always release the session.

        The broker events added during it (``relay.broker.events.events_of(session)``) are published
        after the commit succeeded, in the order they were added, and dropped with a rollback: no
        caller publishes by hand, so none can forget to or announce what was not stored."""
        with self.sessions() as session:
            events = session.info[EVENTS_KEY] = PendingEvents()
            try:
                with session.begin():
                    yield session
            except BaseException:
                events.drop()
                raise
            self.publish(events)

    def publish(self, events: PendingEvents) -> None:
        """Publish events of work that is committed already (a one-statement unit, or the
        end of ``transaction``)."""
        if not events.items:
            return
        if self._publish is None:
            raise RuntimeError("this Database has no broker to publish its events to")
        events.publish(self._publish)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A unit of work without the ORM, for the hot paths that use Core statements only."""
        with self.engine.begin() as connection:
            yield connection

    def one_statement(self, statement: Executable, parameters: dict[str, Any]) -> Sequence[Row[Any]]:
        """Run one statement as its own transaction (PostgreSQL, autocommit) and return its result
        rows. On a connection found dead (the database restarted) the statement runs once more on a
        fresh one. Had the old connection died in the middle of the statement instead, the
        statement may have run: the second try then meets the visitor's message id (IntegrityError,
        which the caller answers with the stored echo) or, for a counsellor's message or a bot's
        answers, stores them twice; a rare double line, never a lost one."""
        try:
            return self._run_one_statement(statement, parameters)
        except exc.DBAPIError as error:
            if not error.connection_invalidated:
                raise
        return self._run_one_statement(statement, parameters)

    def _run_one_statement(self, statement: Executable, parameters: dict[str, Any]) -> Sequence[Row[Any]]:
        if self._statement_engine is None:
            raise RuntimeError("one_statement needs PostgreSQL (see one_statement_units)")
        with self._statement_engine.connect() as connection:
            return connection.execute(statement, parameters).all()

    def warm_up(self) -> int:
        """Open each pool's steady connections now rather than on the first busy second; returns
        how many were opened. Connections beyond these (the pools' overflow) still open on demand."""
        opened = 0
        for engine in (self.engine, self._statement_engine):
            if engine is None or not hasattr(engine.pool, "size"):
                continue
            connections = [engine.connect() for _ in range(engine.pool.size())]
            for connection in connections:
                connection.close()
            opened += len(connections)
        return opened

    def dispose(self) -> None:
        self.engine.dispose()
        if self._statement_engine is not None:
            self._statement_engine.dispose()


def make_engine(url: str, lock_timeout: float = 30.0, one_statement: bool = False) -> Engine:
    """An engine whose units of work give up on a held lock after ``lock_timeout`` seconds (the
    client then hears "unavailable" and nothing is half-written), and whose pool replaces
    connections that died meanwhile (pre-ping), so the relay recovers without a restart.

    ``one_statement``: for Database.one_statement (PostgreSQL): autocommit, and no ping before each
    use, which cost a round trip per message."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": lock_timeout})
        _serialize_sqlite_writers(engine)
        return engine
    connect_args = {"options": f"-c lock_timeout={int(lock_timeout * 1000)}"} if url.startswith("postgresql") else {}
    if one_statement:
        return create_engine(url, pool_size=5, max_overflow=15, isolation_level="AUTOCOMMIT", connect_args=connect_args)
    return create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=True, connect_args=connect_args)


@event.listens_for(Engine, "handle_error")
def _count_database_error(context: ExceptionContext) -> None:
    """Every database error of this process, on any engine and connecting included, is counted
    (relay.ops.metrics); a unique key that caught a re-sent message is the relay working as meant."""
    if not isinstance(context.sqlalchemy_exception, exc.IntegrityError):
        metrics.DATABASE_ERRORS.inc()


def _serialize_sqlite_writers(engine: Engine) -> None:
    """Make every SQLite transaction BEGIN IMMEDIATE.

    With the default deferred BEGIN two threads can both read and then fail to upgrade to a write
    lock ("database is locked"). IMMEDIATE takes the write lock up front and waits for it (busy
    timeout), which is what the conditional updates of the queue rely on.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:  # a DB-API connection: untyped
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    from relay.broker import get_broker  # looked up on each publish: the broker is set up after the database

    def publish(channel: str, event: dict[str, Any]) -> None:
        get_broker(app).publish(channel, event)

    app.extensions["relay_db"] = Database(
        app.config["DATABASE_URL"], app.config.get("DATABASE_LOCK_TIMEOUT", 30.0), publish=publish
    )


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["relay_db"]
