"""Plain helpers of the browser tests (the `browser` fixture is in tests/conftest.py):
where screenshots go, the phone's screen, and signing in on the login page."""

from pathlib import Path

from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE = {"width": 375, "height": 812}


def sign_in(page, url, username):
    """Sign in on the login page with the password of conftest's make_user; where that
    leads is the caller's to check."""
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")


def signed_in(browser, live_server, username, width=1024, height=900):
    """A page in a context of its own (its own cookies), signed in, on the workbench."""
    page = browser.new_context(viewport={"width": width, "height": height},
                               locale="zh-CN").new_page()
    sign_in(page, live_server.url, username)
    expect(page.locator("h1")).to_have_text("工作台")
    return page
