"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous, so the async-safety guard is switched off for these tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: `make browser` installs Debian's package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, settings: Any) -> Iterator[Page]:
    # Codes one step ahead are accepted, so a test can log in with a fresh code right after
    # activating TOTP instead of waiting for the next 30-second window.
    settings.MFA_TOTP_TOLERANCE = 1
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTHS["desktop"], "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Pages in browser contexts of their own, for the other people of a story (own cookies)."""
    contexts = []

    def make(**options: Any) -> Page:
        """`options` go to the new context, e.g. java_script_enabled=False for the plain forms."""
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": WIDTHS["desktop"], "height": 900}, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shoot(page: Page) -> Any:
    """Screenshots at phone and desktop width, into $E2E_SCREENSHOTS_DIR when it is set."""
    directory = os.environ.get("E2E_SCREENSHOTS_DIR")

    def take(name: str) -> None:
        if not directory:
            return
        Path(directory).mkdir(parents=True, exist_ok=True)
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(directory) / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    return take


def link_from_last_mail(pattern: str) -> str:
    """The path of the first link in the newest e-mail matching `pattern` (a path regex)."""
    assert mail.outbox, "no e-mail was sent"
    match = re.search(rf"https?://[^/\s]+({pattern})", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)
