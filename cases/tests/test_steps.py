"""Each step is declared once, on its transition; the page, the service, the timeline and
the workbench read it from there."""

import re
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_fsm import FSMField, has_transition_perm

from accounts.roles import Role
from cases import services, steps
from cases.models import Application, CaseEvent, State
from cases.offers import ACTIONS, BY_KEY
from cases.tests.builders import photo
from core.errors import ServiceError


def all_transitions():
    field = next(f for f in Application._meta.fields if isinstance(f, FSMField))
    return list(field.get_all_transitions(Application))


def test_every_transition_of_the_case_carries_its_facts():
    transitions = all_transitions()
    assert len({t.name for t in transitions}) >= 25
    for transition in transitions:
        facts = transition.custom.get("step")
        assert isinstance(facts, steps.StepInfo), transition.name
        assert facts.name == transition.name
        assert facts.label and facts.event and facts.perm, transition.name
        assert re.search(r"[\u4e00-\u9fff]", facts.label + facts.event), transition.name
        # the role is the transition's own permission, not a second table
        assert transition.permission.perm == facts.perm
        if facts.offer is not None:
            assert facts.offer in BY_KEY, f"{transition.name} is offered but has no form"


def test_every_offer_and_every_audit_row_name_comes_from_a_transition():
    names = {t.name for t in all_transitions()}
    for action in ACTIONS:
        assert set(action.steps) <= names
    assert steps.by_action(Application, "mandatory_review") == "review_visit"
    assert steps.by_action(Application, "no_such_step") is None


def offered_on_page(client, app) -> tuple[set, set]:
    html = client.get(reverse("cases:detail", args=[app.pk])).content.decode()
    ready = set(re.findall(r'id="action-([a-z_]+)"', html))
    labels = {action.label: action.key for action in ACTIONS}
    blocked = {labels[m] for m in re.findall(r"<strong>([^<]+)</strong>：暂不能办理", html)}
    return ready, blocked


def expected_offers(app, user) -> set:
    """What the user may take now, worked out from the transitions alone: a step from
    this state whose permission the user holds and whose quiet guards hold."""
    app = Application.objects.get(pk=app.pk)
    keys = set()
    for transition in all_transitions():
        facts = transition.custom["step"]
        if facts.offer is None or transition.source != app.state:
            continue
        if not transition.has_perm(app, user):
            continue
        if any(getattr(c, "quiet", False) and not c(app) for c in transition.conditions):
            continue
        keys.add(facts.offer)
    return keys


def test_the_case_page_offers_exactly_the_steps_each_user_may_take(client, build, team,
                                                                  staff):
    people = [team["acceptor"], team["reviewer"], team["approver"], team["assistant"],
              team["district"]]
    accepted = build.accepted()
    investigated = build.investigated(build.accepted())
    publicized = build.proposed(build.investigated(build.accepted()))
    approving = build.approving()
    confirmed = build.confirmed()
    seen = set()
    for app in (accepted, investigated, publicized, approving, confirmed):
        for user in people:
            client.force_login(user)
            ready, blocked = offered_on_page(client, app)
            assert ready.isdisjoint(blocked)
            assert ready | blocked == expected_offers(app, user), (app.state, user.username)
            seen |= ready | blocked
    assert {"attach", "home_investigation", "finish_investigation", "propose", "approve",
            "reject", "send_back", "withdraw"} <= seen


def test_the_timeline_shows_each_steps_declared_entry(build, team):
    app = build.confirmed()
    labels = [event.label for event in CaseEvent.objects.filter(application=app)]
    assert "审核：拟同意" in labels and "审批确认" in labels
    for event in CaseEvent.objects.filter(application=app):
        name = steps.by_action(Application, event.action)
        assert name is not None, event.action
        assert event.label == steps.info(getattr(Application, name)).event


def test_a_step_that_records_without_moving_the_case_is_refused_outside_its_states(
        build, team):
    app = build.confirmed()
    before = CaseEvent.objects.filter(application=app).count()
    with pytest.raises(ServiceError, match="只有在调查核实阶段才能录入入户调查"):
        services.application_record_home_investigation(
            application=app, by=team["acceptor"],
            data={"visited_on": app.accepted_on, "investigators": "王强、李娜", "findings": "x",
                  "signed_form": photo()})
    assert CaseEvent.objects.filter(application=app).count() == before


def test_the_workbench_tiles_of_the_states_come_from_the_steps(client, build, team):
    app = build.approving()
    client.force_login(team["approver"])
    html = client.get(reverse("home")).content.decode()
    assert "待审批" in html and f"?state={State.APPROVING}" in html
    assert ("approve_cases", "待审批", State.APPROVING) in steps.tiles(Application)
    assert app.state == State.APPROVING


@pytest.mark.django_db(transaction=True)
def test_the_loser_of_two_simultaneous_decisions_is_told_someone_else_was_quicker(
        build, team, make_user, regions):
    """Two approvers open the same case and press 审批确认 in the same instant. The one
    whose request reaches the locked row second must see why nothing happened, even
    though the form they filled in is no longer offered in the new state."""
    second = make_user(Role.TOWNSHIP_APPROVER, regions["a"], "approver_a2")
    app = build.approving()
    holding, done = threading.Event(), threading.Event()

    def winner():  # its own real connection: holds the case row, then decides
        try:
            with transaction.atomic():
                services._locked(app.pk)
                holding.set()
                time.sleep(1.5)  # the loser's request is now waiting for the row
                services.application_approve(application=app, by=team["approver"])
        finally:
            done.set()
            connection.close()

    thread = threading.Thread(target=winner)
    thread.start()
    assert holding.wait(10)
    loser = Client()
    loser.force_login(second)
    response = loser.post(reverse("cases:act", args=[app.pk, "approve"]),
                          {"approve-expected_state": State.APPROVING, "approve-amount": "1200.00",
                           "approve-reasons": "同意"})
    thread.join(30)
    assert done.is_set()
    html = response.content.decode()
    assert response.status_code == 400
    assert "该申请刚刚已被他人处理，现为「已确认」" in html
    assert Application.objects.get(pk=app.pk).decided_by == team["approver"]
    assert CaseEvent.objects.filter(application=app, action="approve").count() == 1


# --- who may act, and when (cases.services.machinery) -------------------------------------


def test_a_caseworker_of_another_street_cannot_act(build, staff):
    with pytest.raises(PermissionDenied):
        services.application_finish_investigation(application=build.accepted(),
                                                  by=staff["caseworker_b"])


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
