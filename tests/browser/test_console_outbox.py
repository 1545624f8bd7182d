"""A counsellor's message is never lost: written while the relay is away, it waits in the console,
marked as such, and is stored once when the connection is back (widget/console/outbox.js)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import assert_accessible, console_login, start_chat, to_queue


def test_a_message_written_while_the_relay_is_away_is_sent_once_when_it_is_back(relay_server, open_page, axe):
    relay_server.add_counsellor("anna", "geheim-wachtwoord-1", "Anna", ["utrecht"])
    watched = open_page()
    console = watched.page
    console_login(console, relay_server.url, "anna", "geheim-wachtwoord-1")
    page = open_page(viewport={"width": 390, "height": 760}).page
    start_chat(page, relay_server.url)
    to_queue(page, "Sam")
    console.locator("#queue li").filter(has_text="Sam").get_by_role("button", name="Neem dit gesprek").click()
    card = console.locator("article.card").filter(has_text="Sam")
    expect(page.locator(".vd-who")).to_contain_text("Anna")

    relay_server.stop()  # the relay restarts (a deploy, a crash): the console's socket drops
    expect(console.locator("#conn")).not_to_have_text("Verbonden.")
    card.locator(".compose textarea").fill("Ik ben er nog, Sam. Neem je tijd.")
    card.locator(".compose textarea").press("Enter")
    pending = card.locator(".msg.pending")
    expect(pending).to_contain_text("Ik ben er nog, Sam.")
    expect(pending).to_contain_text("wacht op verbinding")
    expect(card.locator(".compose textarea")).to_have_value("")  # the text is safe in the outbox, not in the box
    assert_accessible(axe, console, "console, a message waiting for the connection")

    relay_server.start()
    expect(console.locator("#conn")).to_have_text("Verbonden.", timeout=30_000)
    expect(card.locator(".msg.pending")).to_have_count(0, timeout=15_000)
    expect(card.locator(".msg.counsellor").filter(has_text="Ik ben er nog, Sam.")).to_have_count(1)
    expect(page.locator(".vd-log")).to_contain_text("Ik ben er nog, Sam. Neem je tijd.", timeout=30_000)
    assert page.locator(".vd-log").text_content().count("Ik ben er nog, Sam.") == 1


def test_a_queue_update_keeps_focus_on_the_visitor_the_counsellor_was_on(relay_server, open_page):
    relay_server.add_counsellor("anna", "geheim-wachtwoord-1", "Anna", ["utrecht"])
    console = open_page().page
    console_login(console, relay_server.url, "anna", "geheim-wachtwoord-1")
    for nickname in ("Sam", "Kim"):
        page = open_page(viewport={"width": 390, "height": 760}).page
        start_chat(page, relay_server.url)
        to_queue(page, nickname)
    kim = console.locator("#queue li").filter(has_text="Kim").get_by_role("button")
    expect(kim).to_be_visible()
    kim.focus()
    # Another visitor joins the queue: the list is redrawn, and focus stays with Kim, not on Sam.
    late = open_page(viewport={"width": 390, "height": 760}).page
    start_chat(late, relay_server.url)
    to_queue(late, "Noor")
    expect(console.locator("#queue li")).to_have_count(3)
    expect(console.locator("#queue li").filter(has_text="Kim").get_by_role("button")).to_be_focused()


def test_the_counsellors_notes_are_saved_and_come_back_after_a_reload(relay_server, open_page, axe):
    relay_server.add_counsellor("anna", "geheim-wachtwoord-1", "Anna", ["utrecht"])
    console = open_page().page
    console_login(console, relay_server.url, "anna", "geheim-wachtwoord-1")
    page = open_page(viewport={"width": 390, "height": 760}).page
    start_chat(page, relay_server.url)
    to_queue(page, "Sam")
    console.locator("#queue li").filter(has_text="Sam").get_by_role("button", name="Neem dit gesprek").click()
    card = console.locator("article.card").filter(has_text="Sam")
    expect(card.locator("h3 .waited")).to_have_text("wachtte 1 min")  # how long Sam waited for a person
    card.get_by_text("Eigen notities").click()
    notes = card.get_by_label("Notities bij dit gesprek")
    notes.fill("Oudere zus woont in huis; terugbellen besproken.")
    notes.press("Tab")  # leaving the field saves it
    expect(card.locator(".notestatus")).to_have_text("Notitie bewaard.")
    assert_accessible(axe, console, "console, a chat with notes")

    console.reload()
    card = console.locator("article.card").filter(has_text="Sam")
    expect(card.get_by_label("Notities bij dit gesprek")).to_have_value(
        "Oudere zus woont in huis; terugbellen besproken."
    )
    assert "Oudere zus" not in page.locator("#voordeur").text_content()
