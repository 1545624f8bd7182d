"""Held-out evaluation of the trained assistant: intents per class, and urgent detection.

Run from bot/ with the repository root on PYTHONPATH:
    PYTHONPATH=.. ../.venv-bot/bin/python eval/evaluate.py --model models/voordeur.tar.gz

The urgency check uses exactly what the bot uses (actions.urgency.category_of: the classifier's
urgent_* intent OR the phrase file). Exits non-zero when recall < --min-recall, the false-alarm
rate > --max-false-alarms, or when a held-out sentence also appears in the training data or the
phrase file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

BOT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BOT_DIR))
sys.path.insert(0, str(BOT_DIR.parent))

from actions.urgency import category_of  # noqa: E402
from voordeur_content._files import normalize  # noqa: E402
from voordeur_content.urgency import PHRASES_FILE  # noqa: E402


def read_nlu_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file (plain examples, no entity annotation)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def leaked_sentences(sentences: List[str]) -> List[str]:
    """Held-out sentences that also occur in the training data or the phrase file."""
    known = {normalize(text) for file in (BOT_DIR / "data" / "nlu").glob("*.yml")
             for text, _ in read_nlu_examples(file)}
    phrases = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8")) or {}
    known |= {normalize(str(p)) for section in phrases.values() for p in (section or [])}
    return [s for s in sentences if normalize(s) in known]


async def parse_all(model: str, texts: List[str]) -> List[Dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def intent_report(pairs: List[Tuple[str, str]], parsed: List[Dict]) -> Dict:
    from sklearn.metrics import classification_report

    truth = [intent for _, intent in pairs]
    predicted = [p["intent"]["name"] for p in parsed]
    # Averages over the intents of the held-out set; a prediction of nlu_fallback counts as a miss.
    labels = sorted(set(truth))
    report = classification_report(truth, predicted, labels=labels, output_dict=True, zero_division=0)
    report["accuracy"] = sum(t == p for t, p in zip(truth, predicted)) / len(truth)
    print("\nHeld-out intent evaluation")
    print(classification_report(truth, predicted, labels=labels, zero_division=0, digits=3))
    errors = [(t, i, p) for (t, i), p in zip(pairs, predicted) if i != p]
    for text, intent, guess in errors:
        print(f"  wrong: {text!r}: expected {intent}, got {guess}")
    return report


def urgency_report(data: Dict[str, List[str]], parsed: Dict[str, Dict]) -> Dict:
    def urgent(text: str) -> str | None:
        return category_of(parsed[text]["intent"]["name"], text)

    positives = [(t, "acute") for t in data.get("acute") or []] + [(t, "suicide") for t in data.get("suicide") or []]
    negatives = data.get("not_urgent") or []
    missed = [t for t, _ in positives if urgent(t) is None]
    wrong_category = [t for t, category in positives if urgent(t) not in (None, category)]
    alarms = [t for t in negatives if urgent(t) is not None]
    recall = 1 - len(missed) / len(positives)
    false_alarm_rate = len(alarms) / len(negatives)
    print(f"\nUrgency evaluation on {len(positives)} urgent and {len(negatives)} not-urgent sentences")
    print(f"  recall {recall:.3f}   false-alarm rate {false_alarm_rate:.3f}   "
          f"right category (guidance) {1 - len(wrong_category) / len(positives):.3f}")
    for text in wrong_category:
        print(f"  wrong category: {text!r} (intent {parsed[text]['intent']['name']})")
    # What the relay uses while a counsellor chats: the classifier alone at >= 0.6, plus the phrases.
    def relay_urgent(text: str) -> bool:
        intent = parsed[text]["intent"]
        return (intent["name"].startswith("urgent_") and intent["confidence"] >= 0.6) or category_of("", text) is not None

    relay_recall = sum(relay_urgent(t) for t, _ in positives) / len(positives)
    relay_alarms = sum(relay_urgent(t) for t in negatives) / len(negatives)
    print(f"  relay while a counsellor chats (urgent_* >= 0.6 or phrases): recall {relay_recall:.3f}, "
          f"false-alarm rate {relay_alarms:.3f}")
    for text in missed:
        print(f"  missed: {text!r} (intent {parsed[text]['intent']['name']})")
    for text in alarms:
        print(f"  false alarm: {text!r} (intent {parsed[text]['intent']['name']})")
    return {"recall": recall, "false_alarm_rate": false_alarm_rate, "missed": missed, "false_alarms": alarms,
            "wrong_category": wrong_category, "relay_recall": relay_recall, "relay_false_alarm_rate": relay_alarms,
            "urgent": len(positives), "not_urgent": len(negatives)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/voordeur.tar.gz")
    parser.add_argument("--nlu", default=str(BOT_DIR / "eval" / "nlu_heldout.yml"))
    parser.add_argument("--urgency", default=str(BOT_DIR / "eval" / "urgency.yml"))
    parser.add_argument("--min-recall", type=float, default=0.95)
    parser.add_argument("--max-false-alarms", type=float, default=0.10)
    parser.add_argument("--out", default=str(BOT_DIR / "results" / "heldout.json"))
    args = parser.parse_args()

    logging.basicConfig(level=logging.ERROR)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.ERROR)
    pairs = read_nlu_examples(Path(args.nlu))
    urgency_data = yaml.safe_load(Path(args.urgency).read_text(encoding="utf-8"))
    urgency_texts = [t for key in ("acute", "suicide", "not_urgent") for t in urgency_data.get(key) or []]

    leaks = leaked_sentences([t for t, _ in pairs] + urgency_texts)
    for text in leaks:
        print(f"held-out sentence also in training data or phrase file: {text!r}")

    texts = list(dict.fromkeys([t for t, _ in pairs] + urgency_texts))
    parsed_list = asyncio.run(parse_all(args.model, texts))
    parsed = dict(zip(texts, parsed_list))

    intents = intent_report(pairs, [parsed[t] for t, _ in pairs])
    urgent = urgency_report(urgency_data, parsed)

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump({"intents": intents, "urgency": urgent}, handle, indent=2, ensure_ascii=False)

    failures = []
    if leaks:
        failures.append(f"{len(leaks)} held-out sentences leaked into training data or phrases")
    if urgent["recall"] < args.min_recall:
        failures.append(f"urgent recall {urgent['recall']:.3f} < {args.min_recall}")
    if urgent["false_alarm_rate"] > args.max_false_alarms:
        failures.append(f"false-alarm rate {urgent['false_alarm_rate']:.3f} > {args.max_false_alarms}")
    print(f"\nintent macro F1 {intents['macro avg']['f1-score']:.3f}, "
          f"weighted F1 {intents['weighted avg']['f1-score']:.3f}, accuracy {intents['accuracy']:.3f}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
