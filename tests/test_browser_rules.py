"""The district administrator enters next year's urban 低保 standard on 政策标准与参数:
sees what it reaches, saves, and finds the change in the rule's history; the benefit
decided before keeps its amount. Debian's Chromium."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Rule
from accounts.rules import rule_value
from tests.browser import ARTIFACTS, signed_in

pytestmark = pytest.mark.browser


def test_the_administrator_enters_next_years_standard_after_a_preview(browser, live_server, clock,
                                                                      regions, staff, build):
    benefit = build.confirmed().benefit  # decided before: 1,200 a month
    Rule.objects.create(key="dibao_standard_urban", region=regions["district"], value="1395",
                        valid_from=datetime.date(2025, 1, 1), source="京民发〔2024〕10号")

    page = signed_in(browser, live_server, "district_admin", width=1280)
    page.click("nav.mainnav >> text=政策标准与参数")
    expect(page.locator("h1")).to_have_text("政策标准与参数")
    row = page.locator("tr[data-key=dibao_standard_urban]")
    expect(row).to_contain_text("元/人·月")
    expect(row).to_contain_text("1395")
    expect(row).to_contain_text("本区规定")
    page.screenshot(path=str(ARTIFACTS / "rules-list.png"), full_page=True)
    row.locator("a").click()
    expect(page.locator("h1")).to_have_text("城市低保标准")
    page.click("text=设置新值")

    page.fill("#id_value", "1450")
    page.fill("#id_effective_month", "2027-01")
    page.fill("#id_source", "大兴区民政局关于调整2027年城乡低保标准的通知")
    page.fill("#id_reason", "市政府公布2027年城乡低保标准")
    page.click("button:has-text('预览影响')")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("1395 → 1450")
    expect(preview.locator("[data-field=count]")).to_have_text("1")
    expect(preview.locator("[data-field=total]")).to_have_text("1200.00")
    expect(preview).to_contain_text("已作出的决定保持原金额")
    page.screenshot(path=str(ARTIFACTS / "rules-preview.png"), full_page=True)
    assert not Rule.objects.filter(valid_from=datetime.date(2027, 1, 1)).exists()

    page.click("button:has-text('确认保存')")
    expect(page.locator(".messages")).to_contain_text("自2027年01月起为1450元/人·月")
    expect(page.locator("#periods")).to_contain_text("2027-01-01 至 长期")
    history = page.locator("#history tbody tr").first
    expect(history).to_contain_text("district_admin")
    expect(history).to_contain_text("市政府公布2027年城乡低保标准")
    expect(history).to_contain_text("1450")
    page.screenshot(path=str(ARTIFACTS / "rules-history.png"), full_page=True)

    benefit.refresh_from_db()
    assert str(benefit.monthly_amount) == "1200.00"
    community = regions["a1"]
    assert str(rule_value("dibao_standard_urban", community, datetime.date(2026, 12, 31))) == "1395"
    assert str(rule_value("dibao_standard_urban", community, datetime.date(2027, 1, 1))) == "1450"
