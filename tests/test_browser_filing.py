"""The district reviewer draws a spot-check sample, records a finding, and the township's
caseworker receives the rectification on the workbench and answers it; the reviewer
closes it. Debian's Chromium; the caseworker on a 375-px phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services as case_services
from cases.models import Application, FilingBatch, State
from cases.tests.builders import CaseBuilder
from tests.browser import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser


def test_a_spot_check_finding_reaches_the_township_and_is_closed(browser, live_server, regions,
                                                                 staff, team, make_household):
    case = CaseBuilder(team, make_household(regions["a1"], head_name="孙桂兰")).confirmed()
    batch = case_services.applications_file(applications=[case], by=staff["caseworker_a"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    FilingBatch.objects.filter(pk=batch.pk).update(  # a draw covers whole past days
        created_at=timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(12))))
    desk = browser.new_context(viewport={"width": 1100, "height": 900},
                               locale="zh-CN").new_page()
    sign_in(desk, live_server.url, "reviewer")
    desk.locator("nav.mainnav a", has_text="备案监督").click()
    expect(desk.locator("table")).to_contain_text("兴丰街道")
    desk.locator("nav.tabs a", has_text="抽查").click()
    desk.fill("#id_period_from", yesterday.isoformat())
    desk.fill("#id_period_to", yesterday.isoformat())
    desk.click("button:has-text('抽取')")
    expect(desk.locator(".messages")).to_contain_text("共抽中1件")
    expect(desk.locator("dl.facts")).to_contain_text("抽中结果一致")
    item = desk.locator("li.card", has_text=case.number)
    item.locator("summary", has_text="录入核查结果").click()
    item.locator("select[name$=method]").select_option("home_visit")
    item.locator("textarea[name$=record]").fill("入户核查：户主之子已在本市就业，工资未申报。")
    item.locator("input[name$=finding][value=problem]").check()
    item.locator("textarea[name$=problem]").fill("家庭成员就业收入未申报，请重新核算保障金额。")
    item.locator("input[name$=days]").fill("5")
    item.locator("button", has_text="保存核查结果").click()
    expect(desk.locator(".messages")).to_contain_text("已录入")
    expect(desk.locator("li.card", has_text=case.number)).to_contain_text("发现问题，退回整改")
    desk.screenshot(path=str(ARTIFACTS / "filing-spot-check.png"), full_page=True)
    assert Application.objects.get(pk=case.pk).state == State.RECTIFYING

    phone = browser.new_context(viewport={"width": 375, "height": 780}, locale="zh-CN",
                                is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server.url, "caseworker_a")
    tile = phone.locator("a.tile", has_text="整改中")
    expect(tile).to_contain_text("1")
    tile.click()
    row = phone.locator("ul.rows li", has_text=case.number)
    expect(row).to_contain_text("家庭成员就业收入未申报")
    expect(row).to_contain_text("待镇(街道)答复")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    phone.screenshot(path=str(ARTIFACTS / "filing-rectification-375.png"), full_page=True)
    row.locator("a").click()
    phone.locator("summary", has_text="答复整改情况").click()
    phone.fill("#id_answer_rectification-answer", "已入户复核，计入工资收入，重新核算后停发。")
    phone.locator("#action-answer_rectification button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text("已答复整改情况")

    desk.goto(f"{live_server.url}/filing/rectifications/")
    desk_row = desk.locator("ul.rows li", has_text=case.number)
    expect(desk_row).to_contain_text("已答复，待区级审核")
    desk_row.locator("a").first.click()
    desk.locator("summary", has_text="整改销号").click()
    desk.locator("#action-close_rectification button[type=submit]").click()
    expect(desk.locator(".messages")).to_contain_text("已整改销号")
    assert Application.objects.get(pk=case.pk).state == State.FILED
