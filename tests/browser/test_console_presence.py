"""Presence in the real browser: the wait the visitor is told, typing both ways, whether the visitor is
there, the gentle reminder after a quiet while, and handing chats over before logging out."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import assert_accessible, console_login, start_chat, to_queue


def test_presence_typing_reminder_and_handover(relay_server, open_page, axe):
    relay_server.add_counsellor("anna", "geheim-wachtwoord-1", "Anna", ["utrecht"])
    console = open_page().page
    console_login(console, relay_server.url, "anna", "geheim-wachtwoord-1")

    page = open_page(viewport={"width": 390, "height": 760}).page
    start_chat(page, relay_server.url)
    to_queue(page, "Sam")
    # No history yet: no number, an honest sentence instead.
    expect(page.locator(".vd-status")).to_contain_text("nummer 1")
    expect(page.locator(".vd-status")).to_contain_text("Hoe lang het duurt, weten we nu niet.")

    item = console.locator("#queue li").filter(has_text="Sam")
    item.get_by_role("button", name="Neem dit gesprek").click()
    card = console.locator("article.card").filter(has_text="Sam")
    expect(card.locator(".presence")).to_contain_text("De bezoeker is er (sinds")
    expect(page.locator(".vd-who")).to_contain_text("Anna")

    # Typing, both ways, never the words.
    page.get_by_label("Je bericht").press_sequentially("Ik weet niet")
    expect(card.locator(".typing")).to_have_text("Sam is aan het typen…")
    assert "Ik weet niet" not in card.text_content()
    card.locator(".compose textarea").press_sequentially("Neem je tijd")
    expect(page.locator(".vd-typing")).to_have_text("Anna is aan het typen…")
    assert "Neem je tijd" not in page.locator("#voordeur").text_content()
    card.locator(".compose textarea").press("Enter")
    expect(page.locator(".vd-typing")).to_have_text("")
    assert_accessible(axe, console, "console, a chat with presence and typing")

    # Quiet for three minutes after my message: a gentle reminder, and "ben je er nog?" ready to send.
    console.clock.install()
    console.clock.fast_forward("03:05")
    reminder = card.locator(".reminder")
    expect(reminder).to_be_visible()
    expect(reminder).to_contain_text("Het gesprek blijft open")
    reminder.get_by_role("button", name="Vraag: ben je er nog?").click()
    expect(card.locator(".compose textarea")).to_have_value(
        "Ben je er nog? Als je even weg moest, is dat helemaal goed. Ik wacht op je, en het gesprek blijft open."
    )
    expect(card.locator(".compose textarea")).to_be_focused()
    card.locator(".compose textarea").fill("")

    # Logging out with an open chat: first the question, Escape keeps me here.
    console.get_by_role("button", name="Uitloggen").click()
    dialog = console.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Je hebt nog 1 open gesprek")
    expect(console.get_by_role("button", name="Overdragen en uitloggen")).to_be_focused()
    assert_accessible(axe, console, "console, hand over before logging out")
    console.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(console.get_by_role("button", name="Uitloggen")).to_be_focused()
    expect(card).to_be_visible()

    console.get_by_role("button", name="Uitloggen").click()
    console.get_by_role("button", name="Overdragen en uitloggen").click()
    expect(console.get_by_role("heading", name="Inloggen")).to_be_visible()
    # The visitor hears it and is at the front of the queue again.
    expect(page.locator(".vd-log")).to_contain_text("draagt het gesprek over aan een collega")
    expect(page.locator(".vd-status")).to_contain_text("nummer 1")
    expect(page.locator(".vd-who")).to_contain_text("Digitale assistent")
