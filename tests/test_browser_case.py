"""A 低保 case from acceptance to filing through the real pages, in Debian's Chromium,
with the three different people of 受理、审核、审批 and the district's verification."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cases.models import Application, State
from cases.tests.builders import PNG
from publicity.models import Notice
from tests.browser import ARTIFACTS, signed_in

pytestmark = pytest.mark.browser


def open_action(page, label):
    page.locator("details.action > summary", has_text=label).click()
    return page.locator("details.action[open] form")


def test_a_dibao_case_from_acceptance_to_filing(browser, live_server, regions, staff, make_user,
                                               make_household, tmp_path):
    household = make_household(regions["a1"], head_name="钱秀英")
    make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "caseworker_a2")
    photo = tmp_path / "authorization.png"
    photo.write_bytes(PNG)

    acceptor = signed_in(browser, live_server, "caseworker_a")
    acceptor.goto(f"{live_server.url}/households/{household.pk}/")
    acceptor.click("text=申请救助")
    acceptor.select_option("#id_assistance_type", label="最低生活保障")
    acceptor.select_option("#id_hardship", label="因病")
    acceptor.fill("#id_reason", "户主长期透析，无固定收入")
    acceptor.set_input_files("#id_authorization", str(photo))
    acceptor.click("button.primary")
    expect(acceptor.locator(".state").first).to_have_text("调查核实")
    case = Application.objects.get(household=household)
    # The holiday calendar is there: a deadline is provisional only past the covered years.
    assert case.due_provisional == (case.decision_due.year > 2026)
    assert ("暂算" in acceptor.content()) == case.due_provisional

    form = open_action(acceptor, "录入入户调查")
    form.locator("input[name$=visited_on]").fill(timezone.localdate().isoformat())
    form.locator("input[name$=investigators]").fill("王强、李娜")
    form.locator("textarea[name$=findings]").fill("租住两室，户主透析，配偶无业。")
    form.locator("input[name$=signed_form]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    expect(acceptor.locator(".messages")).to_contain_text("已录入入户调查")

    district = signed_in(browser, live_server, "reviewer")
    district.goto(f"{live_server.url}/cases/{case.pk}/")
    form = open_action(district, "录入核对结果")
    form.locator("textarea[name$=summary]").fill("未发现车辆、房产、工商登记，存款低于限额。")
    form.locator("button[type=submit]").click()
    expect(district.locator(".messages")).to_contain_text("已录入核对结果")

    acceptor.reload()
    open_action(acceptor, "结束调查").locator("button[type=submit]").click()
    expect(acceptor.locator(".state").first).to_have_text("待审核")
    expect(acceptor.locator(".blocked")).to_contain_text("三名不同人员")

    reviewer = signed_in(browser, live_server, "caseworker_a2")
    reviewer.goto(f"{live_server.url}/cases/{case.pk}/")
    form = open_action(reviewer, "提出审核意见")
    form.locator("input[value=approve]").check()
    form.locator("input[name$=amount]").fill("1350.00")
    form.locator("button[type=submit]").click()
    expect(reviewer.locator(".state").first).to_have_text("公示中")
    expect(reviewer.locator(".blocked")).to_contain_text("公示期未满")

    # Seven days pass on the community notice board.
    Notice.objects.filter(application=case).update(
        opened_on=timezone.localdate() - datetime.timedelta(days=8),
        earliest_close=timezone.localdate() - datetime.timedelta(days=1))
    reviewer.reload()
    open_action(reviewer, "结束公示").locator("button[type=submit]").click()
    expect(reviewer.locator(".state").first).to_have_text("待审批")

    approver = signed_in(browser, live_server, "approver_a", width=375)
    approver.goto(f"{live_server.url}/cases/{case.pk}/")
    form = open_action(approver, "审批确认")
    expect(form.locator("input[name$=amount]")).to_have_value("1350.00")
    approver.screenshot(path=str(ARTIFACTS / "case-approve-phone.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(approver.locator(".state").first).to_have_text("已确认")
    expect(approver.locator(".facts").last).to_contain_text("每月 1350.00 元")

    acceptor.click("nav.mainnav >> text=救助申请")
    acceptor.click("text=报送备案")
    acceptor.check(f"#file-{case.pk}")
    acceptor.once("dialog", lambda dialog: dialog.accept())  # 确定报送？
    acceptor.click("text=报送所选申请")
    expect(acceptor.locator(".messages")).to_contain_text("已报送备案批次")
    acceptor.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(acceptor.locator(".state").first).to_have_text("已备案")
    expect(acceptor.locator(".timeline")).to_contain_text("审批确认")
    acceptor.screenshot(path=str(ARTIFACTS / "case-filed.png"), full_page=True)
    assert Application.objects.get(pk=case.pk).state == State.FILED
