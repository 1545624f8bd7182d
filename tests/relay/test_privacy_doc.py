"""docs/privacy.md lists exactly what is stored: every column, nothing more, and the retention default."""

import re
from pathlib import Path

from relay.config import DEFAULTS
from relay.domain.models import Base

PRIVACY = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text()


def documented_columns() -> set[str]:
    section = PRIVACY.split("## What the relay stores", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", section, flags=re.M))


def model_columns() -> set[str]:
    return {f"{table.name}.{column.name}" for table in Base.metadata.sorted_tables for column in table.columns}


def test_every_stored_column_is_documented_and_nothing_else():
    assert model_columns() - documented_columns() == set(), "stored but not in docs/privacy.md"
    assert documented_columns() - model_columns() == set(), "in docs/privacy.md but not stored"


def test_no_column_can_hold_an_address():
    suspicious = re.compile(r"(^|_)(ip|addr|address|remote|host|user_agent|agent_string)($|_)")
    assert [c for c in model_columns() if suspicious.search(c.split(".")[1])] == []


def test_the_documented_retention_is_the_default():
    days = DEFAULTS["RELAY_RETENTION_DAYS"]
    assert f"`RELAY_RETENTION_DAYS` days (default **{days:g}**)" in PRIVACY
    assert "registrations stay" in PRIVACY.lower()
