"""Demo benefits in force (在保) in 兴丰街道, the street the demo caseworker signs in to:
periodic reviews falling due (one checked, one with a self-care change reported) and one
overdue, a gradual exit decided at a review, a benefit stopped after the household was
heard, whose concealed wage is a fraud finding with its recovery partly repaid, and a
特困 person's self-care assessment with the care line it gives.

Five households of the street without a case (the 特困 person one who lives alone) are
confirmed through cases.services, each step on its own day (core.demo_clock): every
decision one review cycle before its review falls due, in the order of their dates; the
daily job opens each review on its day; the exit, the stop with its fraud finding and
the self-care assessment happen over the last two weeks. Loaded before the supervision
demo, so that last month's roster and the statistics include these benefits. Idempotent:
a street with views recorded is left alone.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Region, Rule, User
from accounts.rules import rule_value, rule_values
from accounts.services import rule_save
from cases.demo.cases import _staff, days_ago, decided_case, hardship_of
from cases.models import (
    Benefit,
    FraudMeans,
    Review,
    ReviewKind,
    ReviewOutcome,
    Sanction,
    Views,
)
from cases.services import benefit_people, benefits, integrity, reviews
from core.demo_clock import on
from households import services as household_services
from households.models import Household, Income, IncomeCategory, Member

TOWNSHIP = "110115001"  # 兴丰街道: xingfeng_caseworker's
# No national value (TK §21–23): the district sets them. Demo figures, not Beijing's.
CARE_STANDARDS = {"tekun_care_full": "1200", "tekun_care_partial": "600"}


def load() -> int:
    township = Region.objects.filter(code=TOWNSHIP).first()
    if township is None or Views.objects.filter(benefit__region__parent=township).exists():
        return 0
    free = list(Household.objects.filter(region__parent=township, applications__isnull=True)
                .order_by("-id").prefetch_related("members"))
    # The 特困 person lives alone, old or severely disabled; the others are families.
    lone = next((h for h in free if hardship_of(h)[0] == "tekun"), None)
    families = [h for h in free if h != lone and len(h.members.all()) > 1]
    if lone is None or len(families) < 4:
        return 0
    _care_standards(township.parent)
    staff = Staff(*_staff(township)[:4])
    today = timezone.localdate()
    overdue, leaving_work, due_soon, concealed = families[:4]
    # Reviews open 30 days ahead (rule review_open_days_before); the cycle is the
    # household's (DB §31). Each decision is placed one cycle before its review date;
    # made in the order of their decisions, so that the case numbers follow the dates.
    plans = [(lone, today + datetime.timedelta(days=15)),
             (overdue, today - datetime.timedelta(days=12)),
             (leaving_work, today - datetime.timedelta(days=3)),
             (due_soon, today + datetime.timedelta(days=9))]
    dated = sorted([(_decision_for(h, township, review_on), h) for h, review_on in plans]
                   + [(benefits.add_months(today, -4).replace(day=10), concealed)],
                   key=lambda pair: pair[0])
    made = {h.pk: _confirmed(h, staff, decided_on) for decided_on, h in dated}
    tekun, late, exiting, checked, stopped = (made[h.pk] for h in (lone, overdue, leaving_work,
                                                                   due_soon, concealed))
    # The daily job opens each periodic review on its day (run_schedule does the same).
    lead = rule_value("review_open_days_before", township, today)
    opening = sorted({b.next_review_on - datetime.timedelta(days=lead)
                      for b in (tekun, late, exiting, checked)})
    for day in opening:
        with on(day):
            reviews.reviews_open_due(today=day)
    with on(days_ago(5)):
        reviews.review_check(review=Review.objects.get(benefit=checked), by=staff.acceptor)
    _gradual_exit(exiting, staff)
    _stop_and_recover(stopped, staff)
    _self_care(tekun, staff)
    return 5


def _decision_for(household: Household, township: Region,
                  review_on: datetime.date) -> datetime.date:
    """The decision day one review cycle (the household's, DB §31) before `review_on`."""
    kind = hardship_of(household)[0]
    rules = rule_values(township, review_on)
    months = benefits._cycle_months(benefits.review_cycle(household, kind, review_on, rules),
                                    rules)
    return benefits.months_later(review_on, -months)


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


def _confirmed(household: Household, staff: Staff, decided_on: datetime.date) -> Benefit:
    """A case from acceptance to confirmation, each step on its day before `decided_on`."""
    app = decided_case(household, (staff.acceptor, staff.reviewer, staff.approver,
                                   staff.district), decided_on)
    return Benefit.objects.get(application=app)


def _gradual_exit(benefit: Benefit, staff: Staff) -> None:
    """At the periodic review: the head has a job; the check finds the household over the
    line; the head is heard; 渐退 for three months (DB §33), proposed by a caseworker and
    approved by the street's approver."""
    review = Review.objects.get(benefit=benefit, kind=ReviewKind.PERIODIC)
    head = benefit.household.members.get(relation=Member.Relation.HEAD)
    with on(days_ago(12)):
        _found_work(benefit, review, head, staff)
    with on(days_ago(8)):
        benefits.benefit_hear_views(
            benefit=benefit, by=staff.acceptor, proposed="拟给予渐退期，期满后停发低保金",
            heard_on=timezone.localdate(), person=head.name, review=review,
            statement="本人已在物流公司就业，月工资约九千元，同意渐退，希望渐退期满前能稳定工作。")
    with on(days_ago(7)):
        review = reviews.review_propose(review=review, by=staff.reviewer,
                                        outcome=ReviewOutcome.EXIT, exit_months=3,
                                        reasons="户主就业后家庭人均收入超过当地低保标准")
    with on(days_ago(6)):
        reviews.review_decide(review=review, by=staff.approver)  # 三分离: the approver decides


def _found_work(benefit: Benefit, review: Review, head: Member, staff: Staff) -> None:
    household_services.member_update(member=head, by=staff.acceptor,
                                     data={"employment": Member.Employment.EMPLOYED})
    household_services.record_add(
        household=benefit.household, by=staff.acceptor, model=Income,
        data={"member": head, "category": IncomeCategory.objects.get(code="wage"),
              "amount": Decimal("9000.00"), "months": 1, "note": "物流公司仓储主管，本月起"})
    review.refresh_from_db()
    review = reviews.review_check(review=review, by=staff.acceptor)
    if review.calculation.get("eligible") is not False:
        raise RuntimeError("demo gradual exit: the household should be over the line")


def _stop_and_recover(benefit: Benefit, staff: Staff) -> None:
    """The tax data show a wage the household never declared: the head is heard (SL §48),
    the benefit stops with its written notice, the fraud is found by the street, confirmed
    and verified by the district (the months paid since the start are due back), and the
    first instalment is received: a recovery partly repaid."""
    head = benefit.household.members.get(relation=Member.Relation.HEAD)
    with on(days_ago(9)):
        benefits.benefit_hear_views(
            benefit=benefit, by=staff.acceptor, proposed="拟停发低保金并追回骗取的低保金",
            heard_on=timezone.localdate(), person=head.name,
            statement="承认申请时没有申报在超市的工资收入，愿意分期退还已领取的低保金。")
    with on(days_ago(8)):
        benefit = _stopped(benefit, staff, head)
    with on(days_ago(4)):
        finding = integrity.finding_confirm(finding=finding_of(benefit), by=staff.approver,
                                            note="事实清楚，报区民政局认定")
    with on(days_ago(2)):
        finding = integrity.finding_verify(finding=finding, by=staff.district,
                                           sanction=Sanction.WARNING,
                                           panel="区民政局法律顾问（演示）")
    integrity.finding_record_repayment(finding=finding, by=staff.acceptor,
                                       received_on=timezone.localdate(),
                                       amount=(finding.amount_due / 4).quantize(Decimal("1")),
                                       receipt_number="兴丰退字（演示）第1号")


def finding_of(benefit: Benefit):
    return benefit.fraud_findings.get()


def _stopped(benefit: Benefit, staff: Staff, head: Member) -> Benefit:
    benefit = benefits.benefit_stop(
        benefit=benefit, by=staff.approver,
        reasons="经税务数据比对和入户核实，户主申请时隐瞒在业工资收入，家庭人均收入高于当地低保标准")
    integrity.finding_record(
        benefit=benefit, by=staff.acceptor, means=FraudMeans.CONCEALMENT,
        facts=f"{head.name}申请时隐瞒在超市的工资收入（每月约五千元），经税务数据比对和入户核实查实",
        first_month=benefit.start_month, last_month=benefit.last_month)
    return benefit


def _self_care(benefit: Benefit, staff: Staff) -> None:
    """The oldest member fell and can no longer manage four of the six activities: the
    change joins the open periodic review; the assessment sets the care line."""
    member = benefit.household.members.order_by("birth_date").first()
    with on(days_ago(4)):
        reviews.review_open(benefit=benefit, by=staff.acceptor, kind=ReviewKind.SELF_CARE,
                            member_id=member.pk,
                            note=f"{member.name}在家中摔倒后卧床，社区协办员上门发现生活不能自理")
    with on(days_ago(3)):
        benefit_people.benefit_assess_self_care(
            benefit=benefit, by=staff.acceptor, member_id=member.pk,
            not_managed=["dressing", "toilet", "walking", "bathing"],
            assessed_on=timezone.localdate(),
            assessors="王强、李娜（街道社会救助所），张华（社区卫生服务站医生）")
