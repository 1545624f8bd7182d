"""The visitor's feedback form after the end, and the supervisors' figures page in the console:
accessible (axe), charts with their tables, printable, nothing loaded from elsewhere."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.support.browser import assert_accessible, console_login, start_chat

PASSWORD = "nog-een-wachtwoord"


def end_chat(page) -> None:
    page.get_by_role("button", name="Gesprek beëindigen").click()
    page.get_by_role("button", name="Ja, beëindigen").click()


def test_feedback_after_the_end_and_the_figures_page(relay_server, open_page, axe):
    watched = open_page()
    page = watched.page

    # The questions come after the end, the first answer has the focus, all of it is optional.
    start_chat(page, relay_server.url)
    end_chat(page)
    form = page.locator("form.vd-fb")
    expect(form).to_be_visible()
    expect(page.get_by_role("radio", name="1 (helemaal niet)")).to_be_focused()
    assert_accessible(axe, page, "widget feedback form")
    form.get_by_role("radio", name="4").check()
    form.get_by_role("group", name="Zou je deze chat nog eens gebruiken?").get_by_role("radio", name="Ja").check()
    form.get_by_label("Wil je nog iets zeggen?").fill("Fijn dat het anoniem kon.")
    form.get_by_role("button", name="Antwoord versturen").click()
    expect(page.locator(".vd-status")).to_have_text("Dank je wel voor je antwoord.")
    expect(form).to_be_hidden()
    expect(page.get_by_role("button", name="Nieuw gesprek starten")).to_be_focused()

    # A second chat: skipped in one tap, and gone.
    page.get_by_role("button", name="Nieuw gesprek starten").click()
    expect(page.locator(".vd-log .vd-bot").first).to_be_visible(timeout=45_000)
    end_chat(page)
    expect(form).to_be_visible()
    form.get_by_role("button", name="Overslaan").click()
    expect(form).to_be_hidden()
    expect(page.get_by_role("button", name="Nieuw gesprek starten")).to_be_focused()

    # A counsellor who is not a supervisor has no figures page.
    relay_server.add_counsellor("bram", PASSWORD, "Bram", ["utrecht"])
    relay_server.add_counsellor("sofie", PASSWORD, "Sofie", "all", supervisor=True)
    console = open_page()
    cpage = console.page
    console_login(cpage, relay_server.url, "bram", PASSWORD)
    expect(cpage.get_by_role("button", name="Cijfers")).to_be_hidden()
    cpage.get_by_role("button", name="Uitloggen").click()

    console_login(cpage, relay_server.url, "sofie", PASSWORD)
    cpage.get_by_role("button", name="Cijfers").click()
    expect(cpage.get_by_role("heading", name="Cijfers van de chat")).to_be_focused()
    expect(cpage.locator("#fig-status")).to_contain_text("Cijfers van")
    totals = cpage.get_by_role("table").first
    expect(totals.get_by_role("row", name=re.compile("Bezoekers die hun mening gaven"))).to_contain_text("< 5")
    # Every chart is an image with a name, followed by the table with its numbers.
    charts = cpage.locator("svg.chart")
    expect(charts).to_have_count(3)
    for i in range(3):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "img" and "tabel" in chart.get_attribute("aria-label")
        assert chart.evaluate("c => !!c.closest('section').querySelector('table')")
    heat = cpage.get_by_role("table", name="Vraag naar een hulpverlener per weekdag en uur")
    expect(heat.get_by_role("row")).to_have_count(8)
    expect(cpage.get_by_role("table", name="Soort geweld")).to_be_visible()
    assert_accessible(axe, cpage, "figures page")
    assert cpage.get_by_role("link", name="Download als CSV").get_attribute("href").startswith("/api/console/stats.csv")

    # Printed: the figures without the console around them.
    cpage.emulate_media(media="print")
    expect(cpage.locator("header.top")).to_be_hidden()
    expect(cpage.locator("#fig-form")).to_be_hidden()
    expect(heat).to_be_visible()
    cpage.emulate_media(media="screen")

    # Back to the chats; nothing was fetched from anywhere but the relay.
    cpage.get_by_role("button", name="Naar de gesprekken").click()
    expect(cpage.locator("#queue-empty")).to_be_visible()
    relay_host = urlsplit(relay_server.url).netloc
    assert console.hosts() == {relay_host} and watched.hosts() <= {relay_host, urlsplit(page.url).netloc}
    assert not console.errors and not watched.errors
