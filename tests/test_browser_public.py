"""A resident on a phone files an objection from the community's public board; the
township's caseworker finds it in the work queue. Debian's Chromium at 375 px."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from cases.tests.builders import CaseBuilder
from publicity.models import Objection
from tests.browser import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser


def test_a_resident_objects_on_a_phone_and_the_caseworker_sees_it(browser, live_server, regions,
                                                                  team, make_household):
    build = CaseBuilder(team, make_household(regions["a1"], head_name="钱秀英"))
    case = build.proposed(build.investigated(build.accepted()))
    cache.clear()
    phone = browser.new_context(viewport={"width": 375, "height": 780}, locale="zh-CN",
                                is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{live_server.url}/gongshi/{regions['a1'].code}/")
    expect(phone.locator("h1")).to_contain_text("三合南里社区")
    notice = phone.locator("li.notice", has_text="钱秀英")
    expect(notice).to_contain_text("家庭 1 人")
    # Nothing is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=str(ARTIFACTS / "public-board-375.png"), full_page=True)
    notice.locator("text=提出异议 / 举报").click()
    phone.fill("#id_content", "听说她儿子在外地打工，每月寄钱回来，公示里没有写。")
    phone.click("button[type=submit]")
    expect(phone.locator("h1")).to_have_text("已收到您的意见")
    phone.screenshot(path=str(ARTIFACTS / "public-objection-done-375.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1024, "height": 900}, locale="zh-CN").new_page()
    sign_in(desk, live_server.url, "caseworker_a")
    desk.locator("a", has_text="待核查异议").click()
    row = desk.locator("li", has_text=case.number)
    expect(row).to_contain_text("有待核查的异议")
    row.locator("a").first.click()
    expect(desk.locator("body")).to_contain_text("每月寄钱回来")
    expect(desk.locator("body")).to_contain_text("待核查")
    desk.screenshot(path=str(ARTIFACTS / "objection-in-case.png"), full_page=True)
    assert Objection.objects.get().channel == Objection.Channel.PUBLIC_FORM
