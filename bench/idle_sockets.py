"""Idle visitor sockets held by one relay process, and the memory each costs.

Opens N visitor sockets on one relay process; each says hello and gets its greeting (from a stand-in
for Rasa that answers at once), then stays idle. Reports the worker's resident memory and threads
before and after, the memory per socket, and checks that a sample of the idle sockets still answers.
Goal: 2,000 sockets per process.

    .venv/bin/python -m bench.idle_sockets --sockets 2000 --worker serve      # the production command
    .venv/bin/python -m bench.idle_sockets --sockets 2000 --worker threads    # the same, RELAY_WORKER=threads
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from pathlib import Path

import websocket

from bench.clients import PingAnswerer, Visitor
from bench.stack import (
    POSTGRES_URL,
    FakeRasaProcess,
    Relay,
    add_worker_argument,
    header,
    rss_kib,
    tail,
    temporary_database,
    thread_count,
)


def open_visitor(relay: Relay) -> Visitor:
    visitor = Visitor(relay)
    visitor.hello()
    visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
    return visitor


def still_answers(visitor: Visitor) -> bool:
    """After idling, a message still gets its echo."""
    client_id = uuid.uuid4().hex
    try:
        visitor.send({"type": "message", "text": "ben je er nog", "id": client_id})
        visitor.until(lambda f: f.get("id") == client_id, timeout=30)
        return True
    except (OSError, TimeoutError, websocket.WebSocketException):
        return False


def run(sockets: int, worker: str, hold: float, workdir: Path) -> dict:
    fake = FakeRasaProcess(workdir)
    visitors: list[Visitor] = []
    try:
        with temporary_database(POSTGRES_URL) as database_url:
            # A thread (or greenlet) per socket: room for all of them and a few HTTP requests.
            relay = Relay(workdir, database_url, fake.url, worker=worker, threads=sockets + 50).start()
            try:
                pid = relay.worker_pids()[0]
                worker_class = relay.worker_class()
                visitors.append(open_visitor(relay))  # warm-up: imports, pools, first conversation
                time.sleep(1)
                base_rss, base_threads = rss_kib(pid), thread_count(pid)
                # Sockets answer pings from the moment they are open: opening thousands takes minutes.
                answerer = PingAnswerer(visitors)
                started = time.monotonic()
                stopped_by = None
                while len(visitors) < sockets:
                    try:
                        visitors.append(open_visitor(relay))
                    except (OSError, TimeoutError, websocket.WebSocketException) as error:
                        stopped_by = f"{type(error).__name__}: {error}"  # the process's limit
                        break
                    answerer.add(visitors[-1])
                opened_in = time.monotonic() - started
                time.sleep(hold)
                answerer.stop()
                rss, threads = rss_kib(pid), thread_count(pid)
                sample = random.sample(visitors, min(20, len(visitors)))
                answered = sum(still_answers(visitor) for visitor in sample)
                if answered < len(sample) or answerer.closed:
                    print(f"relay log:\n{tail(relay.log, 40)}")
            finally:
                for visitor in visitors:
                    visitor.close()
                relay.stop()
    finally:
        fake.stop()
    added = len(visitors) - 1
    per_socket = (rss - base_rss) / added if added else 0.0
    print(
        f"worker {worker} (gunicorn {worker_class}): {len(visitors)} idle visitor sockets held by one process "
        f"(opened in {opened_in:.1f} s, held {hold:.0f} s); after idling {answered} of {len(sample)} sampled "
        f"sockets answered, {answerer.closed} were closed by the relay"
    )
    if stopped_by:
        print(f"LIMIT: socket {len(visitors) + 1} could not be opened ({stopped_by})")
    print(
        f"worker RSS {base_rss / 1024:.1f} MiB with 1 socket -> {rss / 1024:.1f} MiB with {len(visitors)}: "
        f"{per_socket:.1f} KiB per socket; threads {base_threads} -> {threads}"
    )
    return {
        "answered": answered,
        "sampled": len(sample),
        "closed": answerer.closed,
        "sockets": len(visitors),
        "rss_kib": rss,
        "base_rss_kib": base_rss,
        "kib_per_socket": per_socket,
        "threads": threads,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=2000)
    add_worker_argument(parser)
    parser.add_argument(
        "--hold", type=float, default=60.0, help="seconds to stay idle before measuring (the relay pings every 25 s)"
    )
    args = parser.parse_args(argv)
    header("idle visitor sockets per relay process", "bench.idle_sockets", argv)
    with tempfile.TemporaryDirectory(prefix="voordeur-bench-") as workdir:
        return run(args.sockets, args.worker, args.hold, Path(workdir))


if __name__ == "__main__":
    main()
