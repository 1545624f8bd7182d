"""Which sites may embed the widget (RELAY_ALLOWED_ORIGINS) and what counts as the relay itself."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request


def same_origin(origin: str | None) -> bool:
    """True when the Origin header names this relay itself (host and port)."""
    if not origin:
        return False
    return urlsplit(origin).netloc.lower() == request.host.lower()


def allowed_origin(origin: str | None) -> bool:
    """May a page from this origin use the visitor socket and /api/status?"""
    setting = (current_app.config.get("RELAY_ALLOWED_ORIGINS") or "*").strip()
    if setting == "*" or origin is None or same_origin(origin):
        return True
    return origin.rstrip("/") in {o.strip().rstrip("/") for o in setting.split(",")}
