"""Helpers for the browser tests: a recorded page, axe checks, acting as a visitor (the widget on the
demo page) and as a counsellor (the console)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BOT_TIMEOUT = 45_000  # Rasa shares two cores with everything else
EXIT_URL = "https://www.buienradar.nl/"


class Watched:
    """A page with everything it did recorded: requests, page errors, CSP refusals."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda w: self.requests.append(w.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(message.text)

    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")}


def assert_accessible(axe, page, state: str) -> None:
    """No serious or critical axe-core violations in this state of the page."""
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{state}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in bad
    )


# ---- the visitor ---------------------------------------------------------------------------------


def bot_said(page, pattern: str, timeout: int = BOT_TIMEOUT):
    """Wait until the assistant said something matching pattern (loosely: the bot's wording may change)."""
    message = page.locator(".vd-log .vd-bot .vd-text").filter(has_text=re.compile(pattern, re.I)).last
    expect(message).to_be_visible(timeout=timeout)
    return message


def visitor_says(page, text: str) -> None:
    """Type and send a message; wait for the relay's receipt."""
    before = page.locator(".vd-log .vd-visitor").count()
    page.get_by_label("Je bericht").fill(text)
    page.get_by_role("button", name="Versturen").click()
    sent = page.locator(".vd-log .vd-visitor").nth(before)
    expect(sent.locator(".vd-text")).to_have_text(text)
    expect(sent.locator(".vd-receipt")).to_have_text("Verstuurd", timeout=BOT_TIMEOUT)


def bot_count(page) -> int:
    return page.locator(".vd-log .vd-bot").count()


def wait_bot_reply(page, before: int) -> None:
    expect(page.locator(".vd-log .vd-bot")).not_to_have_count(before, timeout=BOT_TIMEOUT)


def start_chat(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Start de chat").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".vd-who")).to_contain_text("Digitale assistent")
    bot_said(page, "bijnaam")


def to_queue(page, nickname: str, town: str = "Utrecht") -> None:
    """Answer the intake (nickname, region) and ask for a person, until the widget shows the queue."""
    bot_said(page, "bijnaam")
    n = bot_count(page)
    visitor_says(page, nickname)
    wait_bot_reply(page, n)
    bot_said(page, "regio|woon|plaats")
    n = bot_count(page)
    visitor_says(page, town)
    wait_bot_reply(page, n)
    status = page.locator(".vd-status")
    try:  # the assistant may hand over by itself after the region, or ask optional questions first
        expect(status).to_contain_text("in de wachtrij", timeout=5_000)
    except AssertionError:
        visitor_says(page, "Ik wil een mens spreken")
        expect(status).to_contain_text("in de wachtrij", timeout=BOT_TIMEOUT)


def session_storage(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")


# ---- the counsellor ------------------------------------------------------------------------------


def console_login(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/console")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#conn")).to_have_text("Verbonden.", timeout=15_000)


def assert_modules_only(watched) -> None:
    """The console runs as ES modules served as JavaScript, and leaves no helpers on window."""
    page = watched.page
    assert page.locator("script:not([type=module])").count() == 0
    assert page.locator("script[type=module]").count() >= 1
    modules = [u for u in watched.requests if "/console/" in u and u.endswith(".js")]
    assert len(modules) > 1  # the entry module imported the others
    for url in modules:
        assert page.request.get(url).headers["content-type"].startswith("text/javascript"), url
    # (Not the names of element ids: a browser puts <p id="announce"> on window as `announce`.)
    for name in ("VoordeurRegistration", "h", "fmt", "api", "beep", "handlers", "T", "$"):
        assert page.evaluate(f"() => typeof window[{name!r}]") == "undefined", name
