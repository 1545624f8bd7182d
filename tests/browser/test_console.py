"""The counsellor console on its own: login, logout, an expired session, accessibility."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import assert_accessible, assert_modules_only, console_login


def test_login_logout_and_expiry(relay_server, open_page, axe):
    relay_server.add_counsellor("bram", "nog-een-wachtwoord", "Bram", ["utrecht", "amsterdam-amstelland"])
    watched = open_page()
    page = watched.page
    page.goto(relay_server.url + "/console")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert_accessible(axe, page, "console login")

    page.get_by_label("Gebruikersnaam").fill("bram")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#login-error")).to_contain_text("klopt niet")

    console_login(page, relay_server.url, "bram", "nog-een-wachtwoord")
    expect(page.locator("#me")).to_contain_text("Bram")
    assert_modules_only(watched)
    expect(page.locator("#queue-empty")).to_be_visible()
    expect(page.get_by_role("button", name="Neem de volgende")).to_be_disabled()

    # A reload keeps the session (the cookie); logging out ends it.
    page.reload()
    expect(page.locator("#conn")).to_have_text("Verbonden.")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()

    # An expired session: the socket drops, the API says 401, the login form comes back with a note.
    console_login(page, relay_server.url, "bram", "nog-een-wachtwoord")
    watched.context.clear_cookies()
    relay_server.stop()
    relay_server.start()
    expect(page.locator("#login-error")).to_contain_text("verlopen", timeout=30_000)
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert not watched.errors
