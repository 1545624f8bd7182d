"""The triage evaluation on held-out messages that nobody who wrote the rules or the training data
wrote (docs/triage.md). Each line of a batch: {"text", "grade": acute|suicide|high|none, "kind", "long"}.

    .venv/bin/python bot/eval/triage.py bot/eval/heldout/triage-batch16.jsonl            # triage
    .venv-bot/bin/python bot/eval/triage.py --model bot/models/voordeur.tar.gz FILE     # and Rasa's opinion

Exits non-zero when a target is missed (--gate), so `make test` keeps the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from voordeur_content import triage  # noqa: E402  (the repository root is put on the path first)

# The targets of docs/triage.md.
TARGETS = {
    "acute_recall": (">=", 0.98),
    "suicide_recall": (">=", 0.98),
    "high_recall": (">=", 0.95),
    "false_112_rate": ("<=", 0.03),
    "question_alert_rate": ("<=", 0.02),
}

# What this round measured on its fresh batch (docs/triage.md), or the target where it was met:
# `make test` holds triage to these floors so that no change makes it worse; the targets stay the goal.
FLOORS = dict(TARGETS)  # round 13 meets every target on batch 16, its second fresh batch


def read_batch(path: Path) -> List[Dict]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        if item.get("grade") not in ("acute", "suicide", "high", "none"):
            raise ValueError(f"{path}: bad grade in {item!r}")
    return items


def learnt_from(items: List[Dict]) -> List[str]:
    """Held-out messages that are also among the classifier's examples: a set to measure with must
    never be learnt from."""
    from voordeur_content._files import normalize
    from voordeur_content.triage_classifier import read_examples

    examples = {normalize(e["text"]) for e in read_examples()}
    return [item["text"] for item in items if normalize(item["text"]) in examples]


async def _parse_all(model: str, texts: List[str]) -> List[Dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def predict(items: List[Dict], model: Optional[str]) -> List[triage.Assessment]:
    rules = [triage.assess(item["text"]) for item in items]
    if not model:
        return rules
    parses = asyncio.run(_parse_all(model, [item["text"] for item in items]))
    return [triage.weigh(view, parse) for view, parse in zip(rules, parses, strict=False)]


def rate(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def score(items: List[Dict], predictions: List[triage.Assessment]) -> Dict:
    by = Counter()
    misses = []
    for item, got in zip(items, predictions, strict=False):
        grade, category = item["grade"], got.category
        by[grade] += 1
        urgent = got.level == "urgent"
        if grade == "acute":
            by["acute_hit"] += urgent
        elif grade == "suicide":
            by["suicide_hit"] += category == "suicide"
        elif grade == "high":
            by["high_hit"] += category is not None
        if grade in ("none", "high"):
            by["no_acute"] += 1
            by["false_112"] += urgent
        if item.get("kind") == "practical_question":
            by["questions"] += 1
            by["question_alerts"] += category is not None
        wrong = (
            (grade == "acute" and not urgent)
            or (grade == "suicide" and category != "suicide")
            or (grade == "high" and category is None)
            or (grade in ("none", "high") and urgent)
            or (grade == "none" and category is not None)
        )
        if wrong:
            misses.append(
                {"grade": grade, "kind": item.get("kind"), "got": category, "reason": got.reason, "text": item["text"]}
            )
    figures = {
        "messages": len(items),
        "acute": by["acute"],
        "suicide": by["suicide"],
        "high": by["high"],
        "none": by["none"],
        "acute_recall": rate(by["acute_hit"], by["acute"]),
        "suicide_recall": rate(by["suicide_hit"], by["suicide"]),
        "high_recall": rate(by["high_hit"], by["high"]),
        "false_112_rate": rate(by["false_112"], by["no_acute"]),
        "question_alert_rate": rate(by["question_alerts"], by["questions"]),
        "none_any_alert_rate": rate(
            sum(1 for i, p in zip(items, predictions, strict=False) if i["grade"] == "none" and p), by["none"]
        ),
    }
    return {"figures": figures, "misses": misses}


def missed_targets(figures: Dict, targets: Dict = TARGETS) -> List[str]:
    missed = []
    for name, (op, target) in targets.items():
        value = figures[name]
        if (op == ">=" and value < target) or (op == "<=" and value > target):
            missed.append(f"{name} {value:.3f} (target {op} {target})")
    return missed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batches", nargs="+", type=Path)
    parser.add_argument("--model", help="a trained Rasa model: weigh its opinion as the product does")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--floors", action="store_true", help="exit 1 when a figure falls below this round's")
    parser.add_argument("--misses", action="store_true", help="print every wrong message")
    args = parser.parse_args(argv)
    failed = False
    for path in args.batches:
        items = read_batch(path)
        leaked = set(learnt_from(items))
        # Writers who never met, given the same brief, write the same short lines ("hallo", "ze drukt
        # een kussen op mijn gezicht"); with 19 batches among the examples a fresh batch of 540 has
        # 30-60 of them. A fifth or more means the set was learnt from, not written fresh.
        if len(leaked) > len(items) // 5:
            print(f"{path.name}: {len(leaked)} messages are also training examples; it is no held-out set")
            return 2
        if leaked:  # writers who never met wrote the same "hallo" or the brief's own example
            print(f"{path.name}: {len(leaked)} messages left out that are word for word among the examples")
            items = [item for item in items if item["text"] not in leaked]
        result = score(items, predict(items, args.model))
        figures = result["figures"]
        print(f"{path.name} ({'triage + Rasa' if args.model else 'triage'}):")
        for name, value in figures.items():
            print(f"  {name:22} {value:.3f}" if isinstance(value, float) else f"  {name:22} {value}")
        if args.misses:
            for miss in result["misses"]:
                print(
                    f"  MISS {miss['grade']:7} {miss['kind'] or '':20} got={miss['got']!s:8} "
                    f"{miss['reason']!s:16} {miss['text']}"
                )
        missed = missed_targets(figures)
        for line in missed:
            print(f"  target missed: {line}")
        below = missed_targets(figures, FLOORS)
        for line in below:
            print(f"  BELOW THIS ROUND'S FLOOR: {line}")
        failed = failed or bool(missed and args.gate) or bool(below and args.floors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
