"""The operations endpoints: /metrics (behind its token), /healthz and /readyz, on the real app."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.serving import make_server

from relay.bridge.rasa import RasaClient, RasaUnavailable, get_rasa
from relay.db import Database, get_db
from tests.support.clients import Counsellor, Visitor, of_type

TOKEN = "scrape-token-for-tests"
RASA_TOKEN = "rasa-api-token-for-tests"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client) -> tuple[str, Samples]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }
    return body, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def scraped(app):
    app.config["RELAY_METRICS_TOKEN"] = TOKEN
    return app.test_client()


class FakeRasaStatus(BaseHTTPRequestHandler):
    """Rasa's GET /status: 200 to the right token, 401 otherwise."""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        url = urlparse(self.path)
        accepted = url.path == "/status" and parse_qs(url.query).get("token") == [RASA_TOKEN]
        body = b'{"model_file": "voordeur.tar.gz"}' if accepted else b"{}"
        self.send_response(200 if accepted else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def answering_rasa(app) -> Iterator[RasaClient]:
    """The real RasaClient, talking to a Rasa that answers its status (with the relay's token)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasaStatus)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = RasaClient(
        f"http://127.0.0.1:{server.server_port}",
        timeout=app.config["RASA_TIMEOUT"],
        parse_timeout=app.config["RASA_PARSE_TIMEOUT"],
        token=RASA_TOKEN,
    )
    app.extensions["relay_rasa"] = client
    yield client
    client.close()
    server.shutdown()
    server.server_close()


# ---- /metrics -------------------------------------------------------------------------------------


def test_a_scrape_counts_messages_bot_turns_alerts_and_queues_and_names_no_visitor(scraped, visitor_factory):
    _, before = scrape(scraped)
    visitor = visitor_factory()
    visitor.hello()  # the bot's greeting: a bot turn
    secret = "mijn buurman Jan de Vries slaat me nu"  # graded acute by the rules: an alert
    assert of_type(visitor.say(secret), "alert")
    visitor.say("/request_human")  # the bot hands off to Utrecht: the queue
    body, after = scrape(scraped)

    assert (
        value(after, "voordeur_messages_stored_total", sender="visitor")
        - value(before, "voordeur_messages_stored_total", sender="visitor")
        == 2
    )
    assert (
        value(after, "voordeur_messages_stored_total", sender="bot")
        - value(before, "voordeur_messages_stored_total", sender="bot")
        >= 4
    )  # greeting (2), an answer, the hand-off
    assert value(after, "voordeur_bot_turn_seconds_count") - value(before, "voordeur_bot_turn_seconds_count") == 3
    assert value(after, "voordeur_alert_seconds_count") - value(before, "voordeur_alert_seconds_count") == 1
    assert value(after, "voordeur_queue_length", region="utrecht") == 1
    assert value(after, "voordeur_queue_length", region="zeeland") == 0  # every region has its series
    assert 0 <= value(after, "voordeur_queue_longest_wait_seconds", region="utrecht") < 60
    for sender in ("visitor", "bot", "counsellor", "system"):
        assert ("voordeur_messages_stored_total", (("sender", sender),)) in after

    conversation_id = visitor.state.conversation_id
    assert conversation_id and conversation_id not in body
    for word in ("Jan", "Vries", "buurman", "request_human", "Vertel"):
        assert word not in body
    assert "python_info" not in body and "process_" not in body  # no versions, no command line


def test_a_rasa_that_does_not_answer_is_counted(scraped, app):
    _, before = scrape(scraped)
    with pytest.raises(RasaUnavailable):
        get_rasa(app).turn("a-conversation", "hallo", {})  # the real client, a closed port
    _, after = scrape(scraped)
    assert (
        value(after, "voordeur_rasa_errors_total", call="turn")
        - value(before, "voordeur_rasa_errors_total", call="turn")
        == 1
    )


def test_metrics_answer_only_to_the_configured_token(app):
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # no token configured: not served at all
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404
    app.config["RELAY_METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401  # not a bearer token
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and "voordeur_messages_stored_total" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_open_sockets_are_counted_while_they_are_open(app, scraped, rasa, make_counsellor):
    """Through real sockets: the app served on a port, a visitor's and a counsellor's."""
    make_counsellor()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    live = SimpleNamespace(url=url, ws_url=url.replace("http", "ws", 1))
    try:
        _, before = scrape(scraped)
        visitor, counsellor = Visitor(live), Counsellor(live, "anna", "wachtwoord-123")
        visitor.hello()
        counsellor.until(lambda f: f["type"] == "hello")
        _, during = scrape(scraped)
        visitor.close()
        counsellor.close()
        deadline = time.monotonic() + 10
        while open_sockets(scrape(scraped)[1]) != open_sockets(before) and time.monotonic() < deadline:
            time.sleep(0.1)  # the server notices the close on its own thread
        after = scrape(scraped)[1]
    finally:
        server.shutdown()
    assert open_sockets(during) == {kind: count + 1 for kind, count in open_sockets(before).items()}
    assert open_sockets(after) == open_sockets(before)


def open_sockets(samples: Samples) -> dict[str, float]:
    return {kind: value(samples, "voordeur_sockets_open", kind=kind) for kind in ("visitor", "counsellor")}


# ---- /healthz and /readyz -------------------------------------------------------------------------


def test_healthz_answers_without_asking_anything(app):
    response = app.test_client().get("/healthz")  # the fixture's Rasa is a closed port: not asked
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers and "Server" not in response.headers


def test_readyz_is_ready_when_the_database_and_rasa_answer(app, answering_rasa):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "rasa": "ok"}}


def test_without_rasa_the_relay_stays_ready_and_the_bot_path_is_not_and_both_say_so_quickly(app):
    """Without Rasa the relay still hands visitors to counsellors: a balancer must keep it."""
    client = app.test_client()
    started = time.monotonic()
    relay = client.get("/readyz")  # the app fixture's Rasa: a closed port
    bot = client.get("/readyz/bot")
    assert time.monotonic() - started < 4.0
    assert relay.status_code == 200
    assert relay.get_json() == {"status": "ready", "checks": {"database": "ok", "rasa": "failed"}}
    assert bot.status_code == 503
    assert bot.get_json() == {"status": "not ready", "checks": {"database": "ok", "rasa": "failed"}}


def test_the_bot_path_is_ready_with_rasa_and_not_when_rasa_refuses_the_token(app, answering_rasa):
    assert app.test_client().get("/readyz/bot").status_code == 200
    app.extensions["relay_rasa"] = RasaClient(answering_rasa.base_url, timeout=4.0, parse_timeout=3.0, token="wrong")
    try:
        response = app.test_client().get("/readyz/bot")
    finally:
        app.extensions["relay_rasa"].close()
    assert response.status_code == 503 and response.get_json()["checks"]["rasa"] == "failed"


def test_readyz_is_not_ready_when_the_database_is_gone_and_the_error_is_counted(app, answering_rasa, scraped, tmp_path):
    _, before = scrape(scraped)
    working = get_db(app)
    gone_url = (
        "postgresql+psycopg://postgres@127.0.0.1:1/gone"  # nothing listens on port 1
        if working.url.startswith("postgresql")
        else f"sqlite:///{tmp_path / 'no-such-directory' / 'relay.sqlite3'}"
    )
    gone = Database(gone_url)
    app.extensions["relay_db"] = gone
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        body = response.get_json()
        assert body == {"status": "not ready", "checks": {"database": "failed", "rasa": "ok"}}
        assert app.test_client().get("/readyz/bot").status_code == 503
        assert "no-such-directory" not in response.get_data(as_text=True)  # no paths, no hosts
        text, after = scrape(scraped)  # still served: the queue figures are left out
        assert "voordeur_queue_length" not in text
    finally:
        app.extensions["relay_db"] = working
        gone.dispose()
    assert value(after, "voordeur_database_errors_total") > value(before, "voordeur_database_errors_total")
