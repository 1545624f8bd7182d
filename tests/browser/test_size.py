"""The size budget: widget.js + widget.css at most 15 KB gzipped, as reported by bench/widget_size.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_widget_within_size_budget():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "widget_size.py")], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    total = re.search(r"^total\s+(\d+) B raw\s+(\d+) B gzip", run.stdout, re.M)
    assert total and int(total.group(2)) <= 15 * 1024
