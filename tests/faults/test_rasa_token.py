"""Rasa's HTTP API takes a token (`rasa run --auth-token`, as `make run` starts it); the relay sends it.

Rasa here is the session's real Rasa, started like the Procfile's with the token of bench.stack.
A relay with the wrong token says so in its log and treats Rasa as down: the visitor gets the relay's
own answers and still reaches a person.
"""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pytest
import requests

from bench.stack import BOT_BIN, RASA_TOKEN
from tests.support.faults import URGENT_TEXT, a_visitor_gets_help_without_the_assistant, wait_until
from voordeur_content import triage

pytestmark = pytest.mark.rasa
REPO = Path(__file__).resolve().parents[2]
REFUSAL = "Rasa refused the relay's RASA_TOKEN"


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.scaled"])
def test_the_procfiles_start_rasa_with_the_token_on_loopback(procfile):
    servers = [line for line in (REPO / procfile).read_text().splitlines() if re.search(r"rasa run(?! actions)", line)]
    assert servers
    for line in servers:
        # ${...:?} refuses to start Rasa without a token: an empty one would accept "?token=". Joined
        # to its option with "=": a random token may begin with "-", which Rasa would read as an option.
        assert '--auth-token="${RASA_TOKEN:?' in line and "-i 127.0.0.1" in line, line


def test_without_the_token_rasa_refuses_its_api(rasa_stack):
    for token in (None, "wrong-" + RASA_TOKEN):
        params = {"token": token} if token else None
        parse = requests.post(f"{rasa_stack}/model/parse", params=params, json={"text": "hoi"}, timeout=30)
        tracker = requests.get(f"{rasa_stack}/conversations/someone/tracker", params=params, timeout=30)
        replaced = requests.put(
            f"{rasa_stack}/conversations/someone/tracker/events", params=params, json=[], timeout=30
        )
        assert (parse.status_code, tracker.status_code, replaced.status_code) == (401, 401, 401)
    parse = requests.post(f"{rasa_stack}/model/parse", params={"token": RASA_TOKEN}, json={"text": "hoi"}, timeout=30)
    assert parse.status_code == 200 and parse.json()["text"] == "hoi"


def test_the_relays_client_sends_the_token(rasa_stack, caplog):
    from relay.bridge.rasa import RasaClient

    right = RasaClient(rasa_stack, timeout=30, parse_timeout=30, token=RASA_TOKEN)
    wrong = RasaClient(rasa_stack, timeout=30, parse_timeout=30, token="wrong-" + RASA_TOKEN)
    try:
        assert right.probe() and right.parse("hoi")["text"] == "hoi"
        assert "digitale assistent" in right.response_text("utter_greet")  # GET /domain
        # The shorter variant for a question asked before, which the relay says while a visitor waits.
        assert right.response_text("utter_faq_call_instead", repeat=True).startswith("Zoals ik net zei")
        assert right.response_text("utter_greet", repeat=True) is None
        # The variant for a visitor who told of danger (slot urgent_category), and the plain one otherwise.
        assert right.response_text("utter_faq_cannot_call", risk="acute").startswith("Dat begrijp ik. Wij kunnen")
        assert "113.nl" in right.response_text("utter_faq_cannot_call", risk="suicide")
        assert right.response_text("utter_greet", risk="acute") == right.response_text("utter_greet")
        with caplog.at_level(logging.ERROR, logger="relay.bridge.rasa"):
            assert wrong.parse("hoi") is None
            assert not wrong.available()  # down for every visitor until the tokens match
            assert not wrong.probe()
        assert sum(REFUSAL in record.getMessage() for record in caplog.records) == 1  # said once
        assert "--auth-token" in caplog.text and RASA_TOKEN not in caplog.text
    finally:
        right.close()
        wrong.close()


def test_the_purge_empties_trackers_only_with_the_token(rasa_stack, caplog):
    from relay.ops.retention import PurgeResult, purge_rasa

    refused = PurgeResult()
    with caplog.at_level(logging.ERROR, logger="relay.ops.retention"):
        purge_rasa(rasa_stack, ["old-1", "old-2"], None, refused, token="wrong-" + RASA_TOKEN)
    assert (refused.trackers_purged, refused.tracker_failures) == (0, 2)
    assert REFUSAL in caplog.text and RASA_TOKEN not in caplog.text
    purged = PurgeResult()
    purge_rasa(rasa_stack, ["old-1", "old-2"], None, purged, token=RASA_TOKEN)
    assert (purged.trackers_purged, purged.tracker_failures) == (2, 0)


def test_a_relay_with_the_wrong_token_logs_it_and_the_visitor_still_reaches_a_person(make_relay, rasa_stack):
    # The helper below grades a message in this process too: load the triage model before any socket
    # is open, or on busy cores the relay's pings go unanswered meanwhile and it closes the socket.
    triage.assess(URGENT_TEXT)
    relay = make_relay(rasa_stack, RASA_TOKEN="wrong-" + RASA_TOKEN)
    # The relay asks Rasa once at start-up and reports the mismatch before any visitor writes.
    wait_until(lambda: REFUSAL in relay.log_tail(200), timeout=30)
    a_visitor_gets_help_without_the_assistant(relay)
    log = relay.log_tail(400)
    assert (
        log.count("RASA_TOKEN must be the token Rasa runs with (rasa run --auth-token)") == 1
    )  # once, not per message
    assert RASA_TOKEN not in log


def test_a_token_that_begins_with_a_dash_still_starts_rasa(tmp_path):
    """secrets.token_urlsafe begins with "-" once in 64 tokens: Rasa must take it as the token."""
    result = subprocess.run(
        [str(BOT_BIN / "rasa"), "run", "--auth-token=-starts-with-a-dash", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-500:]
