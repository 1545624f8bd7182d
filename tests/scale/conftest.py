"""Fixtures for running several relays side by side: a fresh PostgreSQL database and a Redis prefix.

Each test run gets its own database (created, migrated by the relays, dropped afterwards) and its
own Redis channel prefix, so runs in parallel on one machine never see each other's events.
`SCALE_POSTGRES_URL` and `SCALE_REDIS_URL` point elsewhere than the local defaults.
"""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_URL = os.environ.get("SCALE_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    """REDIS_URL with a prefix of its own for this test."""
    separator = "&" if "?" in REDIS_URL else "?"
    return f"{REDIS_URL}{separator}prefix=voordeur-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    from bench.stack import temporary_database

    with temporary_database(POSTGRES_URL, "voordeur_scale") as url:
        yield url
