"""One bot turn through the relay against the same text sent straight to Rasa's REST channel.

Both sides start a fresh conversation, let the assistant greet (not timed), then time one message:
straight to Rasa, the POST; through the relay, from sending the frame to the first bot message
(the relay stores the whole answer before it sends any of it). Relay and direct turns alternate,
so both see the same machine. The relay runs as in production: `python -m relay serve` on
PostgreSQL. Goal: the relay adds at most 10 % to the median.

    .venv/bin/python -m bench.bot_turn                  # 100 turns each; starts its own Rasa
    .venv/bin/python -m bench.bot_turn --rasa-url http://127.0.0.1:5005 --turns 20
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench.clients import Visitor
from bench.stack import (
    POSTGRES_URL,
    Rasa,
    Relay,
    add_worker_argument,
    header,
    percentile,
    summary_ms,
    temporary_database,
)

TEXT = "Ik maak me zorgen over mijn zus"
METADATA = {"voordeur": {"any_open": True, "regions": {}}}


def direct_turn(rasa_url: str, session: requests.Session) -> float:
    sender = f"bench-{uuid.uuid4().hex}"
    webhook = f"{rasa_url}/webhooks/rest/webhook"
    session.post(
        webhook, json={"sender": sender, "message": "/greet", "metadata": METADATA}, timeout=60
    ).raise_for_status()
    started = time.perf_counter()
    response = session.post(webhook, json={"sender": sender, "message": TEXT, "metadata": METADATA}, timeout=60)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    if not any(answer.get("text") for answer in response.json()):
        raise RuntimeError("Rasa answered without text")
    return elapsed


def relay_turn(relay: Relay) -> float:
    visitor = Visitor(relay)
    try:
        visitor.hello()
        visitor.until(lambda f: f["type"] == "message" and f["from"] == "bot")
        client_id = uuid.uuid4().hex
        started = time.perf_counter()
        visitor.send({"type": "message", "text": TEXT, "id": client_id})
        seen_echo = False
        while True:
            frame = visitor.receive()
            if frame["type"] == "message" and frame.get("id") == client_id:
                seen_echo = True
            elif seen_echo and frame["type"] == "message" and frame["from"] in ("bot", "system"):
                return time.perf_counter() - started
    finally:
        visitor.close()


def run(turns: int, rasa_url: str | None, worker: str, workdir: Path) -> dict:
    rasa = None
    if rasa_url is None:
        rasa = Rasa(workdir)
        print(f"starting Rasa (model load took {rasa.start():.1f} s)")
        rasa_url = rasa.url
    try:
        with temporary_database(POSTGRES_URL) as database_url:
            relay = Relay(workdir, database_url, rasa_url, worker=worker).start()
            try:
                http = requests.Session()
                direct_turn(rasa_url, http)  # warm-up, both paths
                relay_turn(relay)
                direct, through = [], []
                for _ in range(turns):
                    direct.append(direct_turn(rasa_url, http))
                    through.append(relay_turn(relay))
            finally:
                relay.stop()
    finally:
        if rasa is not None:
            rasa.stop()
    print(f"relay worker: {worker} (gunicorn {relay.worker_class()})")
    ratio_median = statistics.median(through) / statistics.median(direct)
    ratio_p95 = percentile(through, 95) / percentile(direct, 95)
    print(f"straight to Rasa  {summary_ms(direct)}")
    print(f"through the relay {summary_ms(through)}")
    print(
        f"relay / direct    median x{ratio_median:.3f} ({(ratio_median - 1) * 100:+.1f} %), "
        f"p95 x{ratio_p95:.3f} ({(ratio_p95 - 1) * 100:+.1f} %); goal: at most +10 %"
    )
    return {"direct": direct, "relay": through, "ratio_median": ratio_median, "ratio_p95": ratio_p95}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100, help="timed turns on each path (default 100)")
    parser.add_argument("--rasa-url", help="use this running Rasa instead of starting one")
    add_worker_argument(parser)
    args = parser.parse_args(argv)
    header("bot turn: relay vs straight to Rasa", "bench.bot_turn", argv)
    with tempfile.TemporaryDirectory(prefix="voordeur-bench-") as workdir:
        return run(args.turns, args.rasa_url, args.worker, Path(workdir))


if __name__ == "__main__":
    main()
