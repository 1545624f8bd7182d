"""How fast danger is answered: the alert, in every state, with Rasa up, hanging or refused.

For each Rasa condition one relay runs with the production command and the production defaults
(`RASA_TIMEOUT`, `RASA_PROBE_SECONDS` unchanged). Conversations are brought into each state and
then a visitor writes a message with danger in it; timed from sending the frame:

- `visitor`: until the visitor's socket has the `alert`;
- `counsellor`: queued, until a counsellor's queue shows the conversation as acute; assigned,
  until the counsellor who has it gets the `alert`.

It also times what a visitor waits for an answer from the relay or the bot: the first message
after opening the chat (`first answer`), and an ordinary later message (`later answer`).
Goals (issue 11): alert p95 within 300 ms in every state and condition; with Rasa down, the first
answer within 5 s and later ones within 1 s.

    .venv/bin/python -m bench.alert_latency                       # fake Rasa, hanging, refused
    .venv/bin/python -m bench.alert_latency --rasa-url http://127.0.0.1:5005   # the real Rasa as "up"
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import requests

from bench.clients import Counsellor, Visitor, about
from bench.stack import (
    POSTGRES_URL,
    FakeRasaProcess,
    HangingServer,
    Relay,
    free_port,
    header,
    percentile,
    summary_ms,
    temporary_database,
)

# Danger now, in the words of the triage tests (never the held-out sets).
DANGER = [
    "hij slaat me nu",
    "HIJ SLAAT ME HELP",
    "hy heeft n mes",
    "k word nu geslagen",
    "mijn ex staat voor de deur",
    "ik hoor de buurvrouw nu gillen",
]
ORDINARY = "waar moet ik beginnen?"  # a question: the fake Rasa answers it without queueing
TOWN = "Utrecht"  # fake Rasa queues on any message; the relay itself queues on a town when Rasa is down
PASSWORD = "bench-wachtwoord-1"
STATES = ("bot", "queued", "assigned")
# up; hanging and refused from the relay's start; "stops": up at the start, then hanging for good.
CONDITIONS = ("up", "hanging", "refused", "stops")


def first_answer(visitor: Visitor) -> tuple[float, str]:
    """Open the chat: seconds until the first message from the bot or the relay, and the
    conversation's id."""
    started = time.perf_counter()
    conversation = visitor.hello()["conversation"]
    visitor.until(lambda f: f["type"] == "message" and f["from"] in ("bot", "system"))
    return time.perf_counter() - started, conversation


def answer_time(visitor: Visitor, text: str) -> float:
    client_id = uuid.uuid4().hex
    started = time.perf_counter()
    visitor.send({"type": "message", "text": text, "id": client_id})
    visitor.until(lambda f: f["type"] == "message" and f.get("id") == client_id)
    visitor.until(lambda f: f["type"] == "message" and f["from"] in ("bot", "system"))
    return time.perf_counter() - started


def queue_visitor(visitor: Visitor) -> None:
    visitor.send({"type": "message", "text": TOWN, "id": uuid.uuid4().hex})
    visitor.until(lambda f: f["type"] == "queue")
    visitor.drain(0.3)


def time_alert(visitor: Visitor, counsellor: Counsellor | None, conversation: str, state: str, text: str):
    started = time.perf_counter()
    visitor.send({"type": "message", "text": text, "id": uuid.uuid4().hex})
    visitor.until(lambda f: f["type"] == "alert")
    to_visitor = time.perf_counter() - started
    if counsellor is None:
        return to_visitor, None
    if state == "queued":
        counsellor.until(
            lambda f: f["type"] == "queue"
            and any(i["conversation"] == conversation and i.get("risk") == "acute" for i in f["items"])
        )
    else:
        counsellor.until(lambda f: f["type"] == "alert" and f["conversation"] == conversation)
    return to_visitor, time.perf_counter() - started


def run_condition(relay: Relay, conversations: int, results: dict) -> None:
    counsellor = Counsellor(relay, "anna", PASSWORD)
    counsellor.drain(0.3)
    try:
        for state in STATES:
            for i in range(conversations):
                visitor = Visitor(relay)
                try:
                    waited, conversation = first_answer(visitor)
                    results["first answer"].append(waited)
                    results["later answer"].append(answer_time(visitor, ORDINARY))
                    if state != "bot":
                        queue_visitor(visitor)
                        reach_state(counsellor, state, visitor, conversation)
                    watcher = counsellor if state != "bot" else None
                    counsellor.drain(0.1)
                    to_visitor, to_counsellor = time_alert(
                        visitor, watcher, conversation, state, DANGER[i % len(DANGER)]
                    )
                    results[f"{state}: visitor"].append(to_visitor)
                    if to_counsellor is not None:
                        results[f"{state}: counsellor"].append(to_counsellor)
                    visitor.send({"type": "end"})
                    visitor.until(lambda f: f["type"] == "ended")
                    if state == "assigned":
                        counsellor.until(about("ended", conversation))
                finally:
                    visitor.close()
    finally:
        counsellor.close()


def reach_state(counsellor: Counsellor, state: str, visitor: Visitor, conversation: str) -> None:
    """The counsellor sees the queued conversation; for the assigned state, takes it."""
    counsellor.until(lambda f: f["type"] == "queue" and any(i["conversation"] == conversation for i in f["items"]))
    if state == "assigned":
        counsellor.send({"type": "take", "conversation": conversation})
        counsellor.until(lambda f: f["type"] == "taken" and f["conversation"] == conversation)
        visitor.until(lambda f: f["type"] == "agent" and f["kind"] == "counsellor")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=30, help="per state and condition")
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--rasa-url", help="a running (real) Rasa for the 'up' condition; default: bench/fake_rasa.py")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of a temporary PostgreSQL database")
    args = parser.parse_args(argv)
    header("Alert latency in every state, with Rasa up, hanging and refused", "bench.alert_latency", argv)
    report: dict = {}
    for condition in args.conditions.split(","):
        with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            if condition in ("up", "stops"):
                rasa_url = (
                    stack.enter_context(_fake_rasa(workdir)).url
                    if condition == "stops" or not args.rasa_url
                    else args.rasa_url
                )
            elif condition == "hanging":
                hanging = HangingServer()
                stack.callback(hanging.close)
                rasa_url = hanging.url
            else:
                rasa_url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
            database = (
                f"sqlite:///{workdir / 'relay.sqlite3'}"
                if args.sqlite
                else stack.enter_context(temporary_database(POSTGRES_URL))
            )
            relay = Relay(workdir, database, rasa_url=rasa_url).start()
            stack.callback(relay.stop)
            relay.add_counsellor("anna", PASSWORD, "Anna", "all")
            if condition == "stops":
                warm = Visitor(relay)
                first_answer(warm)  # the relay has seen Rasa answer
                warm.close()
                requests.post(f"{rasa_url}/bench/hang", timeout=5).raise_for_status()
            results: dict[str, list[float]] = {"first answer": [], "later answer": []}
            for state in STATES:
                results[f"{state}: visitor"] = []
                if state != "bot":
                    results[f"{state}: counsellor"] = []
            run_condition(relay, args.conversations, results)
            kind = {
                "up": "real Rasa" if args.rasa_url else "bench/fake_rasa.py",
                "stops": "answers, then hangs; production defaults",
            }.get(condition, "production defaults")
            print(f"\nRasa {condition} ({kind}):")
            for name, values in results.items():
                print(f"  {name:22} {summary_ms(values)}")
            report[condition] = {
                name: {"p95_s": percentile(v, 95), "max_s": max(v), "n": len(v)} for name, v in results.items() if v
            }
    return report


class _fake_rasa:
    """bench/fake_rasa.py as a context manager."""

    def __init__(self, workdir: Path):
        self.workdir = workdir

    def __enter__(self) -> FakeRasaProcess:
        self.process = FakeRasaProcess(self.workdir)
        return self.process

    def __exit__(self, *exc) -> None:
        self.process.stop()


if __name__ == "__main__":
    main()
