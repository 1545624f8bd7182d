"""One way to run a relay's background work: a daemon thread that calls a job every so many seconds
and survives the job's errors (the database may be away for a moment; it tries again next time)."""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)


def every(interval: float, job: Callable[[], object], name: str, first_delay: float | None = None) -> threading.Event:
    """Call ``job`` every ``interval`` seconds (the first time after ``first_delay``, if given and
    shorter) in a daemon thread named ``name``; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        delay = interval if first_delay is None else min(first_delay, interval)
        while not stop.wait(delay):
            delay = interval
            try:
                job()
            except Exception:  # the database may be away for a moment; try again next time
                log.exception("%s failed", name)

    threading.Thread(target=loop, name=name, daemon=True).start()
    return stop
