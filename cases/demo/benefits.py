"""Demo benefits in force (在保) in 兴丰街道, the street the demo caseworker signs in to:
periodic reviews falling due (one checked, one with a self-care change reported) and one
overdue, a gradual exit decided at a review, a benefit stopped after the household was
heard, whose concealed wage is a fraud finding with its recovery partly repaid, and a
特困 person's self-care assessment with the care line it gives.

Five households of the street without a case are confirmed through cases.services (the
last five, so that the supervision demo still finds its own); then their decisions are
moved back months, as the other demo modules move their dates, so that the reviews fall
due now: the case's dates, its notice, its long-term board entry and its benefit (paid
from the month after the decision, reviewed a cycle after it) move together, and every
later step (reviews, views, decisions) is dated after them. The audit rows keep the time
they were written. Loaded before the supervision demo, so that last month's roster and
the statistics include these benefits. Idempotent: a street with views recorded is left
alone.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Region, Rule, User
from accounts.rules import rule_value
from accounts.services import rule_save
from accounts.workdays import working_days_between
from cases import services
from cases.demo.cases import _scan, _staff
from cases.models import (
    Application,
    Benefit,
    BenefitPeriod,
    CaseDocument,
    FraudMeans,
    Review,
    ReviewKind,
    ReviewOutcome,
    Sanction,
    Views,
)
from cases.services import benefit_people, benefits, integrity, reviews
from households import services as household_services
from households.models import Household, Income, IncomeCategory, Member
from publicity.models import LongTermEntry, Notice

TOWNSHIP = "110115001"  # 兴丰街道: xingfeng_caseworker's
# No national value (TK §21–23): the district sets them. Demo figures, not Beijing's.
CARE_STANDARDS = {"tekun_care_full": "1200", "tekun_care_partial": "600"}


def load() -> int:
    township = Region.objects.filter(code=TOWNSHIP).first()
    if township is None or Views.objects.filter(benefit__region__parent=township).exists():
        return 0
    free = list(Household.objects.filter(region__parent=township, applications__isnull=True)
                .order_by("-id")[:5])
    if len(free) < 5:
        return 0
    _care_standards(township.parent)
    staff = Staff(*_staff(township)[:4])
    today = timezone.localdate()
    overdue, leaving_work, due_soon, concealed, cared_for = free  # the last has an old parent
    # Reviews open 30 days ahead (rule review_open_days_before); the cycle is the
    # household's (DB §31). Each decision is placed one cycle before its review date;
    # made in the order of their decisions, so that the case numbers follow the dates.
    tekun = _confirmed(cared_for, staff, "tekun", "old_age", "老人年老体弱，家庭无力供养",
                       review_on=today + datetime.timedelta(days=15))
    late = _confirmed(overdue, staff, "dibao", "illness", "家庭成员长期患病，收入不足",
                      review_on=today - datetime.timedelta(days=12))
    exiting = _confirmed(leaving_work, staff, "dibao", "unemployment", "户主失业，独自抚养两个子女",
                         review_on=today - datetime.timedelta(days=3))
    checked = _confirmed(due_soon, staff, "dibao", "unemployment", "夫妻均失业，无稳定收入",
                         review_on=today + datetime.timedelta(days=9))
    stopped = _confirmed(concealed, staff, "dibao", "single_parent", "单亲抚养子女，灵活就业收入低",
                         decided_on=benefits.add_months(today, -4).replace(day=10))
    # The daily job opens the periodic reviews that fall due (run_schedule does the same).
    reviews.reviews_open_due(today=today)
    for benefit in (tekun, exiting, checked, late):
        review = Review.objects.get(benefit=benefit, kind=ReviewKind.PERIODIC)
        lead = rule_value("review_open_days_before", benefit.region, today)
        Review.objects.filter(pk=review.pk).update(
            opened_on=review.due_on - datetime.timedelta(days=lead))
    reviews.review_check(review=Review.objects.get(benefit=checked), by=staff.acceptor)
    _gradual_exit(exiting, staff, today)
    _stop_and_recover(stopped, staff, today)
    _self_care(tekun, staff, today)
    return 5


class Staff:
    def __init__(self, acceptor: User, reviewer: User, approver: User, district: User):
        self.acceptor, self.reviewer, self.approver, self.district = (acceptor, reviewer,
                                                                      approver, district)


def _care_standards(district: Region) -> None:
    admin = User.objects.filter(username="daxing_admin").first()
    for key, value in CARE_STANDARDS.items():
        if admin is None or Rule.objects.filter(key=key, region=district).exists():
            continue
        rule_save(rule=Rule(key=key, region=district, value=value,
                            valid_from=datetime.date(2023, 9, 1),
                            source="北京市特困人员照料护理标准（演示数据）"),
                  by=admin, reason="演示数据：区特困人员照料护理标准")


def _confirmed(household: Household, staff: Staff, kind: str, hardship: str, reason: str, *,
               review_on: datetime.date | None = None,
               decided_on: datetime.date | None = None) -> Benefit:
    """A case from acceptance to confirmation, then moved back to its decision date: one
    review cycle before `review_on`, or `decided_on`."""
    app = services.application_accept_new(
        household=household, assistance_type=kind, hardship=hardship, reason=reason,
        by=staff.acceptor,
        documents=[(CaseDocument.Kind.AUTHORIZATION, _scan("社会救助申请及核对授权书"))])
    services.application_record_home_investigation(
        application=app, by=staff.acceptor,
        data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
              "findings": "入户查看居住和生活情况，与申报一致。", "signed_form": _scan("入户调查表")})
    services.application_record_verification(
        application=app, by=staff.district, summary="未发现机动车、房产和工商登记，存款低于限额。",
        has_warning=False, warnings="")
    services.application_finish_investigation(application=app, by=staff.acceptor)
    services.application_propose(application=app, by=staff.reviewer, approve=True,
                                 reasons="符合救助条件")
    eight_days_ago = timezone.localdate() - datetime.timedelta(days=8)  # its 7 days have run
    Notice.objects.filter(application=app).update(
        opened_on=eight_days_ago, earliest_close=eight_days_ago + datetime.timedelta(days=7))
    services.application_close_publicity(application=app, by=staff.reviewer,
                                         skip_reason="公示期满无异议，核对无预警")
    app = services.application_approve(application=app, by=staff.approver)
    benefit = Benefit.objects.get(application=app)
    if decided_on is None:
        decided_on = benefits.months_later(review_on, -benefit.review_months)
    _move_back(app, benefit, decided_on)
    return Benefit.objects.get(pk=benefit.pk)


def _move_back(app: Application, benefit: Benefit, decided_on: datetime.date) -> None:
    """The case as if decided on `decided_on`: accepted 24 days before (as in the
    supervision demo), its notice run the seven days before the decision, paid from the
    month after it, its first periodic review a cycle after it."""
    accepted_on = decided_on - datetime.timedelta(days=24)
    earlier = app.accepted_on - accepted_on  # the acceptance's deadlines move with it
    notice_opened = decided_on - datetime.timedelta(days=8)
    proposed_at = app.proposed_at - (timezone.localtime(app.proposed_at).date() - notice_opened)
    start = benefits.add_months(benefits.month_start(decided_on), 1)
    Application.objects.filter(pk=app.pk).update(
        accepted_on=accepted_on, investigation_due=app.investigation_due - earlier,
        decision_due=app.decision_due - earlier, proposed_at=proposed_at,
        decided_on=decided_on, start_month=start,
        decision_workdays=working_days_between(accepted_on, decided_on))
    Notice.objects.filter(application=app).update(
        opened_on=notice_opened, earliest_close=notice_opened + datetime.timedelta(days=7),
        closed_on=decided_on)
    LongTermEntry.objects.filter(application=app).update(opened_on=decided_on)
    Benefit.objects.filter(pk=benefit.pk).update(
        start_month=start, next_review_on=benefits.months_later(decided_on, benefit.review_months))
    BenefitPeriod.objects.filter(benefit=benefit).update(first_month=start)


def _gradual_exit(benefit: Benefit, staff: Staff, today: datetime.date) -> None:
    """At the periodic review: the head has a job; the check finds the household over the
    line; the head is heard; 渐退 for three months (DB §33), proposed by a caseworker and
    approved by the street's approver."""
    review = Review.objects.get(benefit=benefit, kind=ReviewKind.PERIODIC)
    head = benefit.household.members.get(relation=Member.Relation.HEAD)
    household_services.member_update(member=head, by=staff.acceptor,
                                     data={"employment": Member.Employment.EMPLOYED})
    household_services.record_add(
        household=benefit.household, by=staff.acceptor, model=Income,
        data={"member": head, "category": IncomeCategory.objects.get(code="wage"),
              "amount": Decimal("9000.00"), "months": 1, "note": "物流公司仓储主管，本月起"})
    review = reviews.review_check(review=review, by=staff.acceptor)
    if review.calculation.get("eligible") is not False:
        raise RuntimeError("demo gradual exit: the household should be over the line")
    benefits.benefit_hear_views(
        benefit=benefit, by=staff.acceptor, proposed="拟给予渐退期，期满后停发低保金",
        heard_on=today, person=head.name, review=review,
        statement="本人已在物流公司就业，月工资约九千元，同意渐退，希望渐退期满前能稳定工作。")
    review = reviews.review_propose(review=review, by=staff.reviewer, outcome=ReviewOutcome.EXIT,
                                    exit_months=3, reasons="户主就业后家庭人均收入超过当地低保标准")
    reviews.review_decide(review=review, by=staff.approver)  # 三分离: the approver decides


def _stop_and_recover(benefit: Benefit, staff: Staff, today: datetime.date) -> None:
    """The tax data show a wage the household never declared: the head is heard (SL §48),
    the benefit stops with its written notice, the fraud is found by the street, confirmed
    and verified by the district (the months paid since the start are due back), and the
    first instalment is received: a recovery partly repaid."""
    head = benefit.household.members.get(relation=Member.Relation.HEAD)
    benefits.benefit_hear_views(
        benefit=benefit, by=staff.acceptor, proposed="拟停发低保金并追回骗取的低保金",
        heard_on=today - datetime.timedelta(days=6), person=head.name,
        statement="承认申请时没有申报在超市的工资收入，愿意分期退还已领取的低保金。")
    benefit = benefits.benefit_stop(
        benefit=benefit, by=staff.approver,
        reasons="经税务数据比对和入户核实，户主申请时隐瞒在业工资收入，家庭人均收入高于当地低保标准")
    finding = integrity.finding_record(
        benefit=benefit, by=staff.acceptor, means=FraudMeans.CONCEALMENT,
        facts=f"{head.name}申请时隐瞒在超市的工资收入（每月约五千元），经税务数据比对和入户核实查实",
        first_month=benefit.start_month, last_month=benefit.last_month)
    integrity.finding_confirm(finding=finding, by=staff.approver, note="事实清楚，报区民政局认定")
    finding = integrity.finding_verify(finding=finding, by=staff.district,
                                       sanction=Sanction.WARNING,
                                       panel="区民政局法律顾问（演示）")
    integrity.finding_record_repayment(finding=finding, by=staff.acceptor, received_on=today,
                                       amount=(finding.amount_due / 4).quantize(Decimal("1")),
                                       receipt_number="兴丰退字（演示）第1号")


def _self_care(benefit: Benefit, staff: Staff, today: datetime.date) -> None:
    """The oldest member fell and can no longer manage four of the six activities: the
    change joins the open periodic review; the assessment sets the care line."""
    member = benefit.household.members.order_by("birth_date").first()
    reviews.review_open(benefit=benefit, by=staff.acceptor, kind=ReviewKind.SELF_CARE,
                        member_id=member.pk,
                        note=f"{member.name}在家中摔倒后卧床，家属报告生活不能自理")
    benefit_people.benefit_assess_self_care(
        benefit=benefit, by=staff.acceptor, member_id=member.pk,
        not_managed=["dressing", "toilet", "walking", "bathing"],
        assessed_on=today - datetime.timedelta(days=3),
        assessors="王强、李娜（街道社会救助所），张华（社区卫生服务站医生）")
