"""The browser of the browser tests: Debian's headless Chromium through Playwright, one
per module. Plain helpers (signing in, the phone's screen) are in tests/browser.py."""

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import ARTIFACTS


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
