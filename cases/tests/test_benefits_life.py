"""Life after the decision, on a fixed clock: benefits in force, periodic reviews, changes,
gradual exit, stops heard first, the cut for refusing work, self-care (DB §31–34; SL §48;
TK §21–23)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.services import grant_role
from cases import services
from cases.models import (
    Benefit,
    BenefitEvent,
    BenefitState,
    Review,
    ReviewKind,
    ReviewOutcome,
    ReviewState,
)
from cases.services import benefit_people, benefits, reviews
from cases.tests.builders import photo
from core.errors import ServiceError
from households.models import Member
from households.tests.builders import add_member
from publicity.models import LongTermEntry

D = datetime.date



def confirmed_on(build, clock, day, **kwargs):
    clock.set(day)
    return build.confirmed(**kwargs)


def set_members(household, **fields):
    Member.objects.filter(household=household).update(**fields)


def heard(benefit, by, proposed="拟停发低保金"):
    return benefits.benefit_hear_views(benefit=benefit, by=by, proposed=proposed,
                                       heard_on=timezone.localdate(), person="赵建国",
                                       statement="表示已找到工作，同意停发")


def test_a_confirmation_starts_the_benefit_the_month_after(build, clock):
    app = confirmed_on(build, clock, D(2026, 3, 10))
    benefit = Benefit.objects.get(application=app)
    assert (benefit.state, benefit.start_month, benefit.monthly_amount) == (
        BenefitState.PAYING, D(2026, 4, 1), Decimal("1200.00"))
    period = benefit.periods.get()
    assert (period.first_month, period.last_month, period.amount) == (D(2026, 4, 1), None,
                                                                       Decimal("1200.00"))
    assert sum(Decimal(line["amount"]) for line in period.lines) == Decimal("1200.00")
    assert benefit.events.get().action == "start"


def test_a_stable_household_is_due_after_a_year_an_irregular_one_after_six_months(
        build, clock, household, make_household, regions):
    set_members(household, health=Member.Health.SERIOUS)  # not able to work: stable
    stable = Benefit.objects.get(application=confirmed_on(build, clock, D(2026, 3, 10)))
    assert (stable.review_months, stable.next_review_on) == (12, D(2027, 3, 10))

    flexible = make_household(regions["a1"], head_name="钱灵活")
    set_members(flexible, employment=Member.Employment.FLEXIBLE)
    build.household = flexible
    irregular = Benefit.objects.get(application=confirmed_on(build, clock, D(2026, 3, 10)))
    assert (irregular.review_months, irregular.next_review_on) == (6, D(2026, 9, 10))

    # The daily job opens each review 30 days ahead (rule review_open_days_before).
    assert reviews.reviews_open_due(today=D(2026, 8, 10)) == 0
    assert reviews.reviews_open_due(today=D(2026, 8, 11)) == 1
    review = Review.objects.get()
    assert (review.benefit, review.kind, review.due_on) == (irregular, ReviewKind.PERIODIC,
                                                           D(2026, 9, 10))
    assert reviews.reviews_open_due(today=D(2026, 8, 12)) == 0  # one open review at a time
    assert reviews.reviews_open_due(today=D(2027, 2, 8)) == 1  # the stable one, a year on
    assert Review.objects.get(benefit=stable).due_on == D(2027, 3, 10)


def test_a_death_opens_a_review_due_within_three_months(build, clock, team):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    clock.set(D(2026, 5, 31))
    review = reviews.review_open(benefit=benefit, by=team["acceptor"], kind=ReviewKind.DEATH,
                                 note="户主之母于5月28日去世")
    assert (review.kind, review.opened_on, review.due_on) == (ReviewKind.DEATH, D(2026, 5, 31),
                                                             D(2026, 8, 31))
    # A later report joins the open review and keeps the sooner date.
    again = reviews.review_open(benefit=benefit, by=team["acceptor"], kind=ReviewKind.CHANGE,
                                note="户主开始灵活就业")
    assert again.pk == review.pk and again.due_on == D(2026, 8, 31)
    with pytest.raises(PermissionDenied):
        reviews.review_open(benefit=benefit, by=team["district"], kind=ReviewKind.CHANGE,
                            note="x")


def test_a_stop_without_recorded_views_is_refused(build, clock, team):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    clock.set(D(2026, 6, 15))
    with pytest.raises(ServiceError, match="须先听取家庭的陈述、申辩意见"):
        benefits.benefit_stop(benefit=benefit, by=team["approver"], reasons="家庭收入超过标准")
    with pytest.raises(ServiceError, match="须先听取"):
        benefits.benefit_adjust(benefit=benefit, by=team["approver"], amount="900",
                                reasons="收入增加")
    assert Benefit.objects.get(pk=benefit.pk).state == BenefitState.PAYING
    # A raise needs no hearing.
    benefits.benefit_adjust(benefit=benefit, by=team["approver"], amount="1300",
                            reasons="家庭成员重病，支出增加")

    views = heard(benefit, team["acceptor"])
    benefit = benefits.benefit_stop(benefit=benefit, by=team["approver"],
                                    reasons="家庭人均收入超过低保标准")
    assert benefit.state == BenefitState.STOPPED and benefit.last_month == D(2026, 6, 1)
    stop = benefit.events.get(action="stop")
    assert stop.views == views and stop.effective_month == D(2026, 7, 1)
    assert "行政复议" in stop.data["notice"] and "家庭人均收入超过低保标准" in stop.data["notice"]
    # Paid through June; the raise that would have begun in July never applies.
    assert [(p.first_month, p.last_month, p.amount) for p in benefit.periods.all()] == [
        (D(2026, 4, 1), D(2026, 6, 1), Decimal("1200.00"))]
    with pytest.raises(ServiceError, match="已停保"):  # the views were used and it stopped
        heard(benefit, team["acceptor"])
    assert LongTermEntry.objects.filter(application=benefit.application,
                                        closed_on__isnull=True).count() == 0


def test_gradual_exit_pays_exactly_the_set_months_then_stops_by_itself(
        build, clock, team, household):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    clock.set(D(2026, 9, 20))
    review = reviews.review_open(benefit=benefit, by=team["acceptor"], kind=ReviewKind.CHANGE,
                                 note="户主9月起在物业公司就业，月工资4500元")
    set_members(household, employment=Member.Employment.EMPLOYED)
    review = reviews.review_check(review=review, by=team["acceptor"])
    assert review.state == ReviewState.CHECKED and review.verification is not None
    # What the check finds for a wage of 4,500 against the standard (the calculation itself
    # is tested in test_benefit.py): over the line.
    Review.objects.filter(pk=review.pk).update(calculation={"eligible": False, "lines": []})
    review.refresh_from_db()
    # The proposal already meets what the decision would: the views, the region's months.
    with pytest.raises(ServiceError, match="须先听取"):
        reviews.review_propose(review=review, by=team["acceptor"], outcome=ReviewOutcome.EXIT,
                               reasons="就业后收入超过标准", exit_months=3)
    heard(benefit, team["acceptor"], proposed="拟给予3个月渐退期后停发")
    with pytest.raises(ServiceError, match="渐退期应为1至6个月"):
        reviews.review_propose(review=review, by=team["acceptor"], outcome=ReviewOutcome.EXIT,
                               reasons="就业后收入超过标准", exit_months=7)
    review = reviews.review_propose(review=review, by=team["acceptor"],
                                    outcome=ReviewOutcome.EXIT, reasons="就业后收入超过标准",
                                    exit_months=3)
    assert review.state == ReviewState.PROPOSED
    benefit.refresh_from_db()
    assert benefit.state == BenefitState.PAYING  # nothing changes before the approver decides
    reviews.review_decide(review=review, by=team["approver"])
    benefit.refresh_from_db()
    assert benefit.state == BenefitState.EXITING
    # October, November, December are paid; nothing from January.
    period = benefit.periods.get()
    assert (period.first_month, period.last_month) == (D(2026, 4, 1), D(2026, 12, 1))
    assert LongTermEntry.objects.get(application=benefit.application).closed_on == D(2027, 1, 1)
    benefit.refresh_from_db()

    # A raise during the exit ends with it (and none after its last month).
    clock.set(D(2026, 10, 5))
    benefits.benefit_adjust(benefit=benefit, by=team["approver"], amount="1300",
                            reasons="家庭成员住院，支出增加")
    assert [(p.first_month, p.last_month, p.amount) for p in benefit.periods.all()] == [
        (D(2026, 4, 1), D(2026, 10, 1), Decimal("1200.00")),
        (D(2026, 11, 1), D(2026, 12, 1), Decimal("1300.00"))]
    clock.set(D(2026, 12, 5))
    with pytest.raises(ServiceError, match="渐退期到2026年12月结束"):
        benefits.benefit_adjust(benefit=benefit, by=team["approver"], amount="1400",
                                reasons="x")

    assert benefits.benefits_end_exits(today=D(2026, 12, 31)) == 0
    assert benefits.benefits_end_exits(today=D(2027, 1, 1)) == 1
    benefit.refresh_from_db()
    assert benefit.state == BenefitState.STOPPED
    end = benefit.events.get(action="end_exit")
    assert end.actor.is_system and "渐退期已满" in end.data["notice"]
    assert benefits.benefits_end_exits(today=D(2027, 1, 2)) == 0  # idempotent


def test_gradual_exit_needs_work_income_over_the_line(build, clock, team):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    review = reviews.review_open(benefit=benefit, by=team["acceptor"], kind=ReviewKind.CHANGE,
                                 note="家庭收入变化")
    review = reviews.review_check(review=review, by=team["acceptor"])
    heard(benefit, team["acceptor"])
    Review.objects.filter(pk=review.pk).update(calculation={"eligible": True, "lines": []})
    review.refresh_from_db()
    with pytest.raises(ServiceError, match="本次测算仍符合条件"):
        reviews.review_propose(review=review, by=team["acceptor"], outcome=ReviewOutcome.EXIT,
                               reasons="x")


def test_a_cut_for_refused_work_reduces_only_that_persons_share(build, clock, team, household):
    son = add_member(household, team["acceptor"], relation="child", name="赵小军", male=True)
    add_member(household, team["acceptor"], relation="spouse", name="刘美玲")
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit  # 1200 for three people
    shares = {line["name"]: Decimal(line["amount"]) for line in benefit.periods.get().lines}
    assert shares == {"赵建国": Decimal("400.00"), "赵小军": Decimal("400.00"),
                      "刘美玲": Decimal("400.00")}
    clock.set(D(2026, 6, 5))
    for n, day in enumerate([D(2026, 5, 6), D(2026, 5, 20), D(2026, 6, 3)], start=1):
        if n == 3:
            heard(benefit, team["acceptor"], proposed="拟减发赵小军本人部分")
        with pytest.raises(ServiceError, match=f"累计3次.*目前登记{n - 1}次"):
            benefit_people.benefit_cut_share(benefit=benefit, by=team["approver"], member_id=son.pk,
                                       reasons="三次拒绝介绍的工作")
        benefit_people.benefit_record_work_refusal(benefit=benefit, by=team["acceptor"],
                                             member_id=son.pk, refused_on=day,
                                             offer=f"社区公益岗位{n}")
    benefit = benefit_people.benefit_cut_share(benefit=benefit, by=team["approver"], member_id=son.pk,
                                         reasons="无正当理由三次拒绝介绍的工作")
    assert benefit.monthly_amount == Decimal("800.00")
    current = benefit.periods.get(last_month__isnull=True)
    assert current.first_month == D(2026, 7, 1)
    shares = {line["name"]: Decimal(line["amount"]) for line in current.lines}
    assert shares == {"赵建国": Decimal("400.00"), "赵小军": Decimal("0.00"),
                      "刘美玲": Decimal("400.00")}
    assert benefit.periods.get(first_month=D(2026, 4, 1)).last_month == D(2026, 6, 1)
    with pytest.raises(ServiceError, match="已减发"):
        heard(benefit, team["acceptor"])
        benefit_people.benefit_cut_share(benefit=benefit, by=team["approver"], member_id=son.pk,
                                   reasons="again")


def test_a_second_application_of_the_same_type_is_refused_naming_the_case(build, clock, team,
                                                                         household):
    open_case = services.application_accept_new(
        household=household, assistance_type="dibao", reason="因病致贫", by=team["acceptor"],
        documents=[("authorization", photo())])
    with pytest.raises(ServiceError, match=f"已有最低生活保障申请{open_case.number}正在办理"):
        services.application_accept_new(
            household=household, assistance_type="dibao", reason="再次申请",
            by=team["acceptor"], documents=[("authorization", photo())])
    with pytest.raises(ServiceError, match=open_case.number):
        services.application_refer(household=household, assistance_type="dibao",
                                   reason="社区代为申请", by=team["assistant"])
    # Another type is a separate matter.
    services.application_accept_new(household=household, assistance_type="temporary",
                                    reason="突发疾病", by=team["acceptor"],
                                    documents=[("authorization", photo())])

    services.application_withdraw(application=open_case, by=team["acceptor"],
                                  reason="申请人书面撤回")
    build.make_household = None  # the builder must use this household
    app = build.confirmed()
    with pytest.raises(ServiceError, match=f"正在享受最低生活保障（{app.number}）"):
        services.application_accept_new(
            household=household, assistance_type="dibao", reason="再次申请",
            by=team["acceptor"], documents=[("authorization", photo())])
    # After a stop, a new application is possible.
    heard(app.benefit, team["acceptor"])
    benefits.benefit_stop(benefit=app.benefit, by=team["approver"], reasons="收入超过标准")
    services.application_accept_new(household=household, assistance_type="dibao",
                                    reason="再次失业", by=team["acceptor"],
                                    documents=[("authorization", photo())])


def test_self_care_four_activities_not_managed_is_fully_dependent_and_sets_the_care_line(
        build, clock, team, household):
    set_members(household, health=Member.Health.SERIOUS)
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    head = household.members.get()
    clock.set(D(2026, 5, 12))
    assert benefit_people.self_care_level(["eating", "dressing", "bed"]) == Member.SelfCare.PARTIAL
    assessment = benefit_people.benefit_assess_self_care(
        benefit=benefit, by=team["acceptor"], member_id=head.pk,
        not_managed=["eating", "dressing", "bed", "toilet"], assessed_on=D(2026, 5, 11),
        assessors="王强、李娜")
    assert assessment.result == Member.SelfCare.FULL
    head.refresh_from_db()
    assert head.self_care == Member.SelfCare.FULL
    benefit.refresh_from_db()
    # The care subsidy (300 by the national default row) from June, the month after.
    assert benefit.monthly_amount == Decimal("1500.00")
    current = benefit.periods.get(last_month__isnull=True)
    assert current.first_month == D(2026, 6, 1)
    care = [line for line in current.lines if line["kind"] == "care"]
    assert [(line["member"], Decimal(line["amount"])) for line in care] == [
        (head.pk, Decimal("300"))]
    assert BenefitEvent.objects.filter(benefit=benefit, action="assess_self_care").exists()


def test_benefit_events_are_append_only(build, clock):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    with pytest.raises(DatabaseError), transaction.atomic():
        BenefitEvent.objects.filter(benefit=benefit).update(reason="改写")


def test_a_chunk_of_reviews_is_checked_in_one_step_with_an_audit_row_each(
        build, clock, team, staff, household, make_household, regions):
    first = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    build.household = make_household(regions["a2"], head_name="孙二")
    second = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    opened = [reviews.review_open(benefit=b, by=team["acceptor"], kind=ReviewKind.CHANGE,
                                  note="家庭报告收入变化") for b in (first, second)]
    ids = [r.pk for r in opened]
    with pytest.raises(PermissionDenied):  # another street's caseworker: nothing is checked
        reviews.reviews_check(review_ids=ids, by=staff["caseworker_b"])
    assert not Review.objects.filter(state=ReviewState.CHECKED).exists()
    assert reviews.reviews_check(review_ids=ids, by=team["acceptor"]) == 2
    for review in Review.objects.filter(pk__in=ids):
        assert review.state == ReviewState.CHECKED and review.calculation["members"] >= 1
        assert review.verification.household_id == review.benefit.household_id
        event = review.events.get(action="recheck")
        assert (event.from_state, event.to_state, event.actor) == (
            ReviewState.OPEN, ReviewState.CHECKED, team["acceptor"])
    # A decided review is left alone by a later chunk.
    Review.objects.filter(pk=ids[0]).update(state=ReviewState.DECIDED)
    assert reviews.reviews_check(review_ids=ids, by=team["acceptor"]) == 1


# --- a review's decision: the caseworker proposes, the approver decides (DESIGN §4 rule 5) ---


def checked_review(benefit, by, *, total="900.00", eligible=True):
    """A reported change, checked; its calculation set to find `total` (the calculation
    itself is tested in test_benefit.py)."""
    review = reviews.review_open(benefit=benefit, by=by, kind=ReviewKind.CHANGE,
                                 note="家庭报告收入变化")
    review = reviews.review_check(review=review, by=by)
    Review.objects.filter(pk=review.pk).update(
        calculation={"eligible": eligible, "total": total, "lines": []})
    review.refresh_from_db()
    return review


def test_a_cut_is_proposed_by_the_caseworker_and_decided_by_the_approver(build, clock, team):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    clock.set(D(2026, 6, 5))
    review = checked_review(benefit, team["reviewer"])
    heard(benefit, team["reviewer"], proposed="拟减发至每月900元")
    review = reviews.review_propose(review=review, by=team["reviewer"],
                                    outcome=ReviewOutcome.ADJUST, reasons="家庭收入增加")
    assert (review.state, review.new_amount, review.proposed_by) == (
        ReviewState.PROPOSED, Decimal("900.00"), team["reviewer"])  # the calculation's amount
    assert review.get_state_display() == "待审批"
    benefit.refresh_from_db()
    assert benefit.monthly_amount == Decimal("1200.00")  # nothing paid differently yet
    # A caseworker cannot decide it: the approver's role.
    with pytest.raises(PermissionDenied, match="审批人"):
        reviews.review_decide(review=review, by=team["acceptor"])
    # While it waits, the review stays the benefit's one open review: a further reason joins it.
    joined = reviews.review_open(benefit=benefit, by=team["acceptor"], kind=ReviewKind.CHANGE,
                                 note="又报告一项变化")
    assert joined.pk == review.pk and joined.state == ReviewState.PROPOSED
    assert reviews.reviews_check(review_ids=[review.pk], by=team["acceptor"]) == 0
    with pytest.raises(ServiceError, match="待审批|报审批"):
        reviews.review_check(review=review, by=team["acceptor"])

    review = reviews.review_decide(review=review, by=team["approver"])
    assert (review.state, review.decided_by, review.outcome) == (
        ReviewState.DECIDED, team["approver"], ReviewOutcome.ADJUST)
    benefit.refresh_from_db()
    assert benefit.monthly_amount == Decimal("900.00")
    adjust = benefit.events.get(action="adjust")
    assert (adjust.actor, adjust.review, adjust.amount_after) == (
        team["approver"], review, Decimal("900.00"))
    assert "行政复议" in adjust.data["notice"]
    steps = review.events.filter(action__in=["propose", "decide"]).order_by("at", "id")
    assert [(e.action, e.actor, e.to_state) for e in steps] == [
        ("propose", team["reviewer"], ReviewState.PROPOSED),
        ("decide", team["approver"], ReviewState.DECIDED)]


def test_the_proposer_may_not_approve_their_own_proposal(build, clock, team, regions):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    review = checked_review(benefit, team["reviewer"])
    heard(benefit, team["reviewer"])
    review = reviews.review_propose(review=review, by=team["reviewer"],
                                    outcome=ReviewOutcome.STOP, reasons="家庭收入超过标准")
    grant_role(user=team["reviewer"], region=regions["a"], role=Role.TOWNSHIP_APPROVER, by=None)
    proposer = type(team["reviewer"]).objects.get(pk=team["reviewer"].pk)
    with pytest.raises(ServiceError, match="三名不同人员办理：您已提出该核查意见"):
        reviews.review_decide(review=review, by=proposer)
    review.refresh_from_db()
    benefit.refresh_from_db()
    assert (review.state, benefit.state) == (ReviewState.PROPOSED, BenefitState.PAYING)
    reviews.review_decide(review=review, by=team["approver"])
    benefit.refresh_from_db()
    assert benefit.state == BenefitState.STOPPED
    assert benefit.events.get(action="stop").actor == team["approver"]


def test_the_approver_sends_a_proposal_back_with_a_reason(build, clock, team, regions):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    review = checked_review(benefit, team["reviewer"])
    heard(benefit, team["reviewer"])
    review = reviews.review_propose(review=review, by=team["reviewer"],
                                    outcome=ReviewOutcome.STOP, reasons="家庭收入超过标准")
    with pytest.raises(ServiceError, match="退回的理由"):
        reviews.review_send_back(review=review, by=team["approver"], reason=" ")
    with pytest.raises(PermissionDenied):  # the caseworker cannot send it back either
        reviews.review_send_back(review=review, by=team["acceptor"], reason="x")
    review = reviews.review_send_back(review=review, by=team["approver"],
                                      reason="收入为一次性劳务报酬，请核实是否持续")
    assert (review.state, review.outcome, review.proposed_by) == (ReviewState.CHECKED, "", None)
    back = review.events.get(action="send_back")
    assert (back.actor, back.reason, back.from_state, back.to_state) == (
        team["approver"], "收入为一次性劳务报酬，请核实是否持续", ReviewState.PROPOSED,
        ReviewState.CHECKED)
    benefit.refresh_from_db()
    assert benefit.state == BenefitState.PAYING
    # Checked again and proposed again by another caseworker: the first stays barred.
    review = reviews.review_check(review=review, by=team["acceptor"])
    Review.objects.filter(pk=review.pk).update(
        calculation={"eligible": True, "total": "900.00", "lines": []})
    review.refresh_from_db()
    review = reviews.review_propose(review=review, by=team["acceptor"],
                                    outcome=ReviewOutcome.ADJUST, reasons="收入部分持续")
    grant_role(user=team["reviewer"], region=regions["a"], role=Role.TOWNSHIP_APPROVER, by=None)
    first = type(team["reviewer"]).objects.get(pk=team["reviewer"].pk)
    with pytest.raises(ServiceError, match="三名不同人员"):
        reviews.review_decide(review=review, by=first)


def test_continuing_is_decided_by_the_caseworker_alone(build, clock, team):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    clock.set(D(2026, 9, 1))
    review = checked_review(benefit, team["acceptor"], total="1200.00")
    review = reviews.review_propose(review=review, by=team["acceptor"],
                                    outcome=ReviewOutcome.CONTINUE, reasons="")
    assert (review.state, review.outcome, review.decided_by, review.proposed_by) == (
        ReviewState.DECIDED, ReviewOutcome.CONTINUE, team["acceptor"], None)
    assert review.events.filter(action="decide_continue", actor=team["acceptor"]).exists()
    benefit.refresh_from_db()
    assert benefit.monthly_amount == Decimal("1200.00")
    assert benefit.next_review_on == D(2027, 3, 1)  # the next review by the household's cycle
    with pytest.raises(ServiceError, match="已完成"):  # decided: nothing more to approve
        reviews.review_decide(review=review, by=team["approver"])


def test_an_amount_departing_from_the_calculation_needs_its_explanation(build, clock, team):
    benefit = confirmed_on(build, clock, D(2026, 3, 10)).benefit
    review = checked_review(benefit, team["reviewer"], total="4700.00")
    with pytest.raises(ServiceError, match="与本次测算结果（4700.00元）不同") as refused:
        reviews.review_propose(review=review, by=team["reviewer"], outcome=ReviewOutcome.ADJUST,
                               amount="4500", reasons="家庭成员重病，医疗支出增加")
    assert refused.value.field == "deviation"
    review.refresh_from_db()
    assert review.state == ReviewState.CHECKED  # nothing written
    review = reviews.review_propose(
        review=review, by=team["reviewer"], outcome=ReviewOutcome.ADJUST, amount="4500",
        reasons="家庭成员重病，医疗支出增加", deviation="医疗救助已报销部分费用，按实际支出核减")
    proposed = review.events.get(action="propose")
    assert proposed.data == {"outcome": "adjust", "amount": "4500.00", "calculated": "4700.00",
                             "deviation": "医疗救助已报销部分费用，按实际支出核减"}
    review = reviews.review_decide(review=review, by=team["approver"])
    decided = review.events.get(action="decide")
    assert (decided.data["calculated"], decided.data["deviation"]) == (
        "4700.00", "医疗救助已报销部分费用，按实际支出核减")
    benefit.refresh_from_db()
    assert benefit.monthly_amount == Decimal("4500.00")
