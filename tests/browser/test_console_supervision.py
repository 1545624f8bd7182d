"""A supervisor in the real browser: the live overview of their regions, reading along with a chat,
a whisper that reaches the counsellor (marked as for them alone) and never the visitor, and a
counsellor's "Kijk even mee"."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import assert_accessible, console_login, start_chat, to_queue

WHISPER = "Vraag of er kinderen in huis zijn"


def test_overview_watch_whisper_and_flag(relay_server, open_page, axe):
    relay_server.add_counsellor("sofie", "coordinator-wachtwoord", "Sofie", ["utrecht"], supervisor=True)
    relay_server.add_counsellor("anna", "geheim-wachtwoord-1", "Anna", ["utrecht"])
    sofie = open_page().page
    console_login(sofie, relay_server.url, "sofie", "coordinator-wachtwoord")
    overview = sofie.get_by_role("region", name="Overzicht van je regio's")
    expect(overview).to_be_visible()
    row = overview.get_by_role("row").filter(has_text="Utrecht")
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")  # Sofie herself is online

    anna = open_page().page
    console_login(anna, relay_server.url, "anna", "geheim-wachtwoord-1")
    visitor = open_page(viewport={"width": 390, "height": 760}).page
    start_chat(visitor, relay_server.url)
    to_queue(visitor, "Sam")
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")  # one waits, live
    expect(row.get_by_role("cell").nth(0)).to_have_text("2")
    assert_accessible(axe, sofie, "console, the supervisor's overview")

    anna.locator("#queue li").filter(has_text="Sam").get_by_role("button", name="Neem dit gesprek").click()
    card = anna.locator("article.card").filter(has_text="Sam")
    expect(card).to_be_visible()
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")

    sofie.locator("#ov-chats li").filter(has_text="Sam").get_by_role("button", name="Meekijken").click()
    watching = sofie.locator("article.watching")
    expect(watching).to_contain_text("Je kijkt mee met Sam")
    expect(card.locator(".watcher")).to_have_text("Sofie kijkt mee.")  # watching is never secret

    card.locator(".compose textarea").fill("Fijn dat je er bent.")
    card.locator(".compose textarea").press("Enter")
    expect(watching.get_by_role("log")).to_contain_text("Fijn dat je er bent.")

    watching.get_by_label("Fluisteren naar de hulpverlener (de bezoeker ziet dit nooit)").fill(WHISPER)
    watching.get_by_role("button", name="Fluisteren").click()
    whisper = card.locator(".msg.whisper")
    expect(whisper).to_contain_text("Alleen voor jou, van Sofie:")
    expect(whisper).to_contain_text(WHISPER)
    assert_accessible(axe, anna, "console, a whisper in a chat")
    assert_accessible(axe, sofie, "console, reading along with a chat")

    card.get_by_role("button", name="Kijk even mee").click()
    expect(sofie.locator("#ov-alerts")).to_contain_text("Anna vraagt of je even meekijkt")

    expect(visitor.locator("#voordeur")).to_contain_text("Fijn dat je er bent.")
    assert WHISPER not in visitor.locator("#voordeur").text_content()
    visitor.reload()  # the history a returning visitor gets holds no whisper either
    expect(visitor.locator("#voordeur")).to_contain_text("Fijn dat je er bent.")
    assert WHISPER not in visitor.locator("body").text_content()
