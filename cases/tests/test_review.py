"""Review (cases.services.review): the proposal and its publicity, objections, and the
hearing (民主评议) of a case."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Rule
from accounts.workdays import add_working_days
from cases import services
from cases.models import CaseDocument, State
from cases.tests.builders import CaseBuilder, photo
from core.errors import ServiceError
from publicity.models import Hearing, Notice

TODAY = timezone.localdate


# --- the proposal and its publicity ----------------------------------------------------

def test_approval_waits_for_the_minimum_publicity(build, team):
    app = build.proposed(build.investigated(build.accepted()))
    with pytest.raises(ServiceError, match="公示期未满"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="无异议")


def test_publicity_in_working_days_when_the_region_says_so(build, regions):
    Rule.objects.create(key="publicity_day_kind", region=regions["district"], value="working",
                        valid_from=datetime.date(2020, 1, 1))
    app = build.proposed(build.investigated(build.accepted()))
    notice = Notice.objects.get(application=app)
    assert notice.earliest_close == add_working_days(TODAY(), 7).date


def test_publicity_opens_at_acceptance_where_the_region_says_so(build, team, regions):
    Rule.objects.create(key="publicity_opens_at", region=regions["a"], value="acceptance",
                        valid_from=datetime.date(2020, 1, 1))
    app = build.accepted()
    assert Notice.objects.get(application=app).proposed_outcome.endswith("已受理，正在调查核实")
    build.proposed(build.investigated(app))
    current = Notice.objects.get(application=app, status=Notice.Status.OPEN)
    # The new opinion is published; the period still runs from acceptance.
    assert current.proposed_outcome.endswith("拟同意，每月1200.00元")
    assert current.opened_on == app.accepted_on


def test_the_notice_publishes_the_hardship_category_not_the_free_text(team, household):
    app = services.application_accept_new(
        household=household, assistance_type="dibao", hardship="illness",
        reason="尿毒症透析，电话13800138000", by=team["acceptor"],
        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])

    builder = CaseBuilder(team, household)
    builder.proposed(builder.investigated(app))
    notice = Notice.objects.get(application=app)
    assert notice.reason == "因病"
    published = " ".join([notice.name, notice.reason, notice.proposed_outcome])
    assert "尿毒症" not in published and "13800138000" not in published


def test_a_new_proposal_after_send_back_is_publicised_again_in_full(build, team):
    app = build.approving()
    app = services.application_send_back(application=app, by=team["approver"],
                                         reason="金额有误")
    app = services.application_propose(application=app, by=team["reviewer"],
                                       approve=True, amount="900.00")
    notices = Notice.objects.filter(application=app).order_by("id")
    assert [n.status for n in notices] == [Notice.Status.WITHDRAWN, Notice.Status.OPEN]
    assert notices.last().proposed_outcome.endswith("每月900.00元")
    with pytest.raises(ServiceError, match="公示期未满"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="x")


# --- objections ------------------------------------------------------------------------

def test_an_objection_blocks_closing_until_handled_and_makes_the_hearing_mandatory(build, team):
    app = build.proposed(build.investigated(build.accepted()))
    objection = services.application_record_objection(
        application=app, by=team["acceptor"], channel="phone",
        content="邻居反映其子女有稳定工作")
    build.publicity_elapsed(app)
    with pytest.raises(ServiceError, match="1 条异议"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="x")
    services.application_handle_objection(application=app, objection=objection,
                                          by=team["reviewer"],
                                          finding="经核实子女为灵活就业，收入已申报")
    with pytest.raises(ServiceError, match="须组织民主评议：公示期间有人提出异议"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="x")
    app = services.application_call_hearing(application=app, by=team["reviewer"])
    app = services.application_record_hearing(application=app, by=team["reviewer"], data={
        "held_on": TODAY(), "participants": "街道干部2人、社区干部2人、群众代表3人",
        "opinions": "同意", "votes_for": 6, "votes_against": 1, "votes_abstain": 0,
        "minutes": "评议记录……", "outcome": Hearing.Outcome.APPROVE})
    assert app.state == State.APPROVING
    app = services.application_approve(application=app, by=team["approver"])
    assert app.state == State.CONFIRMED


def test_an_objection_while_awaiting_approval_calls_for_a_hearing_first(build, team):
    app = build.approving()
    objection = services.application_record_objection(
        application=app, by=team["acceptor"], channel="phone", content="反映有经营收入")
    services.application_handle_objection(application=app, objection=objection,
                                          by=team["reviewer"], finding="经核实无经营")
    with pytest.raises(ServiceError, match="须由经办人组织民主评议"):
        services.application_approve(application=app, by=team["approver"])
    app = services.application_call_hearing(application=app, by=team["reviewer"])
    app = services.application_record_hearing(application=app, by=team["reviewer"], data={
        "held_on": TODAY(), "participants": "7人", "opinions": "同意", "votes_for": 6,
        "votes_against": 1, "votes_abstain": 0, "minutes": "……", "outcome": Hearing.Outcome.APPROVE})
    app = services.application_approve(application=app, by=team["approver"])
    assert app.state == State.CONFIRMED


# --- the hearing of a case --------------------------------------------------------------

def test_a_verification_warning_makes_the_hearing_mandatory(build, team):
    app = build.proposed(build.investigated(build.accepted(), warning=True))
    build.publicity_elapsed(app)
    with pytest.raises(ServiceError, match="核对报告有预警"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="x")


def test_a_campaign_makes_the_hearing_mandatory(build, team, regions):
    Rule.objects.create(key="campaign", region=regions["district"], value="2026年低保专项治理",
                        valid_from=TODAY() - datetime.timedelta(days=30),
                        valid_to=TODAY() + datetime.timedelta(days=30))
    app = build.proposed(build.investigated(build.accepted()))
    build.publicity_elapsed(app)
    with pytest.raises(ServiceError, match="2026年低保专项治理"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="x")


def test_skipping_the_hearing_needs_a_reason(build, team):
    app = build.proposed(build.investigated(build.accepted()))
    build.publicity_elapsed(app)
    with pytest.raises(ServiceError, match="不组织民主评议的理由"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="")


def test_a_hearing_can_send_the_case_back_to_investigation(build, team):
    app = build.proposed(build.investigated(build.accepted()))
    app = services.application_call_hearing(application=app, by=team["reviewer"],
                                            reason="情况复杂，提请评议")
    app = services.application_record_hearing(application=app, by=team["reviewer"], data={
        "held_on": TODAY(), "participants": "评议小组7人", "opinions": "收入情况存疑",
        "votes_for": 2, "votes_against": 5, "votes_abstain": 0, "minutes": "……",
        "outcome": Hearing.Outcome.REINVESTIGATE})
    assert app.state == State.INVESTIGATING
    assert Notice.objects.get(application=app).status == Notice.Status.WITHDRAWN
    services.application_record_home_investigation(
        application=app, by=team["acceptor"],
        data={"visited_on": TODAY(), "investigators": "赵六、钱七", "findings": "复查",
              "signed_form": photo()})
    app = build.proposed(services.application_finish_investigation(
        application=app, by=team["acceptor"]))
    assert Notice.objects.filter(application=app, status=Notice.Status.OPEN).count() == 1


def test_a_hearing_outcome_must_follow_its_votes(build, team):
    app = services.application_call_hearing(
        application=build.proposed(build.investigated(build.accepted())), by=team["reviewer"])
    with pytest.raises(ServiceError, match="同意票未过半数"):
        services.application_record_hearing(application=app, by=team["reviewer"], data={
            "held_on": TODAY(), "participants": "7人", "opinions": "多数反对", "votes_for": 1,
            "votes_against": 5, "votes_abstain": 1, "minutes": "……",
            "outcome": Hearing.Outcome.APPROVE})
