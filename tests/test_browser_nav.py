"""The main navigation on a 375-px phone: every entry is on the screen (the bar wraps, no
entry hidden off to the side) and the user's button reads whole. Debian's Chromium."""

import pytest

from tests.browser import ARTIFACTS, PHONE, signed_in

pytestmark = pytest.mark.browser


def test_every_entry_of_the_navigation_shows_on_a_phone(browser, live_server, staff):
    user = staff["caseworker_a"]
    user.full_name = "兴丰街道社会救助经办人王建华"  # longer than the demo's names
    user.save(update_fields=["full_name"])
    phone = signed_in(browser, live_server, "caseworker_a", width=PHONE["width"],
                      height=PHONE["height"])
    phone.goto(f"{live_server.url}/cases/benefits/")
    links = phone.locator("nav.mainnav a")
    assert links.count() >= 6
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        text = links.nth(index).inner_text()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], text
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    summary = phone.locator("details.account > summary")
    assert summary.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), summary.inner_text()
    assert summary.inner_text() == user.full_name
    box = summary.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    phone.screenshot(path=str(ARTIFACTS / "nav-375.png"))
    # The favicon: linked from the page and served.
    href = phone.locator("link[rel=icon]").first.get_attribute("href")
    assert phone.request.get(f"{live_server.url}{href}").ok
    assert phone.request.get(f"{live_server.url}/favicon.ico").ok
