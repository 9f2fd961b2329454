"""What a new user found on the pages of benefits in force (在保) and integrity (诚信管理):
the list's count follows its filter; a decided change shows what is paid this month and
the new amount with its first month; the findings open on everything still open, in the
words of their status; money with two decimals; a round's message follows its progress;
the favicon."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cases.models import Benefit, BenefitState, ReviewRound
from cases.services import benefits as benefit_services
from cases.services import integrity as integrity_services
from cases.services import reviews as review_services

D = datetime.date


def text(response) -> str:
    """The page's words, tags removed and spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def raised(build, clock, team):
    """低保 decided 2026-01-10: 1200 a month from February; raised to 1500 on 2026-05-15,
    from June (the month after)."""
    clock.set(D(2026, 1, 10))
    benefit = build.confirmed().benefit
    clock.set(D(2026, 5, 15))
    benefit_services.benefit_adjust(benefit=benefit, by=team["approver"], amount="1500",
                                    reasons="家庭成员新增重病，增发")
    return Benefit.objects.get(pk=benefit.pk)


def test_the_lists_count_follows_its_filter(client, build, staff):
    first, second, stopped = (build.confirmed().benefit for _ in range(3))
    Benefit.objects.filter(pk=stopped.pk).update(state=BenefitState.STOPPED)
    client.force_login(staff["caseworker_a"])
    url = reverse("cases:benefits")
    assert "在保（含渐退） 2 户" in text(client.get(url))
    page = text(client.get(url + "?state=stopped"))
    assert "已停保 1 户" in page and "在保（含渐退） 2 户" not in page
    assert "全部状态 3 户" in text(client.get(url + "?state=all"))
    assert "在保（含渐退） · 待核查 0 户" in text(client.get(url + "?review=open"))


def test_a_decided_change_shows_this_months_amount_and_the_new_one_with_its_month(
        client, raised, staff, clock):
    client.force_login(staff["caseworker_a"])
    page = text(client.get(reverse("cases:benefit", args=[raised.pk])))
    assert "本月 1200.00 元； 自2026年6月起 1500.00 元" in page
    assert "金额构成（本月）" in page and "金额构成（自2026年6月起）" in page
    row = text(client.get(reverse("cases:benefits")))
    assert "本月 1200.00 自2026年6月起 1500.00" in row

    clock.set(D(2026, 6, 3))  # June: the new amount is paid
    page = text(client.get(reverse("cases:benefit", args=[raised.pk])))
    amount = page[page.index("当前保障"):page.index("发放起始月")]
    assert "1500.00 元/月 （自2026年6月起）" in amount and "本月" not in amount
    row = text(client.get(reverse("cases:benefits")))
    assert " 1500.00 " in row and "本月" not in row and "1200.00" not in row


def test_the_message_after_a_change_says_from_when(client, build, staff, clock):
    clock.set(D(2026, 1, 10))
    benefit = build.confirmed().benefit
    clock.set(D(2026, 5, 15))
    client.force_login(staff["approver_a"])
    response = client.post(reverse("cases:benefit_act", args=[benefit.pk, "adjust"]), {
        "adjust-amount": "1500", "adjust-reasons": "家庭成员新增重病，增发"}, follow=True)
    page = text(response)
    assert "月保障金额调整为 1500.00 元，自2026年6月起执行" in page
    assert "现为" not in page


def test_money_on_the_benefit_page_has_two_decimals(client, build, staff):
    benefit = build.confirmed().benefit
    period = benefit.periods.get()
    period.lines = [{**line, "amount": "1200"} for line in period.lines] + [
        {"kind": "care", "member": None, "name": "赵建国", "amount": 300}]
    period.save(update_fields=["lines"])
    client.force_login(staff["caseworker_a"])
    html = client.get(reverse("cases:benefit", args=[benefit.pk])).content.decode()
    calc = html[html.index('<table class="calc">'):]
    calc = calc[:calc.index("</table>")]
    cells = re.findall(r'<td class="num">([^<]*)', calc)
    assert cells and all(re.fullmatch(r"\d+\.\d\d ?", cell) for cell in cells), cells
    assert "300.00" in cells[-1]


@pytest.fixture
def recovering(raised, staff, clock):
    """A finding on April to August, verified (6,900 due), 4,700 repaid."""
    clock.set(D(2026, 9, 20))
    finding = integrity_services.finding_record(
        benefit=raised, by=staff["caseworker_a"], means="concealment",
        facts="隐瞒户主在物流公司务工的工资收入，经社保缴费记录查实。",
        first_month=D(2026, 4, 1), last_month=D(2026, 8, 1))
    integrity_services.finding_confirm(finding=finding, by=staff["approver_a"])
    finding = integrity_services.finding_verify(
        finding=type(finding).objects.get(pk=finding.pk), by=staff["reviewer"],
        sanction="warning", panel="区法律顾问 陈律师")
    integrity_services.finding_record_repayment(
        finding=type(finding).objects.get(pk=finding.pk), by=staff["caseworker_a"],
        amount="4700", received_on=D(2026, 9, 20), receipt_number="R-001")
    return type(finding).objects.get(pk=finding.pk)


def test_the_findings_open_on_everything_still_open_named_as_their_filter(
        client, recovering, staff):
    client.force_login(staff["caseworker_a"])
    response = client.get(reverse("cases:integrity"))
    assert response.context["status"] == "open"
    page = text(response)
    assert recovering.number in page and "已认定 · 追缴中" in page and "未办结" in page
    assert recovering.number in text(client.get(reverse("cases:integrity") + "?status=recovering"))
    assert recovering.number not in text(client.get(reverse("cases:integrity")
                                                    + "?status=waiting"))
    detail = text(client.get(reverse("cases:integrity_detail", args=[recovering.pk])))
    assert "已认定 · 追缴中" in detail

    integrity_services.finding_record_repayment(
        finding=type(recovering).objects.get(pk=recovering.pk), by=staff["caseworker_a"],
        amount="2200", received_on=D(2026, 9, 20), receipt_number="R-002")
    assert recovering.number not in text(client.get(reverse("cases:integrity")))
    closed = text(client.get(reverse("cases:integrity") + "?status=closed"))
    assert recovering.number in closed and "已认定 · 已追回" in closed


def test_money_on_the_integrity_pages_has_two_decimals(client, recovering, staff):
    client.force_login(staff["caseworker_a"])
    detail = text(client.get(reverse("cases:integrity_detail", args=[recovering.pk])))
    assert "已退还 4700.00 元" in detail and "未追回余额 2200.00 元" in detail
    assert "应追回 6900.00 元" in detail
    listed = text(client.get(reverse("cases:integrity")))
    assert "6900.00" in listed and "2200.00" in listed
    html = client.get(reverse("cases:integrity_detail", args=[recovering.pk])).content.decode()
    amounts = [a for a in re.findall(r'<t[dh] class="num">([^<]*)</t[dh]>', html)
               if a[:1].isdigit()]
    assert amounts and all(re.fullmatch(r"\d+\.\d\d", a) for a in amounts), amounts


def test_a_rounds_message_follows_its_progress(client, build, staff, regions):
    build.confirmed()
    client.force_login(staff["reviewer"])
    response = client.post(reverse("cases:benefit_rounds"), {
        "township": regions["a"].pk, "name": "2026年度低保年审",
        "due_on": datetime.date.today() + datetime.timedelta(days=60)}, follow=True)
    page = text(response)
    assert "共 1 户" in page and "尚有 1 户待核对测算" in page
    review_round = ReviewRound.objects.get()
    review_services.reviews_check(review_ids=[r.pk for r in review_round.reviews.all()],
                                  by=staff["caseworker_a"])
    page = text(client.get(reverse("cases:benefit_rounds")))
    assert "100 %" in page
    assert "正在后台进行" not in page and "已全部核对测算，1 户待作结论" in page


def test_the_favicon_is_served_from_static_and_linked(client, staff):
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    response = client.get("/favicon.ico")  # anonymous: browsers ask before any login
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
    assert '<link rel="icon"' in client.get(reverse("progress")).content.decode()
    client.force_login(staff["caseworker_a"])
    assert '<link rel="icon"' in client.get(reverse("cases:benefits")).content.decode()


def test_a_refreshed_form_address_leads_back_to_the_page(client, build, staff):
    benefit = build.confirmed().benefit
    client.force_login(staff["caseworker_a"])
    response = client.get(reverse("cases:benefit_act", args=[benefit.pk, "stop"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:benefit", args=[benefit.pk])


def test_the_review_page_says_what_is_paid_now_and_from_when_a_change_applies(
        client, build, staff, team, clock):
    clock.set(D(2026, 1, 10))
    benefit = build.confirmed().benefit  # paid from February
    clock.set(D(2026, 5, 15))
    benefit_services.benefit_adjust(benefit=benefit, by=team["approver"], amount="1500",
                                    reasons="家庭成员新增重病，增发")
    review = review_services.review_open(benefit=benefit, by=team["acceptor"], kind="change",
                                         note="家庭报告收入变化")
    client.force_login(staff["caseworker_a"])
    page = text(client.get(reverse("cases:benefit_review", args=[review.pk])))
    assert "本月发放 1200.00 元，已决定调整为 1500.00 元" in page
