"""Filing (cases.services.filing): filing batches and rectification rounds."""


import pytest
from django.core.exceptions import PermissionDenied

from accounts.roles import Role
from cases import services
from cases.models import Application, State
from cases.tests.builders import CaseBuilder
from core.errors import ServiceError


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
