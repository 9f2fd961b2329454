"""Review (cases.services.review): the proposal and its publicity, objections, the
hearing (民主评议) of a case, and hearing meetings that hear several cases at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Rule
from accounts.roles import Role
from accounts.workdays import add_working_days
from cases import guards, services
from cases.models import Application, CaseDocument, State
from cases.tests.builders import CaseBuilder, photo
from core.errors import ServiceError
from publicity.models import Hearing, HearingSession, Notice, Objection

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


def test_the_same_objection_twice_is_a_warning_until_confirmed(build, team, client):
    app = build.proposed(build.investigated(build.accepted()))
    services.application_record_objection(application=app, by=team["acceptor"], channel="phone",
                                          content="邻居反映其子女有稳定工作")
    with pytest.raises(ServiceError, match="已登记过内容相同的异议"):
        services.application_record_objection(application=app, by=team["acceptor"],
                                              channel="phone", content="邻居反映其子女有稳定工作。")
    assert Objection.objects.count() == 1
    services.application_record_objection(application=app, by=team["acceptor"], channel="visit",
                                          content="邻居反映其子女有稳定工作", repeat=True)
    assert Objection.objects.count() == 2
    # On the case page the warning sits next to the form, which keeps what was typed.
    client.force_login(team["acceptor"])
    response = client.post(reverse("cases:act", args=[app.pk, "objection"]), {
        "objection-channel": "phone", "objection-content": "邻居反映其子女有稳定工作",
        "objection-expected_state": "publicizing"})
    page = response.content.decode()
    assert response.status_code == 400 and "确认另行登记" in page and "已登记过内容相同的异议" in page
    assert Objection.objects.count() == 2


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


def test_a_hearing_cannot_be_dated_before_the_case_entered_it(build, team):
    app = services.application_call_hearing(
        application=build.proposed(build.investigated(build.accepted())), by=team["reviewer"])
    day_before = TODAY() - datetime.timedelta(days=1)
    with pytest.raises(ServiceError, match=f"不能早于该申请进入民主评议的日期（{TODAY():%Y-%m-%d}）"):
        services.application_record_hearing(application=app, by=team["reviewer"], data={
            "held_on": day_before, "participants": "7人", "opinions": "同意", "votes_for": 6,
            "votes_against": 1, "votes_abstain": 0, "minutes": "……",
            "outcome": Hearing.Outcome.APPROVE})
    assert Application.objects.get(pk=app.pk).state == State.HEARING


# --- hearing meetings: several cases heard at once ------------------------------------------


def test_a_meeting_hears_several_cases_and_each_gets_its_outcome(team, regions, make_household,
                                                                household):
    first = CaseBuilder(team, household)
    second = CaseBuilder(team, make_household(regions["a2"], head_name="孙秀英"))
    in_publicity = first.proposed(first.investigated(first.accepted()))
    services.application_record_objection(application=in_publicity, by=team["acceptor"],
                                          channel="phone", content="有人反映其子女有稳定收入")
    awaiting = second.approving()
    today = timezone.localdate()
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=today, place="兴丰街道三楼会议室",
        participants="街道干部2人、社区干部2人、调查人员2人、居民代表5人",
        applications=[in_publicity, awaiting], by=team["reviewer"])
    for app in (in_publicity, awaiting):
        app.refresh_from_db()
        assert app.state == State.HEARING
    votes = {"votes_for": 8, "votes_against": 1, "votes_abstain": 2}
    services.hearing_session_record(session=session, application=awaiting,
                                    by=team["reviewer"],
                                    data={"opinions": "情况属实", "minutes": "一致认为符合条件",
                                          "outcome": Hearing.Outcome.APPROVE, **votes})
    awaiting.refresh_from_db()
    assert awaiting.state == State.APPROVING
    hearing = awaiting.hearings.get()
    assert hearing.session == session and hearing.held_on == today
    assert hearing.participants.startswith("街道干部2人")


def test_a_meeting_is_scheduled_for_all_its_cases_or_none(team, regions, household, make_household,
                                                         staff):
    first = CaseBuilder(team, household)
    in_publicity = first.proposed(first.investigated(first.accepted()))
    other_street = CaseBuilder({**team, "acceptor": staff["caseworker_b"]},
                               make_household(regions["b1"], head_name="周丽"))
    outsider = other_street.accepted()
    with pytest.raises(ServiceError, match="不属于兴丰街道"):
        services.hearing_session_schedule(
            township=regions["a"], held_on=timezone.localdate(), place="会议室",
            participants="干部", applications=[in_publicity, outsider],
            by=team["reviewer"])
    in_publicity.refresh_from_db()
    assert in_publicity.state == State.PUBLICIZING

    assert not HearingSession.objects.exists()


def test_the_meeting_pages(client, team, regions, household):
    build = CaseBuilder(team, household)
    app = build.proposed(build.investigated(build.accepted()))
    client.force_login(team["reviewer"])
    page = client.get(reverse("cases:hearings")).content.decode()
    assert app.number in page
    response = client.post(reverse("cases:hearings"), {
        "held_on": timezone.localdate().isoformat(), "place": "会议室", "participants": "干部5人",
        "applications": [str(app.pk)]})
    assert response.status_code == 302
    session_url = response["Location"]
    page = client.get(session_url).content.decode()
    assert "录入本件评议结果" in page
    prefix = f"c{app.pk}"
    response = client.post(reverse("cases:hearing_record", args=[int(session_url.split("/")[-2]),
                                                                   app.pk]),
                           {f"{prefix}-opinions": "同意", f"{prefix}-votes_for": 7,
                            f"{prefix}-votes_against": 0, f"{prefix}-votes_abstain": 0,
                            f"{prefix}-minutes": "无异议", f"{prefix}-outcome": "approve"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.APPROVING
    assert "同意审核意见，提交审批" in client.get(session_url).content.decode()


def test_an_objection_after_the_meeting_day_is_not_heard_by_it(team, regions, household):
    """The result is typed in after the meeting: an objection that came in after the
    meeting day still calls for a hearing."""
    build = CaseBuilder(team, household)
    app = build.approving()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=yesterday, place="会议室", participants="干部5人",
        applications=[app], by=team["reviewer"])
    services.application_record_objection(application=app, by=team["acceptor"],
                                          channel="phone", content="会后收到的举报")
    objection = Objection.objects.get()
    services.application_handle_objection(application=app, objection=objection,
                                          by=team["acceptor"], finding="已核查，情况不实")
    services.hearing_session_record(session=HearingSession.objects.get(pk=session.pk),
                                    application=app, by=team["reviewer"],
                                    data={"opinions": "同意", "minutes": "无", "outcome": "approve",
                                          "votes_for": 5, "votes_against": 0, "votes_abstain": 0})
    app.refresh_from_db()
    assert guards.unheard_objections(app).exists()
    with pytest.raises(ServiceError, match="须由经办人组织民主评议"):
        services.application_approve(application=app, by=team["approver"])


def test_a_meeting_records_only_its_own_cases_and_keeps_the_vote_rule(team, regions, household,
                                                                     make_household):
    first = CaseBuilder(team, household)
    second = CaseBuilder(team, make_household(regions["a2"], head_name="孙秀英"))
    on_agenda, other = first.approving(), second.approving()
    services.application_call_hearing(application=other, by=team["reviewer"])
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=timezone.localdate(), place="会议室", participants="干部",
        applications=[on_agenda], by=team["reviewer"])
    session = HearingSession.objects.get(pk=session.pk)
    data = {"opinions": "同意", "minutes": "无", "outcome": "approve", "votes_for": 2,
            "votes_against": 3, "votes_abstain": 0}
    with pytest.raises(ServiceError, match="不在本次评议会议中"):
        services.hearing_session_record(session=session, application=other,
                                        by=team["reviewer"], data=data)
    with pytest.raises(ServiceError, match="同意票未过半数"):
        services.hearing_session_record(session=session, application=on_agenda,
                                        by=team["reviewer"], data=data)


def test_a_meeting_page_of_another_street_is_not_found(client, team, regions, household, staff):
    build = CaseBuilder(team, household)
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=timezone.localdate(), place="会议室", participants="干部",
        applications=[build.approving()], by=team["reviewer"])
    client.force_login(staff["caseworker_b"])
    assert client.get(reverse("cases:hearing_session", args=[session.pk])).status_code == 404


def test_a_hearing_meeting_is_of_one_township_and_the_service_says_so(team, household,
                                                                       make_household, regions,
                                                                       make_user):
    """The rule lives in the service, not in the page: whoever calls it gets the refusal."""
    ours = CaseBuilder(team, household).approving()
    other_team = {**team,
                  "acceptor": make_user(Role.TOWNSHIP_CASEWORKER, regions["b"], "acceptor_b"),
                  "reviewer": make_user(Role.TOWNSHIP_CASEWORKER, regions["b"], "reviewer_b"),
                  "approver": make_user(Role.TOWNSHIP_APPROVER, regions["b"], "approver_b")}
    theirs = CaseBuilder(other_team, make_household(regions["b1"], head_name="周桂兰")).approving()
    district_caseworker = make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "both_a")
    with pytest.raises(ServiceError, match="只能安排同一个镇"):
        services.hearing_session_schedule(
            held_on=timezone.localdate(), place="会议室", participants="街道干部2人",
            applications=[ours, theirs], by=district_caseworker)
    for app in (ours, theirs):
        app.refresh_from_db()
        assert app.state == State.APPROVING
    session = services.hearing_session_schedule(
        held_on=timezone.localdate(), place="会议室", participants="街道干部2人",
        applications=[ours], by=team["reviewer"])
    assert session.township == regions["a"]
