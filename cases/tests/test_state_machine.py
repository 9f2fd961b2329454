"""Every branch of the procedure (DESIGN §4) and every guard refusing once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_fsm import has_transition_perm

from accounts.models import Rule
from accounts.roles import Role
from accounts.services import grant_role
from accounts.workdays import add_working_days
from cases import services
from cases.models import Application, CaseDocument, CaseEvent, Material, State
from cases.tests.builders import CaseBuilder, events, photo
from core.errors import ServiceError
from households import services as household_services
from households.models import Member
from publicity.models import Hearing, LongTermEntry, Notice
from verification.models import VerificationRequest

TODAY = timezone.localdate


# --- the main path ------------------------------------------------------------------------

def test_a_dibao_case_goes_from_acceptance_to_filing(build, team):
    app = build.accepted()
    assert app.state == State.INVESTIGATING
    assert app.number.startswith(f"110115001-{TODAY().year}-")
    assert app.decision_due == add_working_days(TODAY(), 20).date
    assert app.investigation_due == add_working_days(TODAY(), 3).date
    assert VerificationRequest.objects.filter(application=app).count() == 1

    app = build.proposed(build.investigated(app))
    assert app.state == State.PUBLICIZING
    notice = Notice.objects.get(application=app)
    assert (notice.name, notice.household_size, notice.min_days) == ("赵建国", 1, 7)
    assert notice.proposed_outcome == "最低生活保障：拟同意，每月1200.00元"

    build.publicity_elapsed(app)
    app = services.application_close_publicity(application=app, by=team["reviewer"],
                                               skip_reason="无异议、无预警")
    app = services.application_approve(application=app, by=team["approver"])
    assert app.state == State.CONFIRMED
    assert app.monthly_amount == Decimal("1200.00")
    assert app.start_month == (TODAY().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    assert Notice.objects.get(application=app).status == Notice.Status.CLOSED
    entry = LongTermEntry.objects.get(application=app)
    assert (entry.name, entry.household_size, entry.monthly_amount) == ("赵建国", 1, Decimal("1200.00"))

    batch = services.applications_file(applications=[app], by=team["acceptor"])
    app = Application.objects.get(pk=app.pk)
    assert app.state == State.FILED and app.filing_batch == batch
    assert batch.approvers == [{"name": "approver_a", "username": "approver_a"}]
    assert [e[0] for e in events(app) if e[1] != e[2]] == [
        "accept", "finish_investigation", "propose_approval", "close_publicity", "approve", "file"]


def test_a_referral_is_returned_with_everything_missing_then_accepted(build, team, household):
    app = services.application_refer(household=household, assistance_type="dibao",
                                     reason="下岗失业，子女上学", by=team["assistant"])
    assert app.state == State.REFERRED
    missing = list(Material.objects.filter(assistance_type="dibao")[:2])
    app = services.application_return(application=app, by=team["acceptor"],
                                      missing=missing, note="请补齐后重新提交")
    assert app.state == State.RETURNED
    returned = CaseEvent.objects.get(application=app, action="return_for_materials")
    assert returned.data["missing"] == [m.name for m in missing]

    app = services.application_resubmit(application=app, by=team["assistant"],
                                        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    app = services.application_accept(application=app, by=team["acceptor"])
    assert app.state == State.INVESTIGATING
    assert app.accepted_by == team["acceptor"]


def test_a_return_must_list_what_is_missing(team, household):
    app = services.application_refer(household=household, assistance_type="dibao",
                                     reason="失业", by=team["assistant"])
    with pytest.raises(ServiceError, match="一次性告知"):
        services.application_return(application=app, by=team["acceptor"], missing=[])


def test_a_referral_needs_a_reason_for_hardship(team, household):
    with pytest.raises(ServiceError, match="请填写致困原因"):
        services.application_refer(household=household, assistance_type="dibao", reason=" ",
                                   by=team["assistant"])
    assert not Application.objects.exists()


# --- rule 1: acceptance ------------------------------------------------------------------

def test_acceptance_needs_the_signed_authorization_and_saves_nothing_without_it(team, household):
    with pytest.raises(ServiceError, match="社会救助申请及核对授权书"):
        services.application_accept_new(household=household, assistance_type="dibao",
                                        reason="因病致贫", by=team["acceptor"])
    assert not Application.objects.exists()
    assert not VerificationRequest.objects.exists()


def test_a_deadline_reaching_an_uncovered_year_is_provisional(build, regions):
    Rule.objects.create(key="procedure_days", region=regions["a"], value=200,
                        valid_from=datetime.date(2020, 1, 1))
    app = build.accepted()
    assert app.decision_due.year > 2026 and app.due_provisional


def test_cadre_households_are_flagged_for_mandatory_review_at_acceptance(build, household, team):
    household_services.member_add(household=household, by=team["acceptor"], data={
        "name": "赵村干", "id_number": "11010519491231002X", "relation": "sibling",
        "public_role": Member.PublicRole.VILLAGE_CADRE})
    assert build.accepted().mandatory_review


# --- rule 3: investigation ---------------------------------------------------------------

def test_investigation_needs_a_home_visit(build, team):
    app = build.accepted()
    with pytest.raises(ServiceError, match="尚无入户调查记录"):
        services.application_finish_investigation(application=app, by=team["acceptor"])


def test_investigation_needs_the_verification_report(build, team):
    app = build.accepted()
    services.application_record_home_investigation(
        application=app, by=team["acceptor"],
        data={"visited_on": TODAY(), "investigators": "王强、李娜", "findings": "属实",
              "signed_form": photo()})
    with pytest.raises(ServiceError, match="核对报告尚未出具"):
        services.application_finish_investigation(application=app, by=team["acceptor"])


def test_a_home_visit_needs_two_investigators(build, team):
    with pytest.raises(ServiceError, match="至少有2名"):
        services.application_record_home_investigation(
            application=build.accepted(), by=team["acceptor"],
            data={"visited_on": TODAY(), "investigators": "王强", "findings": "x",
                  "signed_form": photo()})


def test_only_the_district_enters_a_verification_result(build, team):
    with pytest.raises(PermissionDenied):
        services.application_record_verification(application=build.accepted(),
                                                 by=team["acceptor"], summary="x",
                                                 has_warning=False)


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


# --- publicity, objections, hearing ------------------------------------------------------

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


def test_skipping_the_hearing_needs_a_reason(build, team):
    app = build.proposed(build.investigated(build.accepted()))
    build.publicity_elapsed(app)
    with pytest.raises(ServiceError, match="不组织民主评议的理由"):
        services.application_close_publicity(application=app, by=team["reviewer"],
                                             skip_reason="")


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


# --- decision ------------------------------------------------------------------------------

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


def test_the_approver_sends_a_case_back_with_a_reason(build, team):
    app = build.approving()
    with pytest.raises(ServiceError, match="退回重新审核的理由"):
        services.application_send_back(application=app, by=team["approver"], reason="")
    app = services.application_send_back(application=app, by=team["approver"],
                                         reason="金额计算有误")
    assert app.state == State.REVIEWING


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


# --- filing and rectification -------------------------------------------------------------

def test_only_confirmed_cases_of_one_township_are_filed(build, team, regions, make_household,
                                                        staff, make_user):
    confirmed = build.confirmed()
    pending = build.accepted()
    with pytest.raises(ServiceError, match=f"只有已确认的申请可以备案：{pending.number}（调查核实）"):
        services.applications_file(applications=[confirmed, pending], by=team["acceptor"])
    assert Application.objects.get(pk=confirmed.pk).state == State.CONFIRMED  # all or nothing
    team_b = {"acceptor": staff["caseworker_b"], "district": staff["reviewer"],
              "reviewer": make_user(Role.TOWNSHIP_CASEWORKER, regions["b"]),
              "approver": make_user(Role.TOWNSHIP_APPROVER, regions["b"])}
    confirmed_b = CaseBuilder(team_b, make_household(regions["b1"])).confirmed()
    with pytest.raises(ServiceError, match="同一镇"):
        services.applications_file(applications=[confirmed, confirmed_b],
                                   by=team["acceptor"])


def test_rectification_goes_round_and_closes(build, team):
    app = build.confirmed()
    services.applications_file(applications=[app], by=team["acceptor"])
    item = services.application_open_rectification(application=app, by=team["district"],
                                                   finding="入户调查表缺少家庭成员签字", days=10)
    app = Application.objects.get(pk=app.pk)
    assert app.state == State.RECTIFYING and item.round == 1
    with pytest.raises(ServiceError, match="尚未答复"):
        services.application_close_rectification(application=app, by=team["district"])
    with pytest.raises(PermissionDenied):
        services.application_open_rectification(application=app, by=team["acceptor"],
                                                finding="x", days=5)
    services.application_answer_rectification(application=app, by=team["acceptor"],
                                              answer="已补签并重新上传")
    app = services.application_close_rectification(application=app, by=team["district"])
    assert app.state == State.FILED


# --- who may act, and when ----------------------------------------------------------------

def test_a_caseworker_of_another_street_cannot_act(build, staff):
    with pytest.raises(PermissionDenied):
        services.application_finish_investigation(application=build.accepted(),
                                                  by=staff["caseworker_b"])


def test_an_assistant_cannot_accept(team, household):
    app = services.application_refer(household=household, assistance_type="tekun",
                                     reason="无劳动能力", by=team["assistant"])
    with pytest.raises(PermissionDenied):
        services.application_accept(application=app, by=team["assistant"])


def test_a_step_on_a_case_someone_just_moved_says_so(build, team):
    app = build.accepted()
    with pytest.raises(ServiceError, match="刚刚已被他人处理"):
        services.application_finish_investigation(application=app, by=team["acceptor"],
                                                  expected_state=State.REVIEWING)


def test_the_transitions_declare_the_roles_that_may_take_them(build, team):
    app = build.approving()
    assert has_transition_perm(app.approve, team["approver"])
    assert not has_transition_perm(app.approve, team["reviewer"])
    assert {t.name for t in app.get_available_user_state_transitions(team["approver"])} == {
        "approve", "reject", "send_back"}


def test_a_hearing_outcome_must_follow_its_votes(build, team):
    app = services.application_call_hearing(
        application=build.proposed(build.investigated(build.accepted())), by=team["reviewer"])
    with pytest.raises(ServiceError, match="同意票未过半数"):
        services.application_record_hearing(application=app, by=team["reviewer"], data={
            "held_on": TODAY(), "participants": "7人", "opinions": "多数反对", "votes_for": 1,
            "votes_against": 5, "votes_abstain": 1, "minutes": "……",
            "outcome": Hearing.Outcome.APPROVE})


def test_dates_of_visits_and_hearings_cannot_be_in_the_future(build, team):
    app = build.accepted()
    with pytest.raises(ServiceError, match="入户日期不能晚于今天"):
        services.application_record_home_investigation(
            application=app, by=team["acceptor"],
            data={"visited_on": TODAY() + datetime.timedelta(days=3), "investigators": "王强、李娜",
                  "findings": "x", "signed_form": photo()})
    with pytest.raises(ServiceError, match="不能早于受理日期"):
        services.application_record_home_investigation(
            application=app, by=team["acceptor"],
            data={"visited_on": TODAY() - datetime.timedelta(days=30), "investigators": "王强、李娜",
                  "findings": "x", "signed_form": photo()})


def test_the_same_investigator_twice_is_one_investigator(build, team):
    with pytest.raises(ServiceError, match="至少有2名不同的工作人员"):
        services.application_record_home_investigation(
            application=build.accepted(), by=team["acceptor"],
            data={"visited_on": TODAY(), "investigators": "王明、王明", "findings": "x",
                  "signed_form": photo()})


def test_reinvestigation_needs_a_new_home_visit(build, team):
    app = services.application_call_hearing(
        application=build.proposed(build.investigated(build.accepted())), by=team["reviewer"])
    app = services.application_record_hearing(application=app, by=team["reviewer"], data={
        "held_on": TODAY(), "participants": "7人", "opinions": "收入存疑", "votes_for": 2,
        "votes_against": 5, "votes_abstain": 0, "minutes": "……",
        "outcome": Hearing.Outcome.REINVESTIGATE})
    with pytest.raises(ServiceError, match="请重新入户调查"):
        services.application_finish_investigation(application=app, by=team["acceptor"])
    services.application_record_home_investigation(
        application=app, by=team["acceptor"],
        data={"visited_on": TODAY(), "investigators": "赵六、钱七", "findings": "复查属实",
              "signed_form": photo()})
    app = services.application_finish_investigation(application=app, by=team["acceptor"])
    assert app.state == State.REVIEWING


def test_no_rejection_before_the_notice_has_run_its_days(build, team):
    app = services.application_call_hearing(
        application=build.proposed(build.investigated(build.accepted())), by=team["reviewer"])
    app = services.application_record_hearing(application=app, by=team["reviewer"], data={
        "held_on": TODAY(), "participants": "7人", "opinions": "同意", "votes_for": 6,
        "votes_against": 1, "votes_abstain": 0, "minutes": "……", "outcome": Hearing.Outcome.APPROVE})
    with pytest.raises(ServiceError, match="公示期未满"):
        services.application_reject(application=app, by=team["approver"], reasons="x")


def test_an_empty_resubmission_is_refused(team, household):
    app = services.application_refer(household=household, assistance_type="dibao",
                                     reason="失业", by=team["assistant"])
    app = services.application_return(application=app, by=team["acceptor"], missing=[],
                                      note="请补交授权书")
    with pytest.raises(ServiceError, match="请上传补正的材料"):
        services.application_resubmit(application=app, by=team["assistant"])


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


def test_no_documents_or_results_once_the_investigation_is_over(build, team):
    app = build.confirmed()
    with pytest.raises(ServiceError, match="不能再补充材料"):
        services.application_attach(application=app, by=team["assistant"],
                                    kind=CaseDocument.Kind.OTHER, upload=photo())
    with pytest.raises(ServiceError, match="只能在调查核实阶段录入"):
        services.application_record_verification(application=app, by=team["district"],
                                                 summary="x", has_warning=False)
