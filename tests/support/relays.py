"""Two relays on one database and one Redis (REDIS_URL, default redis://127.0.0.1:6379/0;
TEST_REDIS_URL points elsewhere), and waiting for what travels between them."""

from __future__ import annotations

import os
import time
import uuid

from tests.support.drivers import ScriptedRasa, bot_says, handoff

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def two_relays(database_url):
    """Yield [relay A, relay B], each with a scripted Rasa that queues "Ik wil een mens"; closed after."""
    from relay import create_app
    from relay.bridge.triage import get_model_opinions
    from relay.broker import get_broker
    from relay.db import get_db

    separator = "&" if "?" in REDIS_URL else "?"
    redis_url = f"{REDIS_URL}{separator}prefix=voordeur-test-{uuid.uuid4().hex[:12]}"
    made = []
    for _ in range(2):
        relay = create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "RELAY_SCHEDULE": "always", "REDIS_URL": redis_url}
        )
        scripted = ScriptedRasa()
        scripted.answers["Ik wil een mens"] = bot_says("Ik zet je in de wachtrij.", signals=[handoff()])
        relay.extensions["relay_rasa"] = scripted
        made.append(relay)
    yield made
    for relay in made:
        get_model_opinions(relay).shutdown()
        get_broker(relay).close()
        get_db(relay).dispose()


def until(driver, wanted, timeout: float = 10.0) -> list[dict]:
    """Pump a driver until a frame matches ``wanted`` (events come through Redis, a moment later)."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += driver.pump()
        if any(wanted(frame) for frame in seen):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"not heard within {timeout} s: {seen}")
