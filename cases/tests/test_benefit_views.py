"""The benefit pages (在保) as users meet them: the township's list and a benefit's page,
the changes a caseworker makes there, a review taken from a reported change to its
decision, the district's review round and the workbench."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Rule
from cases.models import Benefit, BenefitState, Review, ReviewRound, ReviewState
from cases.services import reviews as review_services
from households.models import HouseholdAccess
from households.tests.builders import add_member


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response.status_code, response.content.decode()


def post(client, url, data):
    response = client.post(url, data)
    return response.status_code, response


@pytest.fixture
def standard(regions, benefit):
    """The district's urban 低保 standard, set after the decision (which then stays at
    the publicised 1,200), so that a review's calculation finds 1,400."""
    return Rule.objects.create(key="dibao_standard_urban", region=regions["district"],
                               value="1400", valid_from=datetime.date(2020, 1, 1))


@pytest.fixture
def benefit(build):
    return build.confirmed().benefit


def act(benefit, key):
    return reverse("cases:benefit_act", args=[benefit.pk, key])


def hear_views(client, benefit, **extra):
    return client.post(act(benefit, "hear_views"), {
        "hear_views-proposed": "拟停发低保金", "hear_views-heard_on": timezone.localdate(),
        "hear_views-person": "赵建国", "hear_views-statement": "表示已找到工作，同意停发", **extra})


def test_the_list_and_the_benefit_page_show_the_township_its_own_benefits(client, benefit, staff):
    client.force_login(staff["caseworker_a"])
    status, html = page(client, reverse("cases:benefits"))
    assert status == 200
    assert benefit.number in html and "赵建国" in html and "1200.00" in html
    assert benefit.household.head.id_number not in html  # no ID numbers on the list
    status, html = page(client, reverse("cases:benefit", args=[benefit.pk]))
    assert status == 200
    assert "1200.00" in html and "保障金（本人部分）" in html and "开始发放" in html
    assert benefit.household.head.id_number not in html
    assert HouseholdAccess.objects.filter(household_id_ref=benefit.household_id, action="view",
                                          user=staff["caseworker_a"]).exists()


def test_a_caseworker_of_another_township_finds_nothing(client, benefit, staff, team):
    review = review_services.review_open(benefit=benefit, by=team["acceptor"], kind="change",
                                         note="户主开始灵活就业")
    client.force_login(staff["caseworker_b"])
    status, html = page(client, reverse("cases:benefits"))
    assert status == 200 and benefit.number not in html
    status, html = page(client, reverse("cases:benefit_reviews"))
    assert status == 200 and benefit.number not in html
    for url in [reverse("cases:benefit", args=[benefit.pk]),
                reverse("cases:benefit_review", args=[review.pk]),
                reverse("cases:benefit_notice", args=[benefit.pk, benefit.events.get().pk])]:
        assert client.get(url).status_code == 404, url
    for url in [act(benefit, "stop"), reverse("cases:benefit_review_check", args=[review.pk]),
                reverse("cases:benefit_review_decide", args=[review.pk])]:
        assert client.post(url, {"stop-reasons": "x", "outcome": "continue"}).status_code == 404
    assert Benefit.objects.get(pk=benefit.pk).state == BenefitState.PAYING
    assert Review.objects.get(pk=review.pk).state == ReviewState.OPEN


def test_a_stop_without_the_households_views_is_refused_next_to_the_form(client, benefit, staff):
    client.force_login(staff["caseworker_a"])  # the caseworker prepares, does not stop
    assert 'id="action-stop"' not in page(client, reverse("cases:benefit", args=[benefit.pk]))[1]
    assert client.post(act(benefit, "stop"), {"stop-reasons": "x"}).status_code == 403
    client.force_login(staff["approver_a"])
    status, response = post(client, act(benefit, "stop"),
                            {"stop-reasons": "家庭人均收入超过低保标准"})
    html = response.content.decode()
    assert status == 400
    assert "须先听取家庭的陈述、申辩意见" in html
    assert '<details class="action" open id="action-stop">' in html  # the form stays open …
    assert "家庭人均收入超过低保标准</textarea>" in html  # … with what was typed
    assert Benefit.objects.get(pk=benefit.pk).state == BenefitState.PAYING


def test_views_heard_then_a_stop_shows_stopped_and_a_printable_notice(client, benefit, staff):
    client.force_login(staff["caseworker_a"])
    assert hear_views(client, benefit).status_code == 302
    client.force_login(staff["approver_a"])  # the township's decision
    status, response = post(client, act(benefit, "stop"),
                            {"stop-reasons": "家庭人均收入超过低保标准"})
    assert status == 302
    status, html = page(client, reverse("cases:benefit", args=[benefit.pk]))
    assert "已停保" in html and "停止发放" in html and "打印书面通知" in html
    assert "已用于变更决定" in html  # the views the stop rests on
    assert 'id="action-stop"' not in html  # nothing more to change
    stop = Benefit.objects.get(pk=benefit.pk).events.get(action="stop")
    status, html = page(client, reverse("cases:benefit_notice", args=[benefit.pk, stop.pk]))
    assert status == 200
    assert "大兴区兴丰街道" in html and "最低生活保障停止发放通知书" in html
    assert "家庭人均收入超过低保标准" in html and "行政复议" in html and "@page" in html
    start = Benefit.objects.get(pk=benefit.pk).events.get(action="start")  # no notice
    assert client.get(reverse("cases:benefit_notice", args=[benefit.pk, start.pk])
                      ).status_code == 404


def test_a_reported_change_is_checked_and_decided_with_a_new_amount(client, benefit, staff,
                                                                   standard):
    client.force_login(staff["caseworker_a"])
    response = client.post(act(benefit, "report_change"), {
        "report_change-kind": "change", "report_change-member": "",
        "report_change-note": "户主9月起在物业公司做保洁，月工资800元"})
    assert response.status_code == 302
    review = Review.objects.get(benefit=benefit)
    assert response.url == reverse("cases:benefit_review", args=[review.pk])
    status, html = page(client, response.url)
    assert "户主9月起在物业公司做保洁" in html and "请先核对测算" in html
    assert review.due_on.strftime("%Y年%-m月%-d日") in html

    response = client.post(reverse("cases:benefit_review_check", args=[review.pk]))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.CHECKED
    status, html = page(client, reverse("cases:benefit_review", args=[review.pk]))
    assert review.calculation["total"] == "1400.00"
    for line in review.calculation["lines"]:
        assert line["item"] in html
    assert "测算月保障金额" in html and "经济状况核对" in html
    assert 'name="amount" value="1400.00"' in html  # the decision starts from the result
    assert "作出结论" in html and "去听取意见" in html  # a cut would need the views first

    # A cut without views: refused on the page, what was typed kept.
    decide = reverse("cases:benefit_review_decide", args=[review.pk])
    status, response = post(client, decide, {"outcome": "adjust", "amount": "900",
                                             "reasons": "就业收入增加"})
    assert status == 400
    html = response.content.decode()
    assert "须先听取家庭的陈述、申辩意见" in html and 'value="900' in html
    assert "就业收入增加</textarea>" in html and re.search(r'value="adjust"[^>]* checked>', html)

    # A raise other than the calculation's 1,400 without saying why: refused, kept, also
    # when the page is opened again later.
    typed = {"outcome": "adjust", "amount": "1350", "reasons": "户主重病，医疗支出增加"}
    status, response = post(client, decide, typed)
    html = response.content.decode()
    assert status == 400 and "与本次测算结果（1400.00元）不同" in html
    assert 'value="1350' in html and "户主重病，医疗支出增加</textarea>" in html
    status, html = page(client, reverse("cases:benefit_review", args=[review.pk]))
    assert 'name="amount" value="1350"' in html and "户主重病，医疗支出增加</textarea>" in html
    assert Review.objects.get(pk=review.pk).state == ReviewState.CHECKED

    # Explained: proposed to the approver, nothing paid differently yet.
    status, response = post(client, decide, {**typed, "deviation": "医保已报销部分费用"})
    assert status == 302
    status, html = page(client, reverse("cases:benefit_review", args=[review.pk]))
    assert "待镇(街道)审批人审批" in html and "医保已报销部分费用" in html
    assert "审批同意" not in html  # not the caseworker's to decide
    assert 'name="amount"' not in html  # the typed draft is gone with the proposal
    assert Benefit.objects.get(pk=benefit.pk).monthly_amount == 1200
    # The caseworker cannot approve it by posting either.
    assert client.post(decide, {"step": "decide"}).status_code == 403

    # The approver finds it on the workbench and in the queue's 待审批, and decides.
    client.force_login(staff["approver_a"])
    queue = reverse("cases:benefit_reviews") + "?status=proposed"
    status, html = page(client, reverse("home"))
    assert f'href="{queue}"><b>1</b><span>核查待审批</span>' in html
    status, html = page(client, queue)
    assert benefit.number in html and "待审批" in html
    status, html = page(client, reverse("cases:benefit_review", args=[review.pk]))
    assert "审批同意" in html and "退回重新核查" in html and "1350.00" in html
    assert "本次测算" in html and "1400.00" in html
    status, response = post(client, decide, {"step": "decide"})
    assert status == 302
    status, html = page(client, reverse("cases:benefit_review", args=[review.pk]))
    assert "调整金额" in html and "1350.00" in html and "打印" in html and "approver_a" in html
    status, html = page(client, reverse("cases:benefit", args=[benefit.pk]))
    assert '<span class="amount-big">1350.00</span>' in html
    assert "1200.00 元 → 1350.00 元/月" in html


def test_the_approver_sends_a_proposal_back_and_continuing_needs_no_approver(
        client, benefit, staff, team, standard):
    review = review_services.review_open(benefit=benefit, by=team["reviewer"], kind="change",
                                         note="户主就业")
    review = review_services.review_check(review=review, by=team["reviewer"])
    review_services.review_propose(review=review, by=team["reviewer"], outcome="adjust",
                                   amount="1400", reasons="按现行标准补足")
    decide = reverse("cases:benefit_review_decide", args=[review.pk])
    client.force_login(staff["approver_a"])
    status, response = post(client, decide, {"step": "send_back", "reason": ""})
    assert status == 400 and "请写明退回的理由" in response.content.decode()
    status, response = post(client, decide, {"step": "send_back", "reason": "请核实就业是否稳定"})
    assert status == 302
    review.refresh_from_db()
    assert review.state == ReviewState.CHECKED
    status, html = page(client, reverse("cases:benefit_review", args=[review.pk]))
    assert "退回经办人重新核查" in html and "请核实就业是否稳定" in html

    client.force_login(staff["caseworker_a"])
    status, response = post(client, decide, {"outcome": "continue", "reasons": "就业不稳定"})
    assert status == 302
    review.refresh_from_db()
    assert (review.state, review.decided_by) == (ReviewState.DECIDED, staff["caseworker_a"])
    status, html = page(client, reverse("cases:benefit_review", args=[review.pk]))
    assert "继续享受" in html


def test_views_asked_for_by_a_review_lead_back_to_its_decision(client, benefit, staff, team):
    review = review_services.review_open(benefit=benefit, by=team["acceptor"], kind="change",
                                         note="户主就业")
    client.force_login(staff["caseworker_a"])
    status, html = page(client, reverse("cases:benefit", args=[benefit.pk]) + f"?review={review.pk}")
    assert '<details class="action" open id="action-hear_views">' in html and f'value="{review.pk}"' in html
    response = hear_views(client, benefit, **{"hear_views-review": review.pk})
    assert response.url == reverse("cases:benefit_review", args=[review.pk])
    assert benefit.views.get().review == review


def test_work_refusals_and_a_self_care_assessment_are_recorded_from_the_page(
        client, build, staff, household):
    son = add_member(household, staff["caseworker_a"], relation="child", name="赵小军", male=True)
    benefit = build.confirmed().benefit
    client.force_login(staff["caseworker_a"])
    response = client.post(act(benefit, "work_refusal"), {
        "work_refusal-member": son.pk, "work_refusal-refused_on": timezone.localdate(),
        "work_refusal-offer": "兴丰物业公司保洁岗位"})
    assert response.status_code == 302
    client.force_login(staff["approver_a"])  # the cut is the approver's decision
    status, response = post(client, act(benefit, "cut_share"), {
        "cut_share-member": son.pk, "cut_share-reasons": "多次拒绝介绍的工作"})
    assert status == 400 and "累计3次" in response.content.decode()

    client.force_login(staff["caseworker_a"])
    response = client.post(act(benefit, "assess_self_care"), {
        "assess_self_care-member": benefit.household.head.pk,
        "assess_self_care-not_managed": ["eating", "dressing", "bed", "toilet"],
        "assess_self_care-assessed_on": timezone.localdate(),
        "assess_self_care-assessors": "王强、李娜"})
    assert response.status_code == 302
    status, html = page(client, reverse("cases:benefit", args=[benefit.pk]))
    assert "完全失能" in html and "自主吃饭" in html and "兴丰物业公司保洁岗位" in html


def test_the_district_opens_a_round_and_follows_its_progress(client, benefit, staff, regions):
    client.force_login(staff["caseworker_a"])
    assert client.post(reverse("cases:benefit_rounds"), {
        "township": regions["a"].pk, "name": "x", "due_on": "2099-01-01"}).status_code == 403
    client.force_login(staff["reviewer"])
    status, html = page(client, reverse("cases:benefit_rounds"))
    assert status == 200 and "发起年审" in html and "兴丰街道" in html
    due = timezone.localdate() + datetime.timedelta(days=60)
    response = client.post(reverse("cases:benefit_rounds"), {
        "township": regions["a"].pk, "name": "2026年度低保年审", "due_on": due})
    assert response.status_code == 302
    status, html = page(client, reverse("cases:benefit_rounds"))
    assert "2026年度低保年审" in html and "共 1 户" in html and 'value="0"' in html
    assert "setTimeout" in html  # the bars refresh while the checks run

    review_round = ReviewRound.objects.get()
    # The round's reviews are checked (by a worker's chunk, or from the review's page).
    review_services.reviews_check(review_ids=[r.pk for r in review_round.reviews.all()],
                                  by=staff["caseworker_a"])
    progress = client.get(reverse("cases:benefit_rounds_progress")).json()
    assert progress["rounds"] == [{"id": review_round.pk, "checked": 1, "decided": 0, "done": 1,
                                   "total": 1, "percent": 100, "running": False}]
    status, html = page(client, reverse("cases:benefit_rounds"))
    assert 'value="1"' in html and "setTimeout" not in html

    client.force_login(staff["caseworker_b"])  # another township's round is not theirs
    assert client.get(reverse("cases:benefit_rounds_progress")).json() == {"rounds": []}


def test_the_workbench_counts_open_and_overdue_reviews(client, benefit, staff, team):
    review = review_services.review_open(benefit=benefit, by=team["acceptor"], kind="death",
                                         note="户主之母去世")
    client.force_login(staff["caseworker_a"])
    status, html = page(client, reverse("home"))
    reviews_url = reverse("cases:benefit_reviews")
    assert f'href="{reviews_url}"><b>1</b><span>待核查</span>' in html
    assert f'href="{reviews_url}?status=overdue"><b>0</b><span>核查逾期</span>' in html
    assert ">在保对象</a>" in html  # the navigation
    Review.objects.filter(pk=review.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1))
    status, html = page(client, reverse("home"))
    assert f'class="tile alert" href="{reviews_url}?status=overdue"><b>1</b>' in html
    status, html = page(client, reviews_url + "?status=overdue")
    assert benefit.number in html and "已逾期" in html
    status, html = page(client, reverse("cases:benefits") + "?review=overdue")
    assert benefit.number in html and "due-overdue" in html


def test_the_review_queue_pages_by_due_date(client, benefit, staff):
    today = timezone.localdate()
    Review.objects.bulk_create([  # twelve past reviews, two on each of six days
        Review(benefit=benefit, region=benefit.region, kind="periodic", state="decided",
               opened_on=today, due_on=today - datetime.timedelta(days=n // 2))
        for n in range(12)])
    expected = list(Review.objects.order_by("due_on", "pk").values_list("pk", flat=True))
    client.force_login(staff["caseworker_a"])
    url = reverse("cases:benefit_reviews") + "?status=decided&size=10"
    first = client.get(url).context["page"]
    assert [r.pk for r in first] == expected[:10] and first.prev_before is None
    second = client.get(f"{url}&after={first.next_after}").context["page"]
    assert [r.pk for r in second] == expected[10:] and second.next_after is None
    back = client.get(f"{url}&before={second.prev_before}").context["page"]
    assert [r.pk for r in back] == expected[:10]
    assert client.get(f"{url}&after=nonsense").status_code == 200


def test_the_lists_cost_the_same_queries_for_one_row_and_for_three(client, build, staff, team):
    def cost(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def another():
        benefit = build.confirmed().benefit
        review_services.review_open(benefit=benefit, by=team["acceptor"], kind="change",
                                    note="收入变化")
        return benefit

    another()
    client.force_login(staff["caseworker_a"])
    urls = [reverse("cases:benefits"), reverse("cases:benefit_reviews")]
    one = [cost(url) for url in urls]
    another()
    another()
    assert Benefit.objects.count() == 3
    assert [cost(url) for url in urls] == one


@pytest.mark.parametrize("user, url, current, absent", [
    ("acceptor", "cases:benefits", "在保对象", "年审"),
    ("acceptor", "cases:queue", "救助申请", "年审"),
    ("acceptor", "cases:integrity", "诚信管理", "年审"),
    ("district", "cases:benefit_rounds", "年审", None),
    ("district", "cases:integrity_district", "诚信管理", None),
])
def test_the_navigation_marks_the_page_the_user_is_on(client, team, user, url, current, absent):
    client.force_login(team[user])
    text = client.get(reverse(url)).content.decode()
    nav = text[text.index('<nav class="mainnav"'):text.index("</nav>")]
    assert nav.count('aria-current="page"') == 1
    assert f'aria-current="page">{current}</a>' in nav
    if absent:
        assert f">{absent}</a>" not in nav


def test_a_community_assistant_sees_no_benefit_amounts(client, benefit, staff, team):
    """Benefits are money: the assistant of the family's own community reads neither the
    list, nor the benefit, nor its review (DESIGN §7; as the case's finances)."""
    review = review_services.review_open(benefit=benefit, by=team["acceptor"], kind="change",
                                         note="户主开始灵活就业")
    client.force_login(staff["assistant_a1"])
    status, html = page(client, reverse("cases:benefits"))
    assert benefit.number not in html and "1200.00" not in html
    assert client.get(reverse("cases:benefit", args=[benefit.pk])).status_code == 404
    assert client.get(reverse("cases:benefit_review", args=[review.pk])).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert ">在保对象</a>" not in home
    # The district reads them (filing supervision).
    client.force_login(team["district"])
    assert client.get(reverse("cases:benefit", args=[benefit.pk])).status_code == 200
