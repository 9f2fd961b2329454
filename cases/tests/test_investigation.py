"""Investigation (cases.services.investigation), DESIGN rule 3: the home visit, the
district's verification result, the end of the investigation, and investigating again
after a hearing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import services
from cases.models import CaseDocument, State
from cases.tests.builders import photo
from core.errors import ServiceError
from publicity.models import Hearing

TODAY = timezone.localdate


# --- the home visit -------------------------------------------------------------------

def test_a_home_visit_needs_two_investigators(build, team):
    with pytest.raises(ServiceError, match="至少有2名"):
        services.application_record_home_investigation(
            application=build.accepted(), by=team["acceptor"],
            data={"visited_on": TODAY(), "investigators": "王强", "findings": "x",
                  "signed_form": photo()})


def test_the_same_investigator_twice_is_one_investigator(build, team):
    with pytest.raises(ServiceError, match="至少有2名不同的工作人员"):
        services.application_record_home_investigation(
            application=build.accepted(), by=team["acceptor"],
            data={"visited_on": TODAY(), "investigators": "王明、王明", "findings": "x",
                  "signed_form": photo()})


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


# --- the verification result and the end of the investigation ------------------------

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


def test_only_the_district_enters_a_verification_result(build, team):
    with pytest.raises(PermissionDenied):
        services.application_record_verification(application=build.accepted(),
                                                 by=team["acceptor"], summary="x",
                                                 has_warning=False)


def test_no_documents_or_results_once_the_investigation_is_over(build, team):
    app = build.confirmed()
    with pytest.raises(ServiceError, match="不能再补充材料"):
        services.application_attach(application=app, by=team["assistant"],
                                    kind=CaseDocument.Kind.OTHER, upload=photo())
    with pytest.raises(ServiceError, match="只能在调查核实阶段录入"):
        services.application_record_verification(application=app, by=team["district"],
                                                 summary="x", has_warning=False)


# --- re-investigation ------------------------------------------------------------------

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
