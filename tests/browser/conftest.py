"""Browser fixtures: Debian's Chromium driven by Playwright's sync API. The live relay and Rasa come
from tests/conftest.py (`relay_server`, `rasa_stack`); the helpers live in tests/support/browser.py."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.support.browser import ARGS, CHROMIUM, EXIT_URL, Watched


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """open_page(**context_options) -> Watched; every context is closed after the test."""
    contexts = []

    def make(**options) -> Watched:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        # The quick exit leaves for a neutral site; answer it here so the tests stay offline.
        context.route(
            EXIT_URL + "**",
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<!doctype html><title>Het weer</title><p>Zon.</p>"
            ),
        )
        contexts.append(context)
        return Watched(context)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe():
    return Axe()
