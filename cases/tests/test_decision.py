"""The decision (cases.services.decision): approval, rejection, sending back and
withdrawal; the three different people of 受理、审核、审批 (rule 5); the amount."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.roles import Role
from accounts.services import grant_role
from accounts.workdays import add_working_days
from cases import services
from cases.models import State
from core.errors import ServiceError
from publicity.models import Hearing, Notice

TODAY = timezone.localdate


# --- rule 5: three-way separation --------------------------------------------------------

def test_the_acceptor_may_not_review_the_same_case(build, team):
    app = build.investigated(build.accepted())
    with pytest.raises(ServiceError, match="三名不同人员"):
        services.application_propose(application=app, by=team["acceptor"],
                                     approve=True, amount="900")


@pytest.mark.parametrize("who", ["acceptor", "reviewer"])
def test_neither_acceptor_nor_reviewer_may_approve(build, team, make_user, regions, who):
    app = build.approving()
    person = team[who]
    grant_role(user=person, region=regions["a"], role=Role.TOWNSHIP_APPROVER, by=None)
    person = type(person).objects.get(pk=person.pk)
    with pytest.raises(ServiceError, match="三名不同人员"):
        services.application_approve(application=app, by=person)


def test_a_caseworker_cannot_approve_at_all(build, team, make_user, regions):
    other = make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "third_caseworker")
    with pytest.raises(PermissionDenied):
        services.application_approve(application=build.approving(), by=other)


def test_every_earlier_reviewer_stays_barred_from_approving(build, team, make_user, regions):
    app = build.approving()
    app = services.application_send_back(application=app, by=team["approver"],
                                         reason="重审")
    second = make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "second_reviewer")
    app = services.application_propose(application=app, by=second, approve=True,
                                       amount="1000")
    build.publicity_elapsed(app)
    app = services.application_close_publicity(application=app, by=second, skip_reason="无")
    grant_role(user=team["reviewer"], region=regions["a"], role=Role.TOWNSHIP_APPROVER,
               by=None)
    first_reviewer = type(team["reviewer"]).objects.get(pk=team["reviewer"].pk)
    with pytest.raises(ServiceError, match="三名不同人员"):
        services.application_approve(application=app, by=first_reviewer)


# --- approval, rejection, sending back -------------------------------------------------

def test_a_rejection_proposal_goes_straight_to_the_approver(build, team):
    app = build.investigated(build.accepted())
    app = services.application_propose(application=app, by=team["reviewer"],
                                       approve=False, reasons="人均收入高于低保标准")
    assert app.state == State.APPROVING
    assert not Notice.objects.filter(application=app).exists()
    with pytest.raises(ServiceError, match="审核意见为不同意"):
        services.application_approve(application=app, by=team["approver"])
    app = services.application_reject(application=app, by=team["approver"],
                                      reasons="人均收入高于低保标准")
    assert app.state == State.REJECTED
    assert app.refusal_notice_due == add_working_days(TODAY(), 3).date


def test_a_rejection_needs_reasons(build, team):
    with pytest.raises(ServiceError, match="必须写明理由"):
        services.application_reject(application=build.approving(), by=team["approver"],
                                    reasons="  ")


def test_no_rejection_before_the_notice_has_run_its_days(build, team):
    app = services.application_call_hearing(
        application=build.proposed(build.investigated(build.accepted())), by=team["reviewer"])
    app = services.application_record_hearing(application=app, by=team["reviewer"], data={
        "held_on": TODAY(), "participants": "7人", "opinions": "同意", "votes_for": 6,
        "votes_against": 1, "votes_abstain": 0, "minutes": "……", "outcome": Hearing.Outcome.APPROVE})
    with pytest.raises(ServiceError, match="公示期未满"):
        services.application_reject(application=app, by=team["approver"], reasons="x")


def test_an_unhandled_objection_also_blocks_the_decision(build, team):
    app = build.approving()
    # Objections can still come in while the notice stays open until the decision.
    services.application_record_objection(application=app, by=team["acceptor"],
                                          channel="in_person", content="反映有车辆")
    for decide in (lambda: services.application_approve(application=app,
                                                        by=team["approver"]),
                   lambda: services.application_reject(application=app,
                                                       by=team["approver"],
                                                       reasons="有车辆")):
        with pytest.raises(ServiceError, match="尚未核查处理"):
            decide()


def test_the_approver_sends_a_case_back_with_a_reason(build, team):
    app = build.approving()
    with pytest.raises(ServiceError, match="退回重新审核的理由"):
        services.application_send_back(application=app, by=team["approver"], reason="")
    app = services.application_send_back(application=app, by=team["approver"],
                                         reason="金额计算有误")
    assert app.state == State.REVIEWING


# --- the amount --------------------------------------------------------------------------

@pytest.mark.parametrize("amount, message", [
    ("0", "应大于0"), ("-10", "应大于0"), ("abc", "正确的金额"), ("250000", "过大")])
def test_the_monthly_amount_is_validated(build, team, amount, message):
    app = build.investigated(build.accepted())
    with pytest.raises(ServiceError, match=message):
        services.application_propose(application=app, by=team["reviewer"],
                                     approve=True, amount=amount)


def test_changing_the_proposed_amount_needs_a_reason(build, team):
    app = build.approving()
    with pytest.raises(ServiceError, match="调整理由"):
        services.application_approve(application=app, by=team["approver"], amount="800")
    app = services.application_approve(application=app, by=team["approver"],
                                       amount="800", reasons="扣除赡养费后重新计算")
    assert app.monthly_amount == Decimal("800.00")


# --- withdrawal --------------------------------------------------------------------------

def test_withdrawal_before_the_decision_only(build, team):
    app = build.proposed(build.investigated(build.accepted()))
    app = services.application_withdraw(application=app, by=team["acceptor"],
                                        reason="申请人2026年11月书面申请撤回")
    assert app.state == State.WITHDRAWN
    assert Notice.objects.get(application=app).status == Notice.Status.WITHDRAWN
    confirmed = build.confirmed()
    with pytest.raises(ServiceError, match="不能撤回"):
        services.application_withdraw(application=confirmed, by=team["acceptor"],
                                      reason="x")
