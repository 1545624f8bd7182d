"""The whole journey: a visitor on the demo page and a counsellor in the console, in two browser contexts,
against the real relay and the real Rasa assistant."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.support.browser import (
    BOT_TIMEOUT,
    assert_accessible,
    assert_modules_only,
    console_login,
    session_storage,
    start_chat,
    to_queue,
    visitor_says,
)

NICK = "<b>Sam</b>"
# Lets a test cut the visitor's socket and keep reconnects failing (a 404 on the relay) until restored.
CUTTABLE_SOCKETS = """(() => {
  const Real = window.WebSocket, made = [];
  let cut = false;
  window.WebSocket = function (url, protocols) {
    const s = new Real(cut ? url.replace("/ws/visitor", "/ws/cut") : url, protocols);
    made.push(s);
    return s;
  };
  window.WebSocket.prototype = Real.prototype;
  window.__cutSocket = () => { cut = true; made.forEach(s => s.close()); };
  window.__restoreSocket = () => { cut = false; };
})();"""
MARKUP = '<img src=x onerror="window.__pwned=1">Hoi <script>window.__pwned=2</script>'


def test_visitor_and_counsellor_journey(relay_server, open_page, axe):
    relay_server.add_counsellor("anna", "geheim-wachtwoord-1", "Anna", ["utrecht"])
    counsellor = open_page()
    # Count the console's beeps: every beep makes oscillators through the Web Audio API.
    counsellor.context.add_init_script(
        "window.__beeps = 0; const make = AudioContext.prototype.createOscillator;"
        "AudioContext.prototype.createOscillator = function () { window.__beeps++; return make.call(this); };"
    )
    console = counsellor.page
    console_login(console, relay_server.url, "anna", "geheim-wachtwoord-1")
    expect(console.locator("#me")).to_contain_text("Anna")
    assert_modules_only(counsellor)
    assert_accessible(axe, console, "console, empty queue")

    visitor = open_page(viewport={"width": 390, "height": 760})
    visitor.context.add_init_script(CUTTABLE_SOCKETS)
    page = visitor.page
    page.goto(relay_server.url)
    expect(page.locator(".vd-lstatus")).to_contain_text("nu open")
    assert_accessible(axe, page, "widget closed")

    start_chat(page, relay_server.url)
    expect(page.get_by_label("Je bericht")).to_be_focused()
    assert_accessible(axe, page, "widget open, with the assistant")
    to_queue(page, NICK)
    expect(page.locator(".vd-status")).to_contain_text("nummer 1")
    assert_accessible(axe, page, "widget queued")

    # A second visitor queues behind the first.
    second = open_page().page
    start_chat(second, relay_server.url)
    to_queue(second, "Robin")
    expect(second.locator(".vd-status")).to_contain_text("nummer 2")

    # The console lists both, markup in the nickname as text, with a waiting time that keeps counting.
    item = console.locator("#queue li").filter(has_text=NICK)
    expect(item).to_be_visible()
    expect(console.locator("#queue li")).to_have_count(2)
    assert item.locator("b").count() == 0
    expect(item).to_contain_text("Veilig Thuis Utrecht")
    waited = item.locator(".wait").text_content()
    expect(item.locator(".wait")).not_to_have_text(waited, timeout=5_000)
    assert_accessible(axe, console, "console, two waiting")

    # Urgent language while queued: the second visitor moves to the front, marked and with a beep.
    second.get_by_label("Je bericht").fill("hij slaat me nu, help")
    second.get_by_role("button", name="Versturen").click()
    expect(second.locator(".vd-alert")).to_be_visible(timeout=BOT_TIMEOUT)
    expect(second.locator(".vd-status")).to_contain_text("nummer 1", timeout=BOT_TIMEOUT)
    expect(page.locator(".vd-status")).to_contain_text("nummer 2", timeout=BOT_TIMEOUT)
    first = console.locator("#queue li").first
    expect(first).to_contain_text("Robin")
    expect(first.locator(".badge")).to_have_text("Urgent")
    expect(first).to_have_class(re.compile("urgent"))
    assert console.evaluate("() => window.__beeps") > 0
    assert_accessible(axe, console, "console, urgent in the queue")

    # The counsellor chooses the first visitor anyway.
    item.get_by_role("button", name="Neem dit gesprek").click()
    card = console.locator("article.card").filter(has_text=NICK)
    expect(card).to_be_visible()
    expect(card.locator(".msg.bot").first).to_be_visible()  # the assistant's part is there
    expect(card.locator(".msg.visitor .text").filter(has_text=NICK)).to_have_count(1)
    expect(console.locator("#queue li")).to_have_count(1)

    # The visitor sees who they talk to now: the name and the region's organisation.
    expect(page.locator(".vd-who")).to_have_text("Anna, Veilig Thuis Utrecht", timeout=BOT_TIMEOUT)

    # A canned reply goes into the message box, to edit before sending.
    card.get_by_label("Standaardtekst").select_option(index=1)
    card.get_by_role("button", name="Invoegen").click()
    expect(card.get_by_label(re.compile("Bericht aan"))).not_to_have_value("")
    card.get_by_label(re.compile("Bericht aan")).fill("")

    # Markup typed either way shows as text, and runs nowhere.
    card.get_by_label(re.compile("Bericht aan")).fill(MARKUP)
    card.get_by_role("button", name="Versturen").click()
    expect(page.locator(".vd-counsellor .vd-text").filter(has_text="Hoi")).to_have_text(MARKUP)
    visitor_says(page, MARKUP)
    expect(card.locator(".msg.visitor .text").filter(has_text="Hoi")).to_have_text(MARKUP)
    for p in (page, console):
        assert p.evaluate("() => window.__pwned") is None
        assert p.locator(".vd-log img, .log img").count() == 0
    assert_accessible(axe, page, "widget with a counsellor")

    # Closed panel: the conversation goes on; only an unread dot, never the text.
    page.get_by_role("button", name=re.compile("Chat verbergen")).click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("Open je gesprek"))).to_be_focused()
    card.get_by_label(re.compile("Bericht aan")).fill("Ben je er nog, Sam?")
    card.get_by_role("button", name="Versturen").click()
    expect(page.locator(".vd-dot")).to_be_visible(timeout=BOT_TIMEOUT)
    assert "Ben je er nog" not in page.locator("#voordeur").inner_text()
    page.get_by_role("button", name=re.compile("Open je gesprek")).click()
    expect(page.locator(".vd-counsellor .vd-text").last).to_have_text("Ben je er nog, Sam?")
    expect(page.locator(".vd-dot")).to_be_hidden()

    # A cut connection: what both sides sent meanwhile arrives after the reconnect, once.
    page.evaluate("() => window.__cutSocket()")
    expect(page.locator(".vd-status")).to_contain_text("verbinding is weg")
    card.get_by_label(re.compile("Bericht aan")).fill("Dit stuurde ik tijdens de storing.")
    card.get_by_role("button", name="Versturen").click()
    page.get_by_label("Je bericht").fill("Ik ben er weer")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator(".vd-visitor .vd-receipt").last).to_have_text("Wordt verstuurd…")
    page.evaluate("() => window.__restoreSocket()")
    expect(page.locator(".vd-status")).to_contain_text("weer verbonden", timeout=BOT_TIMEOUT)
    expect(page.locator(".vd-visitor .vd-receipt").last).to_have_text("Verstuurd", timeout=BOT_TIMEOUT)
    expect(page.locator(".vd-counsellor .vd-text").filter(has_text="tijdens de storing")).to_have_count(1)
    expect(card.locator(".msg.visitor .text").filter(has_text="Ik ben er weer")).to_have_count(1)
    seqs = page.locator(".vd-log .vd-msg").evaluate_all("els => els.map(e => +e.dataset.seq)")
    assert seqs == sorted(set(seqs))

    # Urgent language: a banner that stays, with tap-to-call links; the counsellor is alerted.
    beeps = console.evaluate("() => window.__beeps")
    visitor_says(page, "hij slaat me nu, help")
    alert = page.locator(".vd-alert")
    expect(alert).to_be_visible(timeout=BOT_TIMEOUT)
    expect(alert.locator("a[href='tel:112']")).to_be_visible()
    expect(alert.locator("a[href='tel:08002000']")).to_be_visible()
    expect(card.locator(".banner")).to_be_visible(timeout=BOT_TIMEOUT)
    expect(card).to_have_class(re.compile("urgent"))
    assert console.evaluate("() => window.__beeps") > beeps
    visitor_says(page, "ik zit nu in de badkamer")
    expect(alert).to_be_visible()
    assert_accessible(axe, page, "widget with an urgent alert")
    assert_accessible(axe, console, "console with an urgent conversation")

    # A reload with a counsellor: the same header and history.
    texts = page.locator(".vd-log .vd-text").all_text_contents()
    page.reload()
    expect(page.locator(".vd-who")).to_have_text("Anna, Veilig Thuis Utrecht", timeout=BOT_TIMEOUT)
    expect(page.locator(".vd-log .vd-text")).to_have_count(len(texts), timeout=BOT_TIMEOUT)
    assert page.locator(".vd-log .vd-text").all_text_contents() == texts

    # The counsellor ends; the visitor sees it; the anonymous registration follows.
    card.get_by_role("button", name="Gesprek beëindigen").click()
    card.get_by_role("button", name="Ja").click()
    expect(page.locator(".vd-status")).to_contain_text("beëindigd", timeout=BOT_TIMEOUT)
    expect(page.get_by_label("Je bericht")).to_be_disabled()
    form = card.locator("form.reg")
    expect(form).to_be_visible()
    assert_accessible(axe, console, "console, registration form")
    form.get_by_role("button", name="Registratie opslaan").click()
    expect(form.get_by_role("alert")).to_contain_text("Kies")
    form.locator("input[name=kinds]").first.check()
    form.locator("input[name=role]").first.check()
    form.get_by_label("Gegeven advies").fill("Veiligheidsplan besproken, 0800 2000 genoemd.")
    form.get_by_role("button", name="Registratie opslaan").click()
    expect(card).to_have_count(0)

    # The second visitor is taken, then handed over to another region: back in a queue, off this console.
    console.get_by_role("button", name="Neem de volgende").click()
    robin = console.locator("article.card").filter(has_text="Robin")
    expect(robin).to_be_visible()
    expect(robin).to_have_class(re.compile("urgent"))
    expect(robin.locator(".banner")).to_be_visible()
    expect(second.locator(".vd-who")).to_contain_text("Anna", timeout=BOT_TIMEOUT)
    robin.get_by_label("Overdragen aan regio").select_option("haaglanden")
    robin.get_by_role("button", name="Overdragen").click()
    expect(robin).to_have_count(0)
    expect(console.locator("#queue li")).to_have_count(0)
    expect(second.locator(".vd-status")).to_contain_text("in de wachtrij", timeout=BOT_TIMEOUT)
    expect(second.locator(".vd-who")).to_contain_text("Digitale assistent")

    # Privacy: nothing but the relay was asked, no cookies, no localStorage, one key prefix.
    relay_host = urlsplit(relay_server.url).netloc
    assert visitor.hosts() == {relay_host}
    assert visitor.context.cookies() == []
    assert page.evaluate("() => localStorage.length") == 0
    assert session_storage(page) and all(k.startswith("voordeur.") for k in session_storage(page))
    assert not visitor.errors and not counsellor.errors
