"""Fixtures for the custom action tests: the real domain, and a fresh dispatcher. The tracker builders
live in tests/support/bot.py; the repository root goes on the path for them, the bot's folder for
`actions`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
BOT_DIR = ROOT / "bot"
for path in (str(ROOT), str(BOT_DIR)):
    if path not in sys.path:
        sys.path.insert(0, path)


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(BOT_DIR / "domain")).as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
