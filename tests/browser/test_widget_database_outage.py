"""The database away when a visitor opens the chat: the widget is told, reconnects by itself, and the
chat starts once the database is back (no reload, no restart of the relay)."""

from __future__ import annotations

import threading
import time

from playwright.sync_api import expect

from tests.support.browser import BOT_TIMEOUT, bot_said
from tests.support.faults import database_locked


def test_the_chat_starts_once_the_database_is_back(relay_server, open_page, database_url):
    relay_server.stop()
    relay_server.start(DATABASE_LOCK_TIMEOUT=1)
    page = open_page().page
    page.goto(relay_server.url)
    released = threading.Event()

    def hold_the_lock():
        with database_locked(database_url):
            released.wait(60)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        time.sleep(1)
        page.get_by_role("button", name="Start de chat").click()
        # "Er ging even iets mis. Probeer het opnieuw." then "De verbinding is weg. We proberen het opnieuw…"
        expect(page.locator(".vd-status")).to_contain_text("opnieuw", timeout=BOT_TIMEOUT)
    finally:
        released.set()
        holder.join()
    expect(page.locator(".vd-who")).to_contain_text("Digitale assistent", timeout=BOT_TIMEOUT)
    bot_said(page, "bijnaam")
