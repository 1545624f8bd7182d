"""Report the size of the visitor widget as browsers download it: widget.js + widget.css, raw and gzipped.

Exits non-zero when the gzipped total passes the budget (15 KB), as a11y-dialog's size script does.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

BUDGET = 15 * 1024
WIDGET = Path(__file__).resolve().parent.parent / "widget"
FILES = ("widget.js", "widget.css")


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def main() -> int:
    total_raw = total_gz = 0
    for name in FILES:
        data = (WIDGET / name).read_bytes()
        raw, gz = len(data), gzip_size(data)
        total_raw += raw
        total_gz += gz
        print(f"{name:<12} {raw:>7} B raw  {gz:>6} B gzip")
    print(f"{'total':<12} {total_raw:>7} B raw  {total_gz:>6} B gzip  (budget {BUDGET} B gzip)")
    if total_gz > BUDGET:
        print(f"over budget by {total_gz - BUDGET} B", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
