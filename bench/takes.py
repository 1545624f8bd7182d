"""Takes under contention: many counsellors racing for many conversations; none may be taken twice.

Queues Q conversations, connects C counsellors (spread over the relays), and lets every counsellor
try to take every conversation, each in its own random order, all at once. Then checks, in the
frames and in the database, that every conversation was taken exactly once.

    .venv/bin/python -m bench.takes --relays 2 --conversations 200 --counsellors 20
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.clients import Counsellor, Visitor, create_counsellors
from bench.stack import (
    POSTGRES_URL,
    FakeRasaProcess,
    Relay,
    header,
    redis_url_with_prefix,
    summary_ms,
    temporary_database,
)

PASSWORD = "bench-wachtwoord-1"


def queue_conversations(relays: list[Relay], count: int) -> list[str]:
    conversations = []
    for index in range(count):
        visitor = Visitor(relays[index % len(relays)])
        conversations.append(visitor.hello()["conversation"])
        visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
        visitor.send({"type": "message", "text": "Ik wil met iemand praten", "id": "start"})
        visitor.until(lambda f: f["type"] == "queue")
        visitor.close()  # a queued conversation stays queued without its visitor
    return conversations


def race(desk: Counsellor, conversations: list[str], barrier: threading.Barrier, results: dict, index: int) -> None:
    order = conversations[:]
    random.Random(index).shuffle(order)
    taken, refused, durations = [], Counter(), []
    barrier.wait()
    for conversation in order:
        started = time.perf_counter()
        desk.send({"type": "take", "conversation": conversation})
        answer = desk.until(lambda f: f["type"] == "taken" or f["type"] == "error")[-1]
        durations.append(time.perf_counter() - started)
        if answer["type"] == "taken":
            taken.append(answer["conversation"])
        else:
            refused[answer["code"]] += 1
    results[index] = (taken, refused, durations)


def assigned_in_database(database_url: str) -> int:
    """Conversations the database holds as assigned to a counsellor."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        assigned = connection.execute(
            text("SELECT count(*) FROM conversations WHERE state = 'assigned' AND counsellor_id IS NOT NULL")
        ).scalar()
    engine.dispose()
    return assigned


def run(relay_count: int, conversation_count: int, counsellor_count: int, workdir: Path) -> dict:
    fake = FakeRasaProcess(workdir)
    redis_url = redis_url_with_prefix(label="takes") if relay_count > 1 else None
    servers: list[Relay] = []
    try:
        with temporary_database(POSTGRES_URL) as database_url:
            servers = [Relay(workdir, database_url, fake.url, redis_url=redis_url).start() for _ in range(relay_count)]
            conversations = queue_conversations(servers, conversation_count)
            names = create_counsellors(database_url, counsellor_count, PASSWORD, regions="utrecht")
            desks = [Counsellor(servers[i % relay_count], name, PASSWORD) for i, name in enumerate(names)]
            for desk in desks:
                desk.until(lambda f: f["type"] == "queue")
            barrier = threading.Barrier(len(desks))
            results: dict = {}
            threads = [
                threading.Thread(target=race, args=(desk, conversations, barrier, results, i))
                for i, desk in enumerate(desks)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            took = time.perf_counter() - started
            assigned = assigned_in_database(database_url)
            for desk in desks:
                desk.close()
    finally:
        for server in servers:
            server.stop()
        fake.stop()
    wins = Counter(c for taken, _, _ in results.values() for c in taken)
    twice = [c for c, n in wins.items() if n > 1]
    never = [c for c in conversations if c not in wins]
    refused = sum((r for _, r, _ in results.values()), Counter())
    durations = [d for _, _, ds in results.values() for d in ds]
    attempts = len(durations)
    print(
        f"{counsellor_count} counsellors on {relay_count} relay(s) raced for {conversation_count} conversations: "
        f"{attempts} take attempts in {took:.1f} s ({attempts / took:.0f}/s)"
    )
    print(
        f"taken once: {len(wins) - len(twice)}, taken twice: {len(twice)}, never taken: {len(never)}, "
        f"assigned in the database: {assigned}; refusals {dict(refused)}"
    )
    print(f"take round trip {summary_ms(durations)}")
    return {"taken_twice": twice, "never_taken": never, "assigned": assigned, "wins": wins, "refused": refused}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relays", type=int, choices=(1, 2), default=2)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--counsellors", type=int, default=20)
    args = parser.parse_args(argv)
    header("takes under contention", "bench.takes", argv)
    with tempfile.TemporaryDirectory(prefix="voordeur-bench-") as workdir:
        return run(args.relays, args.conversations, args.counsellors, Path(workdir))


if __name__ == "__main__":
    main()
