"""The service figures when two relay processes share one PostgreSQL and one Redis: visitors queued,
taken and leaving on both at once add up to exactly what happened (docs/figures.md)."""

import threading

import pytest
import requests

from bench.stack import FakeRasaProcess, Relay
from tests.support.clients import WAIT, Counsellor, Visitor, login_cookie
from tests.support.stack import RELAY_START_TIMEOUT

PASSWORD = "geheim-wachtwoord-1"


def at_once(actions):
    """Run each action in its own thread, all released together; wait for all of them."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def run(action):
        barrier.wait()
        try:
            action()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


@pytest.fixture
def relays(postgres_url, redis_url, tmp_path):
    fake = FakeRasaProcess(tmp_path)
    started = [Relay(tmp_path, postgres_url, fake.url, redis_url=redis_url) for _ in range(2)]
    for relay in started:
        relay.start(timeout=RELAY_START_TIMEOUT)
    yield started
    for relay in started:
        relay.stop()
    fake.stop()


@pytest.mark.postgres
def test_two_relays_add_up_the_figures(relays):
    relay_a, relay_b = relays
    relay_a.add_counsellor("anna", PASSWORD, "Anna", "all")
    relay_a.add_counsellor("bram", PASSWORD, "Bram", "all")
    relay_a.add_counsellor("sofie", PASSWORD, "Sofie", "all", supervisor=True)
    visitors = [Visitor(relay_a if i % 2 else relay_b) for i in range(12)]
    for visitor in visitors:
        visitor.hello()

    def queue(visitor):
        visitor.say("Ik wil met iemand praten")
        visitor.until(lambda f: f["type"] == "queue")

    at_once([lambda v=v: queue(v) for v in visitors])

    counsellors = [Counsellor(relay_a, "anna", PASSWORD), Counsellor(relay_b, "bram", PASSWORD)]

    def take_three(counsellor):
        for _ in range(3):
            counsellor.send({"type": "take"})
            assert counsellor.until(lambda f: f["type"] in ("taken", "error"))[-1]["type"] == "taken"

    at_once([lambda c=c: take_three(c) for c in counsellors])
    waiting = [v for v in visitors if not any(f["type"] == "agent" and f["kind"] == "counsellor" for f in v.quiet(1.0))]
    assert len(waiting) == 6

    def leave(visitor):
        visitor.send({"type": "end"})
        visitor.until(lambda f: f["type"] == "ended")

    at_once([lambda v=v: leave(v) for v in waiting])

    cookie = login_cookie(relay_b, "sofie", PASSWORD)
    stats = requests.get(f"{relay_b.url}/api/console/stats", cookies={"voordeur_console": cookie}, timeout=WAIT)
    total = stats.json()["total"]
    assert (total["offered"], total["answered"], total["abandoned"]) == (12, 6, 6)
    anna = login_cookie(relay_a, "anna", PASSWORD)
    assert (
        requests.get(f"{relay_a.url}/api/console/stats", cookies={"voordeur_console": anna}, timeout=WAIT).status_code
        == 403
    )
    for client in [*visitors, *counsellors]:
        client.close()
