"""How one relay process serves many sockets at once: gevent or threads.

``RELAY_WORKER`` chooses; unset, PostgreSQL gets gevent and SQLite gets threads
(docs/deploy.md has the measurements behind this). With gevent every socket is a greenlet in one
OS thread: no interpreter lock to fight over, so delivery stays steady with many sockets and
several relays. Its price is that a C call which blocks (a locked SQLite file, an Argon2 hash)
stalls every socket of the process; ``run_blocking`` moves such calls to a real thread.

This module is imported before anything else by ``python -m relay`` and imports nothing heavy
itself: gevent must patch the standard library before psycopg is imported, because psycopg picks
its way of waiting for the database when it is first imported.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Mapping, TypeVar

GEVENT = "gevent"
THREADS = "threads"
WORKERS = (GEVENT, THREADS)

T = TypeVar("T")


class UnknownWorker(ValueError):
    pass


def worker_kind(config: dict) -> str:
    """``RELAY_WORKER`` if set, else gevent for PostgreSQL and threads for anything else."""
    chosen = (config.get("RELAY_WORKER") or "").strip().lower()
    if chosen:
        if chosen not in WORKERS:
            raise UnknownWorker(f"RELAY_WORKER must be one of {', '.join(WORKERS)}, not {chosen!r}")
        return chosen
    return GEVENT if str(config.get("DATABASE_URL", "")).startswith("postgresql") else THREADS


def prepare_process(argv: list[str], environ: Mapping[str, str] | None = None) -> str | None:
    """Before ``python -m relay`` imports anything else: patch for gevent when ``serve`` will use it.

    Returns the worker ``serve`` will use, or None for the other commands (which stay unpatched).
    """
    if not argv or argv[0] != "serve":
        return None
    from relay.config import load_config  # light: os and pathlib only

    kind = worker_kind(load_config(environ=environ))
    if kind == GEVENT:
        from gevent import monkey

        monkey.patch_all()
    return kind


def gevent_active() -> bool:
    """Whether this process runs on gevent (its threading module patched)."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("threading")


def run_blocking(function: Callable[..., T], *args: Any) -> T:
    """Run a C call that holds the CPU for a while (an Argon2 hash) without stalling other sockets.

    Under gevent it runs in gevent's pool of real threads (the C code releases the interpreter lock,
    so the sockets' greenlets keep going meanwhile); with threads it simply runs here.
    """
    if not gevent_active():
        return function(*args)
    from gevent import get_hub

    return get_hub().threadpool.apply(function, args)
