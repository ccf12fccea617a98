"""Browser fixtures: Debian's Chromium driven by Playwright's sync API.

Never ``playwright install``: the browser is /usr/bin/chromium (or $CHROMIUM_PATH).
Every test that uses ``page`` leaves a screenshot in var/artifacts/screenshots/.
"""

import io
import os
import re
import warnings
from pathlib import Path

import pytest

from django.core.management import call_command
from django.db import connections

from tests.services import chromium_path, require

SCREENSHOT_DIR = (
    Path(__file__).resolve().parents[2] / "var" / "artifacts" / "screenshots"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    require("browser")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop on the main thread, so Django
    # would refuse ORM calls from test code and fixtures without this.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With that loop marked running, Django also keeps its connections in a
    # context-local store instead of the thread's, so tests would get fresh
    # connections without the test database's state (the serialized rollback
    # data of pytest-django). Hand the thread's connections over.
    thread_connections = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            for alias, connection in thread_connections.items():
                connections[alias] = connection
            chromium = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test, as an Indonesian user in Jakarta sees it."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        _save_screenshot(tab, request.node.name)
        context.close()


def _save_screenshot(tab, test_name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', test_name)}.png"
    try:
        tab.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # a missing screenshot must not hide the test's result
        warnings.warn(f"no screenshot for {test_name}: {exc}", stacklevel=1)


@pytest.fixture
def portal(live_server, transactional_db, django_db_serialized_rollback):
    """Base URL of a live portal with Banten's regions and the demo data.

    The live server runs in another thread, so the data must be committed:
    transactional_db. Serialized rollback restores what migrations seeded
    after each test's flush, so every browser test starts from the same state.
    """
    quiet = io.StringIO()
    call_command("load_regions", prefix="36", stdout=quiet)
    # pytest-django runs tests with DEBUG off, where seed_demo wants --force.
    call_command("seed_demo", force=True, stdout=quiet)
    return live_server.url


def login(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login form at /masuk/."""
    page.goto(f"{base_url}/masuk/")
    page.fill("input[name='username']", username)
    page.fill("input[name='password']", password)
    # The form with the password field: the page may hold other forms
    # (language switch) with buttons of their own.
    page.locator(
        "form:has(input[name='password']) "
        ":is(button:not([type]), button[type='submit'], input[type='submit'])"
    ).first.click()
    page.wait_for_load_state()
