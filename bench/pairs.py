"""Visitor–counsellor pairs exchanging messages: throughput and delivery latency.

Sets up P conversations, each queued by a visitor and taken by a counsellor, then sends messages
at a fixed total rate (open loop), alternating visitor → counsellor and counsellor → visitor.
Delivery latency runs from handing a message to the sender's socket to its arrival at the other
side. ``--relays 1``: everyone on one relay (in-process broker). ``--relays 2``: visitors on one
relay, counsellors on the other, through Redis. Goal: p99 under 20 ms at 500 messages per second.

    .venv/bin/python -m bench.pairs --relays 1 --rate 500 --seconds 20
    .venv/bin/python -m bench.pairs --relays 2 --rate 500 --seconds 20
    .venv/bin/python -m bench.pairs --relays 2 --rate 500 --seconds 20 --worker threads

Every socket is read empty after the set-up, so the timing starts from a quiet relay.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

import websocket

from bench.clients import Counsellor, Visitor, about, create_counsellors
from bench.stack import (
    POSTGRES_URL,
    FakeRasaProcess,
    Relay,
    add_worker_argument,
    header,
    redis_url_with_prefix,
    rss_kib,
    summary_ms,
    temporary_database,
)

PASSWORD = "bench-wachtwoord-1"
PREFIX = "bench "


class Pair:
    def __init__(self, visitor: Visitor, counsellor: Counsellor, conversation: str):
        self.visitor = visitor
        self.counsellor = counsellor
        self.conversation = conversation


class Recorder:
    """Send times by message number, and arrival times as the receiving sockets report them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent: dict[int, float] = {}
        self.latencies: list[float] = []
        self.received = 0
        self.arrived_numbers: set[int] = set()
        self.last_arrival = 0.0
        self.errors: list[dict] = []

    def arrived(self, frame: dict, expected_sender: str) -> None:
        now = time.perf_counter()
        if frame.get("type") == "error":
            with self.lock:
                self.errors.append(frame)
            return
        if frame.get("type") != "message" or frame.get("from") != expected_sender:
            return
        text = frame.get("text", "")
        if not text.startswith(PREFIX):
            return
        number = int(text[len(PREFIX) :])
        with self.lock:
            sent = self.sent.get(number)
            if sent is not None and number not in self.arrived_numbers:
                self.arrived_numbers.add(number)
                self.last_arrival = now
                self.latencies.append(now - sent)
                self.received += 1


def read_forever(client, recorder: Recorder, expected_sender: str, stop: threading.Event) -> None:
    client.ws.settimeout(1.0)
    while not stop.is_set():
        try:
            raw = client.ws.recv()
        except websocket.WebSocketTimeoutException:
            continue
        except (websocket.WebSocketException, OSError):
            return
        recorder.arrived(json.loads(raw), expected_sender)


def set_up_pairs(
    visitor_relay: Relay, counsellor_relay: Relay, database_url: str, pairs: int, counsellors: int
) -> list[Pair]:
    names = create_counsellors(database_url, counsellors, PASSWORD, regions="utrecht")
    desks = [Counsellor(counsellor_relay, name, PASSWORD) for name in names]
    made = []
    for index in range(pairs):
        visitor = Visitor(visitor_relay)
        conversation = visitor.hello()["conversation"]
        visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
        visitor.send({"type": "message", "text": "Ik wil met iemand praten", "id": f"start-{index}"})
        visitor.until(lambda f: f["type"] == "queue")
        desk = desks[index % len(desks)]
        desk.send({"type": "take", "conversation": conversation})
        desk.until(about("taken", conversation))
        visitor.until(lambda f: f["type"] == "agent" and f["kind"] == "counsellor")
        made.append(Pair(visitor, desk, conversation))
    # Setting up sends every desk a queue update per change (hundreds of frames). Read them now, so
    # that the timed exchange does not start behind a backlog of set-up frames.
    for client in [pair.visitor for pair in made] + desks:
        client.drain()
    return made


def exchange(pairs: list[Pair], rate: float, seconds: float) -> tuple[Recorder, float, int]:
    recorder = Recorder()
    stop = threading.Event()
    readers = []
    for client, sender in [(p.visitor, "counsellor") for p in pairs] + [
        (desk, "visitor") for desk in {id(p.counsellor): p.counsellor for p in pairs}.values()
    ]:
        reader = threading.Thread(target=read_forever, args=(client, recorder, sender, stop), daemon=True)
        reader.start()
        readers.append(reader)
    total = int(rate * seconds)
    started = time.perf_counter()
    for number in range(total):
        due = started + number / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        pair = pairs[number % len(pairs)]
        from_visitor = (number // len(pairs)) % 2 == 0
        text = f"{PREFIX}{number}"
        with recorder.lock:
            recorder.sent[number] = time.perf_counter()
        if from_visitor:
            pair.visitor.send({"type": "message", "text": text, "id": f"m{number}"})
        else:
            pair.counsellor.send({"type": "message", "conversation": pair.conversation, "text": text})
    sending_took = time.perf_counter() - started
    deadline = time.monotonic() + 30
    while recorder.received < total and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for reader in readers:
        reader.join(timeout=3)
    recorder.span = max(recorder.last_arrival - started, sending_took)
    return recorder, sending_took, total


def rate_limit_for(rate: float, pairs: int) -> dict:
    """The relay's per-visitor rate limit, raised above what this run asks of each visitor.

    Each visitor sends rate / pairs / 2 messages a second; at 500 msg/s over 100 pairs that is 2.5,
    above the default limit of 1 a second (a person types slower than that). The limiter still runs
    and costs what it costs; it only does not refuse the benchmark's messages.
    """
    per_visitor = rate / pairs / 2
    return {"RELAY_RATE_PER_SECOND": str(max(1.0, 2 * per_visitor)), "RELAY_RATE_BURST": "20"}


def run(relays: int, pairs: int, counsellors: int, rate: float, seconds: float, worker: str, workdir: Path) -> dict:
    fake = FakeRasaProcess(workdir)
    redis_url = redis_url_with_prefix(label="pairs") if relays == 2 else None
    servers: list[Relay] = []
    limits = rate_limit_for(rate, pairs)
    try:
        with temporary_database(POSTGRES_URL) as database_url:
            servers = [
                Relay(workdir, database_url, fake.url, redis_url=redis_url, worker=worker, env=limits).start()
                for _ in range(relays)
            ]
            made = set_up_pairs(servers[0], servers[-1], database_url, pairs, min(counsellors, pairs))
            recorder, sending_took, total = exchange(made, rate, seconds)
            worker_class = servers[0].worker_class()
            memory = ", ".join(f"{rss_kib(pid) / 1024:.0f} MiB" for s in servers for pid in s.worker_pids())
            for pair in made:
                pair.visitor.close()
            for desk in {id(p.counsellor): p.counsellor for p in made}.values():
                desk.close()
            for server in servers:
                server.stop()
    finally:
        for server in servers:
            server.stop()
        fake.stop()
    lost = total - recorder.received
    missing = sorted(set(recorder.sent) - recorder.arrived_numbers)
    where = "one relay, in-process broker" if relays == 1 else "visitors on relay A, counsellors on relay B, via Redis"
    raised_limit = float(limits["RELAY_RATE_PER_SECOND"])
    print(
        f"worker {worker} (gunicorn {worker_class}); {where}: {pairs} pairs, "
        f"{rate:.0f} msg/s offered for {seconds:.0f} s "
        f"(each visitor {rate / pairs / 2:.2f} msg/s; relay rate limit raised to {raised_limit:.2f}/s)"
    )
    print(
        f"sent {total} in {sending_took:.1f} s ({total / sending_took:.0f} msg/s), delivered {recorder.received} "
        f"in {recorder.span:.1f} s ({recorder.received / recorder.span:.0f} msg/s), "
        f"not delivered (dropped, or still queued 30 s after the last send) {lost}, errors {len(recorder.errors)}"
    )
    print(f"delivery latency {summary_ms(recorder.latencies)}; relay worker RSS {memory}")
    if missing:
        print(f"never delivered (message numbers): {missing[:20]}")
    if recorder.errors:
        print(f"first error: {recorder.errors[0]}")
    return {
        "missing": missing,
        "sent": total,
        "delivered": recorder.received,
        "latencies": recorder.latencies,
        "errors": recorder.errors,
        "send_rate": total / sending_took,
        "delivery_rate": recorder.received / recorder.span,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relays", type=int, choices=(1, 2), default=1)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--counsellors", type=int, default=20, help="accounts sharing the pairs' conversations")
    parser.add_argument("--rate", type=float, default=500.0, help="messages per second, all pairs together")
    parser.add_argument("--seconds", type=float, default=20.0)
    add_worker_argument(parser)
    args = parser.parse_args(argv)
    header("visitor–counsellor pairs: throughput and delivery latency", "bench.pairs", argv)
    with tempfile.TemporaryDirectory(prefix="voordeur-bench-") as workdir:
        return run(args.relays, args.pairs, args.counsellors, args.rate, args.seconds, args.worker, Path(workdir))


if __name__ == "__main__":
    main()
