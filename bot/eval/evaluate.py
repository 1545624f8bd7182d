"""Held-out evaluation of the trained assistant's intents per class.

Run from bot/ with the repository root on PYTHONPATH:
    PYTHONPATH=.. ../.venv-bot/bin/python eval/evaluate.py --model models/voordeur.tar.gz

Triage has its own evaluation (eval/triage.py, docs/triage.md). Exits non-zero when a held-out
NLU sentence also appears in the training data or the triage phrases.
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

from voordeur_content._files import normalize  # noqa: E402
from voordeur_content.triage import TRIAGE_FILE  # noqa: E402


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
    known = {
        normalize(text) for file in (BOT_DIR / "data" / "nlu").glob("*.yml") for text, _ in read_nlu_examples(file)
    }
    rules = yaml.safe_load(TRIAGE_FILE.read_text(encoding="utf-8")) or {}
    known |= {
        normalize(str(p))
        for signal in (rules.get("signals") or {}).values()
        for tense in ("now", "ongoing", "done")
        for p in (signal.get(tense) or [])
    }
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
    report["accuracy"] = sum(t == p for t, p in zip(truth, predicted, strict=False)) / len(truth)
    print("\nHeld-out intent evaluation")
    print(classification_report(truth, predicted, labels=labels, zero_division=0, digits=3))
    errors = [(t, i, p) for (t, i), p in zip(pairs, predicted, strict=False) if i != p]
    for text, intent, guess in errors:
        print(f"  wrong: {text!r}: expected {intent}, got {guess}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/voordeur.tar.gz")
    parser.add_argument("--nlu", default=str(BOT_DIR / "eval" / "nlu_heldout.yml"))
    parser.add_argument("--out", default=str(BOT_DIR / "results" / "heldout.json"))
    args = parser.parse_args()

    logging.basicConfig(level=logging.ERROR)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.ERROR)
    pairs = read_nlu_examples(Path(args.nlu))
    # The triage batches are written by people who never saw the NLU data; a line of theirs that
    # matches it word for word ("ik wil niet meer wakker worden") is a coincidence, reported here.
    # bot/eval/triage.py itself leaves out lines that are among the triage examples.
    triage_texts = [
        json.loads(line)["text"]
        for path in sorted((BOT_DIR / "eval" / "heldout").glob("triage-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for text in leaked_sentences(triage_texts):
        print(f"note: a triage held-out message is also in the NLU training data: {text!r}")

    leaks = leaked_sentences([t for t, _ in pairs])
    for text in leaks:
        print(f"held-out sentence also in training data or phrase file: {text!r}")

    texts = list(dict.fromkeys(t for t, _ in pairs))
    parsed_list = asyncio.run(parse_all(args.model, texts))
    parsed = dict(zip(texts, parsed_list, strict=False))

    intents = intent_report(pairs, [parsed[t] for t, _ in pairs])

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump({"intents": intents}, handle, indent=2, ensure_ascii=False)

    failures = []
    if leaks:
        failures.append(f"{len(leaks)} held-out sentences leaked into training data or phrases")
    print(
        f"\nintent macro F1 {intents['macro avg']['f1-score']:.3f}, "
        f"weighted F1 {intents['weighted avg']['f1-score']:.3f}, accuracy {intents['accuracy']:.3f}"
    )
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
