"""Secret tokens (a visitor's resume token, a counsellor's session cookie): made and hashed here.

Only the hash is stored, so a copy of the database cannot resume a chat or log in as a counsellor.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def hash_token(token: str) -> str:
    """What the database stores and looks up; SHA-256 suffices for 256 random bits (no guessing)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
