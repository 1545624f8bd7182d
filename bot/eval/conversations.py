"""Held-out visitor conversations, played through the running stack and scored (docs/bot.md).

Each line of a set: {"id", "situation", "lines": [what the visitor types, in order],
"expect": {"region": id | null, "phone": "112" | "0800 2000" | "113" | "1712" | "0800 0432" | null,
"person_requested_at": index | null}}. The visitor never taps a button: every line is typed.

    make run                                                   # or any running stack
    .venv/bin/python bot/eval/conversations.py bot/eval/heldout/conversations-1.jsonl
    .venv/bin/python bot/eval/conversations.py --show c07 FILE  # the transcript of one conversation

For each conversation: did it reach the right queue, was the right phone number given, was any
visitor message left without an answer (also while waiting in the queue), was any question asked
more than twice, and how many visitor turns it took from a clear request for a person to the queue.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import websocket

TARGETS = {"reached": 1.0, "answered_while_waiting": 1.0, "no_loops": 1.0, "max_turns_to_queue": 5}
# The numbers as they are written in answers and alerts.
PHONES = {
    "112": r"\b112\b",
    "0800 2000": r"0800[ -]?2000",
    "113": r"\b113\b|0800[ -]?0113",
    "1712": r"\b1712\b",
    "0800 0432": r"0800[ -]?0432",
}


@dataclass
class Played:
    item: dict
    turns: list = field(default_factory=list)  # [(visitor line, state when sent, [frames])]
    greeting: list = field(default_factory=list)


def play(url: str, item: dict, quiet: float, longest: float) -> Played:
    played = Played(item)
    ws = websocket.create_connection(url, timeout=30)
    frames: list = []
    lock = threading.Lock()
    last = [time.monotonic()]
    state = ["bot"]

    def reader():
        while True:
            try:
                raw = ws.recv()
            except Exception:
                return
            if not raw:
                return
            frame = json.loads(raw)
            with lock:
                frames.append(frame)
                last[0] = time.monotonic()
                if frame.get("type") == "queue":
                    state[0] = "queued"
                elif frame.get("type") == "agent" and frame.get("kind") == "counsellor":
                    state[0] = "assigned"

    def answered() -> bool:
        with lock:
            return any(said([f]) or f.get("type") == "queue" for f in frames)

    def settle():
        """The frames of one turn: wait for the first answer (a busy machine may take seconds, and
        a late answer must not count for the next line), then until `quiet` passes without a frame."""
        start = time.monotonic()
        time.sleep(0.15)
        while not answered() and time.monotonic() - start < longest:
            time.sleep(0.05)
        while time.monotonic() - last[0] < quiet and time.monotonic() - start < longest:
            time.sleep(0.05)
        with lock:
            taken = list(frames)
            frames.clear()
        return taken

    threading.Thread(target=reader, daemon=True).start()
    ws.send(json.dumps({"type": "hello"}))
    played.greeting = settle()
    for line in item["lines"]:
        sent_in = state[0]
        ws.send(json.dumps({"type": "message", "text": line, "id": uuid.uuid4().hex[:10]}))
        played.turns.append((line, sent_in, settle()))
    ws.close()
    return played


def said(frames: list) -> list:
    """What the visitor was told in a turn: texts of messages not their own, and alerts."""
    out = []
    for frame in frames:
        if frame.get("type") == "message" and frame.get("from") != "visitor":
            out.append(frame.get("text") or "")
        elif frame.get("type") == "alert":
            out.append(" ".join([frame.get("text") or ""] + [str(p) for p in frame.get("phones") or []]))
    return out


def score(played: Played) -> dict:
    expect = played.item.get("expect") or {}
    all_frames = played.greeting + [f for _, _, frames in played.turns for f in frames]
    queues = [f.get("region") for f in all_frames if f.get("type") == "queue"]
    told = " ".join(said(played.greeting) + [t for _, _, frames in played.turns for t in said(frames)])
    region_ok = expect.get("region") is None or (bool(queues) and queues[-1] == expect["region"])
    phone = expect.get("phone")
    phone_ok = phone is None or bool(re.search(PHONES.get(phone, re.escape(phone)), told))
    unanswered = [line for line, _, frames in played.turns if not said(frames)]
    unanswered_waiting = [line for line, state, frames in played.turns if state == "queued" and not said(frames)]
    questions: dict = {}
    for frame in all_frames:
        text = frame.get("text") or ""
        if frame.get("type") == "message" and frame.get("from") == "bot" and "?" in text:
            questions[text] = questions.get(text, 0) + 1
    loops = {q: n for q, n in questions.items() if n > 2}
    turns_to_queue = None
    asked = expect.get("person_requested_at")
    if asked is not None:
        if any(state != "bot" for _, state, _ in played.turns[: asked + 1]):
            turns_to_queue = 0  # already waiting for a person when they asked for one
        for index, (_, _, frames) in enumerate(played.turns if turns_to_queue is None else ()):
            if index >= asked and any(f.get("type") == "queue" for f in frames):
                turns_to_queue = index - asked + 1
                break
    return {
        "id": played.item["id"],
        "region_ok": region_ok,
        "phone_ok": phone_ok,
        "reached": region_ok and phone_ok,
        "queue": queues[-1] if queues else None,
        "unanswered": unanswered,
        "unanswered_waiting": unanswered_waiting,
        "loops": loops,
        "person_requested": asked is not None,
        "turns_to_queue": turns_to_queue,
    }


def summary(scores: list) -> dict:
    n = len(scores)
    requested = [s for s in scores if s["person_requested"]]
    waited = [s for s in scores if s["unanswered_waiting"] is not None]
    return {
        "conversations": n,
        "reached": sum(s["reached"] for s in scores) / n,
        "right_queue": sum(s["region_ok"] for s in scores) / n,
        "right_phone": sum(s["phone_ok"] for s in scores) / n,
        "all_answered": sum(not s["unanswered"] for s in scores) / n,
        "answered_while_waiting": sum(not s["unanswered_waiting"] for s in waited) / max(1, len(waited)),
        "no_loops": sum(not s["loops"] for s in scores) / n,
        "max_turns_to_queue": max(
            [99 if s["turns_to_queue"] is None else s["turns_to_queue"] for s in requested], default=0
        ),
        "person_requests_queued": sum(s["turns_to_queue"] is not None for s in requested),
        "person_requests": len(requested),
    }


def show(played: Played, out: TextIO = sys.stdout) -> None:
    print(f"== {played.item['id']}: {played.item.get('situation', '')}", file=out)
    for line, state, frames in played.turns:
        print(f"  visitor ({state}): {line}", file=out)
        for frame in frames:
            kind = frame.get("type")
            if kind == "message" and frame.get("from") != "visitor":
                print(f"    {frame.get('from')}: {frame.get('text')}", file=out)
            elif kind in ("alert", "queue"):
                shown = json.dumps({k: v for k, v in frame.items() if k != "type"}, ensure_ascii=False)
                print(f"    [{kind}] {shown}", file=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", default="ws://127.0.0.1:8000/ws/visitor")
    parser.add_argument("--show", action="append", default=[], help="print the transcript of this id")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--quiet", type=float, default=1.2, help="seconds without a frame that end a turn")
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--json", type=Path, help="write every score here")
    parser.add_argument("--transcripts", type=Path, help="write every transcript here, to read as a visitor")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.show:
        items = [item for item in items if item["id"] in args.show]
    with ThreadPoolExecutor(args.parallel) as pool:
        played = list(pool.map(lambda item: play(args.url, item, args.quiet, 15.0), items))
    scores = [score(p) for p in played]
    for p, s in zip(played, scores, strict=False):
        failed = (
            not s["reached"]
            or s["unanswered"]
            or s["loops"]
            or (s["person_requested"] and (s["turns_to_queue"] or 99) > 5)
        )
        if args.show or (args.show_failures and failed):
            show(p)
            print(f"  -> {json.dumps(s, ensure_ascii=False)}")
    if args.json:
        args.json.write_text(json.dumps(scores, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.transcripts:
        with args.transcripts.open("w", encoding="utf-8") as out:
            for p in played:
                show(p, out)
                print(file=out)
    result = summary(scores)
    print(f"{args.file.name}:")
    for key, value in result.items():
        print(f"  {key:24} {value:.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
