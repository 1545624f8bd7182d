"""The visitor widget on its own: closing and reopening, reload, the quick exit, a dropped connection,
small screens. Against the real relay and the real assistant."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.support.browser import (
    BOT_TIMEOUT,
    EXIT_URL,
    assert_accessible,
    bot_count,
    session_storage,
    start_chat,
    visitor_says,
    wait_bot_reply,
)


def log_texts(page) -> list[str]:
    return page.locator(".vd-log .vd-text").all_text_contents()


def test_close_reopen_and_reload_keep_the_conversation(relay_server, open_page):
    page = open_page().page
    start_chat(page, relay_server.url)
    n = bot_count(page)
    visitor_says(page, "Kim")
    wait_bot_reply(page, n)
    before = log_texts(page)
    token = session_storage(page)["voordeur.token"]

    # Escape closes, focus returns to the launcher; reopening shows the same conversation.
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    launcher = page.get_by_role("button", name=re.compile("Open je gesprek"))
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_label("Je bericht")).to_be_focused()
    assert log_texts(page) == before

    # Reload in the same tab: the same conversation and its history, nothing twice.
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".vd-log .vd-text")).to_have_count(len(before), timeout=BOT_TIMEOUT)
    assert log_texts(page) == before
    assert session_storage(page)["voordeur.token"] == token
    expect(page.locator(".vd-visitor .vd-receipt")).to_have_text(["Verstuurd"])

    # Closed before the reload: it comes back closed, and resumes on opening.
    page.get_by_role("button", name=re.compile("Chat verbergen")).click()
    page.reload()
    expect(page.get_by_role("button", name=re.compile("Open je gesprek"))).to_be_visible()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.get_by_role("button", name=re.compile("Open je gesprek")).click()
    assert log_texts(page) == before

    # An explicit end, then a fresh start is possible.
    page.get_by_role("button", name="Gesprek beëindigen").click()
    page.get_by_role("button", name="Ja, beëindigen").click()
    expect(page.locator(".vd-status")).to_contain_text("beëindigd")
    expect(page.get_by_label("Je bericht")).to_be_disabled()
    page.get_by_role("button", name="Nieuw gesprek starten").click()
    expect(page.locator(".vd-bot").first).to_be_visible(timeout=BOT_TIMEOUT)
    assert session_storage(page)["voordeur.token"] != token


def test_quick_exit_button_leaves_and_forgets(relay_server, open_page):
    page = open_page().page
    page.goto("about:blank")
    start_chat(page, relay_server.url)
    assert session_storage(page)
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url(EXIT_URL)
    # Back does not bring the chat back: the chat page was replaced in the history.
    page.go_back()
    assert page.url == "about:blank"
    page.goto(relay_server.url)
    expect(page.get_by_role("button", name="Start de chat")).to_be_visible()
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert session_storage(page) == {}


def test_quick_exit_with_shift_three_times(relay_server, open_page):
    page = open_page().page
    start_chat(page, relay_server.url)
    # Capitals typed with Shift do not count as presses of Shift alone.
    page.get_by_label("Je bericht").focus()
    for _ in range(3):
        page.keyboard.press("Shift+A")
    assert page.url.startswith(relay_server.url)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(page.locator("#voordeur [role=status]").last).to_have_text(re.compile("nog 1 keer"))
    page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)
    page.goto(relay_server.url)
    assert session_storage(page) == {}
    expect(page.get_by_role("button", name="Start de chat")).to_be_visible()


def test_dropped_connection_reconnects_without_loss_or_duplicates(relay_server, open_page):
    page = open_page().page
    start_chat(page, relay_server.url)
    relay_server.stop()
    expect(page.locator(".vd-status")).to_contain_text("verbinding is weg")
    # Typed while offline: shown as pending, sent once the relay is back.
    page.get_by_label("Je bericht").fill("Kim")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator(".vd-visitor .vd-receipt")).to_have_text(["Wordt verstuurd…"])
    relay_server.start()
    expect(page.locator(".vd-status")).to_contain_text("weer verbonden", timeout=BOT_TIMEOUT)
    expect(page.locator(".vd-visitor .vd-receipt")).to_have_text(["Verstuurd"], timeout=BOT_TIMEOUT)
    bot_said_after = page.locator(".vd-visitor ~ .vd-bot")
    expect(bot_said_after.first).to_be_visible(timeout=BOT_TIMEOUT)
    seqs = page.locator(".vd-log .vd-msg").evaluate_all("els => els.map(e => e.dataset.seq)")
    assert None not in seqs and len(seqs) == len(set(seqs))
    assert seqs == sorted(seqs, key=int)
    texts = log_texts(page)
    # What the relay stored is what the widget shows: a reload gives the same, with Kim once.
    page.reload()
    expect(page.locator(".vd-log .vd-text")).to_have_count(len(texts), timeout=BOT_TIMEOUT)
    assert log_texts(page) == texts
    assert texts.count("Kim") == 1


def test_small_screen_320px(relay_server, open_page, axe):
    page = open_page(viewport={"width": 320, "height": 640}).page
    page.goto(relay_server.url)
    launcher = page.locator(".vd-launcher")
    expect(launcher).to_be_visible()
    assert launcher.bounding_box()["width"] <= 320
    start_chat(page, relay_server.url)
    box = page.get_by_role("dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    for name in ("Snel weg", "Versturen"):
        control = page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))
        b = control.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 320, name
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert_accessible(axe, page, "widget open at 320 px")


def test_closed_chat_shows_when_it_opens_and_the_phone_numbers(relay_server, open_page, axe):
    relay_server.stop()
    relay_server.start(RELAY_SCHEDULE="closed")
    watched = open_page()
    page = watched.page
    page.goto(relay_server.url)
    launcher = page.locator(".vd-launcher")
    expect(launcher).to_contain_text("gesloten")
    expect(launcher.locator("a[href='tel:08002000']")).to_be_visible()
    expect(launcher.locator("a[href='tel:112']")).to_be_visible()
    expect(launcher).to_contain_text("dag en nacht")
    expect(page.get_by_role("button", name="Start de chat")).to_be_hidden()
    assert_accessible(axe, page, "widget closed, chat closed")
    # Nothing connects until the visitor starts a chat.
    assert not [u for u in watched.requests if "/ws/" in u]


def test_embedded_on_another_site_with_one_tag(relay_server, open_page, tmp_path):
    """A host page on another origin embeds the widget with the one-line snippet only."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Gemeente</title></head>'
        f"<body><main><h1>Hulp bij geweld thuis</h1></main>"
        f'<script src="{relay_server.url}/widget/widget.js" async></script></body></html>'
    )
    host = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        port = re.search(r"port (\d+)", host.stdout.readline()).group(1)
        site = f"http://127.0.0.1:{port}/"
        watched = open_page()
        page = watched.page
        start_chat(page, site)
        assert session_storage(page)  # on the host page's own sessionStorage
        # Only the host page itself and the relay were asked.
        assert watched.hosts() <= {f"127.0.0.1:{port}", urlsplit(relay_server.url).netloc}
        assert watched.context.cookies() == []
        assert not watched.errors
    finally:
        host.terminate()
        host.wait()
        host.stdout.close()


def test_demo_page_without_javascript_still_gives_the_phone_numbers(relay_server, open_page):
    page = open_page(java_script_enabled=False).page
    page.goto(relay_server.url)
    expect(page.locator("main a[href='tel:08002000']").first).to_be_visible()
    expect(page.locator("main a[href='tel:112']").first).to_be_visible()
    expect(page.locator("#voordeur")).to_have_count(0)


# Every change under the widget's root, in order, kept as node references for the checks below.
RECORD_MUTATIONS = """(() => {
  window.__mutations = [];
  new MutationObserver((records) => {
    for (const r of records) window.__mutations.push({ target: r.target, added: Array.from(r.addedNodes) });
  }).observe(document, { childList: true, subtree: true, characterData: true });
})();"""
# The first role="alert" element added to the panel: was it empty then, i.e. did its text come in a later
# change? Screen readers announce changes inside a live region already in the page.
ALERT_ADDED_BEFORE_ITS_TEXT = """() => {
  const m = window.__mutations;
  const i = m.findIndex((r) => r.added.some((n) => n.nodeType === 1 && n.matches(".vd-panel [role=alert]")));
  if (i < 0) return "no alert element was added";
  const alert = m[i].added.find((n) => n.nodeType === 1 && n.matches("[role=alert]"));
  const later = m.slice(i + 1).some((r) => (r.target === alert || alert.contains(r.target)) && r.added.length);
  return later ? "" : "the alert came with its text already in it";
}"""


def test_urgent_alert_is_in_the_page_before_its_text(relay_server, open_page):
    watched = open_page()
    watched.context.add_init_script(RECORD_MUTATIONS)
    page = watched.page
    page.goto(relay_server.url)
    page.get_by_role("button", name="Start de chat").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    # The triage rules raise the alert before the assistant answers.
    page.get_by_label("Je bericht").fill("hij slaat me nu, help")
    page.get_by_role("button", name="Versturen").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=BOT_TIMEOUT)
    expect(alert.locator("a[href='tel:112']")).to_be_visible()
    assert page.evaluate(ALERT_ADDED_BEFORE_ITS_TEXT) == ""
    # A reload brings the alert back, announced the same way.
    page.reload()
    expect(page.get_by_role("alert")).to_be_visible(timeout=BOT_TIMEOUT)
    assert page.evaluate(ALERT_ADDED_BEFORE_ITS_TEXT) == ""
    assert not watched.errors


def test_focus_trap_covers_every_focusable_element(relay_server, open_page):
    page = open_page().page
    page.goto(relay_server.url)
    page.get_by_role("button", name="Start de chat").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    # Content the panel may hold one day: a link, a select, an element with a positive tabindex.
    page.evaluate("""() => {
      const panel = document.querySelector(".vd-panel");
      const link = Object.assign(document.createElement("a"), { href: "#hulp", textContent: "Meer hulp" });
      const select = document.createElement("select");
      select.setAttribute("aria-label", "Keuze");
      select.appendChild(new Option("een"));
      panel.append(link, select);
    }""")
    first = page.get_by_role("link", name="Snel weg")
    link = dialog.get_by_role("link", name="Meer hulp")
    select = dialog.get_by_role("combobox", name="Keuze")

    link.focus()
    page.keyboard.press("Tab")
    expect(select).to_be_focused()
    page.keyboard.press("Tab")  # past the last one: back to the first, never out of the panel
    expect(first).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(select).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(link).to_be_focused()

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("Open je gesprek"))).to_be_focused()
