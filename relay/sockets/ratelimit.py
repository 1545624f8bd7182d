"""A token bucket per visitor socket: a burst of messages is fine, a flood is slowed down."""

from __future__ import annotations

import time
from typing import Callable


class TokenBucket:
    """``capacity`` messages at once, refilled at ``rate`` per second."""

    def __init__(self, capacity: int, rate: float, clock: Callable[[], float] = time.monotonic):
        self.capacity = max(1, int(capacity))
        self.rate = max(0.0, float(rate))
        self.clock = clock
        self.tokens = float(self.capacity)
        self.updated: float | None = None  # set by the first message, which may have arrived earlier

    def allow(self, now: float | None = None) -> bool:
        """Take a token for a message that arrived at ``now`` (the clock's reading by default)."""
        now = self.clock() if now is None else now
        if self.updated is None:
            self.updated = now
        now = max(now, self.updated)  # arrivals are in order; never refill backwards
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
