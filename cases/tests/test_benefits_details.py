"""Details a new user noticed: whose shares make a 特困 benefit, review dates after a stop
or an exit, the notice's wording, a round's scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases.models import Benefit, ReviewRound
from cases.services import benefits, rounds
from households.tests.builders import add_member

D = datetime.date


def heard(benefit, by, proposed="拟停发"):
    return benefits.benefit_hear_views(benefit=benefit, by=by, proposed=proposed,
                                       heard_on=timezone.localdate(), person="赵建国",
                                       statement="无异议")


def test_a_tekun_benefit_is_the_persons_own_not_split_over_the_household(
        build, clock, team, household):
    add_member(household, team["acceptor"], relation="child", name="赵小军", male=True)
    benefit = build.confirmed(assistance_type="tekun").benefit
    lines = benefit.periods.get().lines
    assert [(line["name"], Decimal(line["amount"])) for line in lines] == [
        ("赵建国", Decimal("1200.00"))]


def test_a_stop_or_an_exit_leaves_no_periodic_review_due_and_the_notice_reads_well(
        build, clock, team, make_household, regions):
    stopped = build.confirmed().benefit
    assert stopped.next_review_on is not None
    clock.set(D(2026, 6, 15))
    heard(stopped, team["acceptor"])
    benefits.benefit_stop(benefit=stopped, by=team["approver"], reasons="家庭收入超过标准。")
    stopped.refresh_from_db()
    assert stopped.next_review_on is None
    notice = stopped.events.get(action="stop").data["notice"]
    assert "理由：家庭收入超过标准。如对本决定不服" in notice and "。。" not in notice

    build.household = make_household(regions["a2"], head_name="钱二")
    exiting = build.confirmed().benefit
    heard(exiting, team["acceptor"], "拟渐退")
    benefits.benefit_begin_exit(benefit=exiting, by=team["approver"], months=2,
                                reasons="就业后收入超过标准")
    exiting.refresh_from_db()
    assert exiting.next_review_on is None


def test_a_round_reviews_the_benefits_being_paid_not_those_in_gradual_exit(
        build, clock, team, make_household, regions):
    paying = build.confirmed().benefit
    build.household = make_household(regions["a2"], head_name="钱二")
    exiting = build.confirmed().benefit
    heard(exiting, team["acceptor"], "拟渐退")
    benefits.benefit_begin_exit(benefit=exiting, by=team["approver"], months=2,
                                reasons="就业后收入超过标准")
    review_round = rounds.review_round_open(township=regions["a"], by=team["district"],
                                            name="2026年度低保年审", due_on=D(2026, 4, 30))
    assert review_round.total == 1
    assert list(ReviewRound.objects.get().reviews.values_list("benefit", flat=True)) == [
        paying.pk]
    assert Benefit.objects.get(pk=exiting.pk).reviews.count() == 0


def test_changing_the_money_is_the_approvers_decision_the_caseworker_prepares_it(
        build, clock, team):
    benefit = build.confirmed().benefit
    heard(benefit, team["acceptor"])  # the caseworker hears the household
    for change in (lambda by: benefits.benefit_stop(benefit=benefit, by=by, reasons="x"),
                   lambda by: benefits.benefit_adjust(benefit=benefit, by=by, amount="900",
                                                      reasons="x")):
        with pytest.raises(PermissionDenied):
            change(team["acceptor"])
    benefit = benefits.benefit_stop(benefit=benefit, by=team["approver"], reasons="收入超过标准")
    assert benefit.events.get(action="stop").actor == team["approver"]
