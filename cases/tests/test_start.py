"""The start of a case (cases.services.start): a referral, its return with the one-time
notice of everything missing, the resubmission, and acceptance with the signed
authorization, its deadlines and the cadre flag."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Rule
from cases import services
from cases.models import Application, CaseDocument, CaseEvent, Material, State
from cases.tests.builders import photo
from core.errors import ServiceError
from households import services as household_services
from households.models import Member
from verification.models import VerificationRequest

# --- referral, return, resubmission --------------------------------------------------

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


def test_an_empty_resubmission_is_refused(team, household):
    app = services.application_refer(household=household, assistance_type="dibao",
                                     reason="失业", by=team["assistant"])
    app = services.application_return(application=app, by=team["acceptor"], missing=[],
                                      note="请补交授权书")
    with pytest.raises(ServiceError, match="请上传补正的材料"):
        services.application_resubmit(application=app, by=team["assistant"])


def test_an_assistant_cannot_accept(team, household):
    app = services.application_refer(household=household, assistance_type="tekun",
                                     reason="无劳动能力", by=team["assistant"])
    with pytest.raises(PermissionDenied):
        services.application_accept(application=app, by=team["assistant"])


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
