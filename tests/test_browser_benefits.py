"""A periodic review of a benefit in force falls due; the township's caseworker finds it on
the workbench, checks and calculates again and proposes a new amount; the approver finds
the proposal on the workbench and decides it; the caseworker sees the new amount on the
benefit's page, with the written notice to print. Then the same pages on a
375-px phone. Debian's Chromium."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Rule
from cases.models import Benefit, Review, ReviewRound
from cases.services import reviews
from cases.tests.builders import CaseBuilder
from tests.browser import ARTIFACTS, PHONE, signed_in

pytestmark = pytest.mark.browser


def fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_a_due_review_is_checked_and_adjusted(browser, live_server, regions, staff, team,
                                              make_household):
    benefit = CaseBuilder(team, make_household(regions["a1"], head_name="孙桂兰")).confirmed().benefit
    late = CaseBuilder(team, make_household(regions["a2"], head_name="周德明")).confirmed().benefit
    # The standard rises after both decisions: the review's calculation finds 1,400.
    Rule.objects.create(key="dibao_standard_urban", region=regions["district"], value="1400",
                        valid_from=datetime.date(2020, 1, 1))
    # Both come within the lead days of their periodic review; the daily job opens the
    # reviews; one of them is already late.
    today = timezone.localdate()
    Benefit.objects.filter(pk=benefit.pk).update(next_review_on=today + datetime.timedelta(days=20))
    Benefit.objects.filter(pk=late.pk).update(next_review_on=today + datetime.timedelta(days=10))
    assert reviews.reviews_open_due() == 2
    Review.objects.filter(benefit=late).update(due_on=today - datetime.timedelta(days=3))
    review = Review.objects.get(benefit=benefit)

    desk = signed_in(browser, live_server, "caseworker_a", width=1280)
    tile = desk.locator("a.tile[href='/cases/benefits/reviews/']")
    expect(tile).to_have_text("2待核查")
    expect(desk.locator("a.tile.alert", has_text="核查逾期")).to_contain_text("1")
    tile.click()
    expect(desk.locator("h1")).to_have_text("待核查")
    overdue = desk.locator("tr.overdue")
    expect(overdue).to_contain_text("周德明")
    expect(overdue).to_contain_text("已逾期")
    assert fits(desk, 1280)
    desk.screenshot(path=str(ARTIFACTS / "benefits-review-queue.png"), full_page=True)

    desk.locator("tr", has_text="孙桂兰").locator("a", has_text=review.due_on.isoformat()).click()
    expect(desk.locator("h1")).to_contain_text("定期核查")
    desk.click("button:has-text('核对测算')")
    expect(desk.locator(".messages")).to_contain_text("已重新核对和测算")
    expect(desk.locator("#calculation")).to_contain_text("1400.00")
    expect(desk.locator("#calculation table.calc").first).to_be_visible()
    desk.locator("input[name=outcome][value=adjust]").check()
    desk.fill("input[name=amount]", "1400")
    desk.fill("textarea[name=reasons]", "定期核查：家庭无收入，按现行标准补足至1400元")
    desk.screenshot(path=str(ARTIFACTS / "benefits-review-decision.png"), full_page=True)
    desk.click("button:has-text('作出结论')")
    expect(desk.locator(".messages")).to_contain_text("待镇(街道)审批人审批")
    expect(desk.locator("#decision")).to_contain_text("待镇(街道)审批人审批")

    # The township's approver finds the proposal waiting and decides it (三分离).
    approver = signed_in(browser, live_server, "approver_a", width=1280)
    waiting = approver.locator("a.tile", has_text="核查待审批")
    expect(waiting).to_contain_text("1")
    waiting.click()
    approver.locator("tr", has_text="孙桂兰").locator("a", has_text=review.due_on.isoformat()).click()
    expect(approver.locator("#decision")).to_contain_text("1400.00")
    approver.screenshot(path=str(ARTIFACTS / "benefits-review-approval.png"), full_page=True)
    approver.click("button:has-text('审批同意')")
    expect(approver.locator(".messages")).to_contain_text("月保障金额调整为 1400.00 元")
    expect(approver.locator("#decision")).to_contain_text("调整金额")

    desk.reload()
    desk.click("text=查看在保记录")
    expect(desk.locator(".amount-big")).to_have_text("1400.00")
    expect(desk.locator("#history")).to_contain_text("1200.00 元 → 1400.00 元/月")
    assert fits(desk, 1280)
    desk.screenshot(path=str(ARTIFACTS / "benefits-benefit.png"), full_page=True)
    with desk.expect_popup() as popup:
        desk.locator("#history a", has_text="打印书面通知").first.click()
    notice = popup.value
    expect(notice.locator("h1")).to_have_text("最低生活保障调整金额通知书")
    expect(notice.locator(".body")).to_contain_text("行政复议")
    notice.screenshot(path=str(ARTIFACTS / "benefits-notice.png"), full_page=True)

    phone = signed_in(browser, live_server, "caseworker_a", width=PHONE["width"],
                      height=PHONE["height"])
    phone.locator("nav.mainnav a", has_text="在保对象").click()
    expect(phone.locator("table.benefits")).to_contain_text("孙桂兰")
    expect(phone.locator("table.benefits")).to_contain_text("1400.00")
    assert fits(phone, PHONE["width"])
    phone.screenshot(path=str(ARTIFACTS / "benefits-list-375.png"), full_page=True)
    phone.locator("tr", has_text="孙桂兰").locator("td a").first.click()
    expect(phone.locator(".amount-big")).to_have_text("1400.00")
    assert fits(phone, PHONE["width"])
    phone.screenshot(path=str(ARTIFACTS / "benefits-benefit-375.png"), full_page=True)
    # The caseworker prepares changes; a stop is the approver's (offered to them only).
    expect(phone.locator("details.action > summary", has_text="停保")).to_have_count(0)
    benefit_url = phone.url
    phone = signed_in(browser, live_server, "approver_a", width=PHONE["width"],
                      height=PHONE["height"])
    phone.goto(benefit_url)
    # A stop before the household was heard: refused next to the form, the reasons kept.
    phone.locator("details.action > summary", has_text="停保").click()
    phone.fill("#id_stop-reasons", "家庭人均收入超过低保标准")
    phone.locator("#action-stop button[type=submit]").click()
    refused = phone.locator("details.action[open]#action-stop")
    expect(refused.locator(".errors")).to_contain_text("须先听取家庭的陈述、申辩意见")
    expect(refused.locator("#id_stop-reasons")).to_have_value("家庭人均收入超过低保标准")
    assert fits(phone, PHONE["width"])
    refused.screenshot(path=str(ARTIFACTS / "benefits-stop-refused-375.png"))
    phone.goto(f"{live_server.url}/cases/benefits/reviews/{review.pk}/")
    assert fits(phone, PHONE["width"])
    phone.screenshot(path=str(ARTIFACTS / "benefits-review-375.png"), full_page=True)


def test_the_district_opens_a_round_and_its_bar_moves_as_reviews_are_checked(
        browser, live_server, regions, staff, team, make_household):
    for name, community in (("吴秀珍", "a1"), ("郑国强", "a2")):
        CaseBuilder(team, make_household(regions[community], head_name=name)).confirmed()
    district = signed_in(browser, live_server, "reviewer", width=1280)
    district.locator("nav.mainnav a", has_text="年审").click()
    district.select_option("#id_township", label="兴丰街道")
    district.fill("#id_name", "2026年度低保年审")
    district.fill("#id_due_on", (timezone.localdate() + datetime.timedelta(days=45)).isoformat())
    district.click("button:has-text('发起年审')")
    expect(district.locator(".messages")).to_contain_text("共 2 户")
    bar = district.locator("[data-round]", has_text="2026年度低保年审")
    expect(bar.locator("[data-field=percent]")).to_have_text("0")
    # A review of the round is checked (here from its page's service, as the township would):
    # the page's bar follows without a reload.
    first = ReviewRound.objects.get().reviews.order_by("pk").first()
    reviews.review_check(review=first, by=staff["caseworker_a"])
    expect(bar.locator("[data-field=percent]")).to_have_text("50", timeout=15000)
    expect(bar.locator("[data-field=checked]")).to_have_text("1")
    assert district.evaluate("document.querySelector('[data-round] progress').value") == 1
    district.screenshot(path=str(ARTIFACTS / "benefits-rounds.png"), full_page=True)

    phone = signed_in(browser, live_server, "reviewer", width=PHONE["width"],
                      height=PHONE["height"])
    phone.goto(f"{live_server.url}/cases/benefits/rounds/")
    expect(phone.locator("[data-round]")).to_contain_text("已核对测算 1")
    assert fits(phone, PHONE["width"])
    phone.screenshot(path=str(ARTIFACTS / "benefits-rounds-375.png"), full_page=True)
