"""Through the real pages in Debian's headless Chromium, on a 375-px phone screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import new_id_number
from households.tests.builders import add_member
from tests.browser import ARTIFACTS, PHONE, signed_in

pytestmark = pytest.mark.browser


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_caseworker_registers_a_household_on_a_phone(browser, live_server, regions, staff,
                                                       make_household):
    make_household(regions["a1"], head_name="本街道户")
    make_household(regions["b1"], head_name="外街道户")
    page = signed_in(browser, live_server, "caseworker_a", **PHONE)
    assert fits_the_phone(page)

    page.click("nav.mainnav >> text=家庭档案")
    expect(page.locator(".rows")).to_contain_text("本街道户")
    expect(page.locator(".rows")).not_to_contain_text("外街道户")
    assert fits_the_phone(page)

    page.click("text=登记新家庭")
    page.select_option("#id_hh-region", label="兴丰街道 · 兴华中里社区")
    page.fill("#id_hh-address", "兴华中里7号楼3单元502")
    page.fill("#id_head-name", "吴桂兰")
    page.fill("#id_head-id_number", "110105194912310021")  # wrong check digit
    page.click("button.primary")
    expect(page.locator(".field.has-error")).to_contain_text("身份证号校验位不正确")
    # The rest of what was typed is still there.
    expect(page.locator("#id_head-name")).to_have_value("吴桂兰")
    page.screenshot(path=str(ARTIFACTS / "household-create-error.png"), full_page=True)

    page.fill("#id_head-id_number", "11010519491231002x")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text("家庭已登记")
    expect(page.locator("h1")).to_have_text("吴桂兰户")
    expect(page.locator("table")).to_contain_text("110105********002X")
    assert "11010519491231002X" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "household-detail.png"), full_page=True)

    page.click("text=添加成员")
    page.fill("#id_name", "吴子轩")
    page.fill("#id_id_number", new_id_number(male=True))
    page.select_option("#id_relation", label="子女")
    page.click("button.primary")
    expect(page.locator("table").first).to_contain_text("吴子轩")
    assert fits_the_phone(page)


def test_a_community_assistant_sees_only_their_community(browser, live_server, regions, staff,
                                                         make_household):
    make_household(regions["a1"], head_name="三合户")
    make_household(regions["a2"], head_name="兴华户")
    page = signed_in(browser, live_server, "assistant_a1", **PHONE)
    page.click("nav.mainnav >> text=家庭档案")
    expect(page.locator(".rows")).to_contain_text("三合户")
    expect(page.locator(".rows")).not_to_contain_text("兴华户")
    page.screenshot(path=str(ARTIFACTS / "assistant-list.png"), full_page=True)


# The member table of a household on a phone (the other household pages: households/tests)

def test_member_actions_are_on_screen_on_a_375px_phone(browser, live_server, regions, staff,
                                                       make_household):
    household = make_household(regions["a1"], head_name="吴桂兰")
    add_member(household, staff["caseworker_a"])
    page = signed_in(browser, live_server, "caseworker_a", **PHONE)
    page.goto(f"{live_server.url}{reverse('households:detail', args=[household.pk])}")
    for link in page.locator("table a", has_text="修改").all():
        box = link.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"]
    delete = page.locator("table button", has_text="删除")
    box = delete.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "household-members-phone.png"), full_page=True)
