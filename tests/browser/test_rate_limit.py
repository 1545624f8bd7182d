"""A visitor who types faster than the rate limit loses nothing: the widget keeps the message as
"sending", says why, and sends it again until the relay stores it."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.support.browser import BOT_TIMEOUT, start_chat


def test_a_rate_limited_message_is_sent_again_not_lost(relay_server, open_page):
    relay_server.stop()
    relay_server.start(RELAY_RATE_BURST=1, RELAY_RATE_PER_SECOND=0.1)
    page = open_page().page
    errors: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: errors.append(json.loads(payload).get("code"))
            if isinstance(payload, str) and '"error"' in payload
            else None,
        ),
    )
    start_chat(page, relay_server.url)

    box = page.get_by_label("Je bericht")
    for text in ("Kim", "Ik maak me zorgen om mijn zus"):
        box.fill(text)
        page.get_by_role("button", name="Versturen").click()

    sent = page.locator(".vd-log .vd-visitor")
    expect(sent).to_have_count(2)
    expect(sent.locator(".vd-receipt")).to_have_text(["Verstuurd", "Verstuurd"], timeout=BOT_TIMEOUT * 2)
    assert "rate_limited" in errors
    assert sent.locator(".vd-text").all_text_contents() == ["Kim", "Ik maak me zorgen om mijn zus"]
