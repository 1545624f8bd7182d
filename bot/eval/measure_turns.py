"""Median time of one bot turn through the running stack (Rasa REST channel + action server).

Start Rasa and the action server first, then:
    ../.venv-bot/bin/python eval/measure_turns.py --url http://127.0.0.1:5005 --conversations 20
Each conversation is the greeting, a nickname, a town and a question; every turn is timed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request
import uuid

TURNS = ["/greet", "Sam", "Zwolle", "/skip", "is dit anoniem?", "/skip", "/affirm", "/skip"]


def turn(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        json.load(response)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args()
    turn(args.url, "warm-up-" + uuid.uuid4().hex, "/greet")
    timings = [
        turn(args.url, sender, text)
        for sender in (uuid.uuid4().hex for _ in range(args.conversations))
        for text in TURNS
    ]
    timings.sort()
    print(
        f"{len(timings)} turns: median {statistics.median(timings) * 1000:.0f} ms, "
        f"p90 {timings[int(len(timings) * 0.9)] * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
