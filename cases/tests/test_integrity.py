"""What must hold even under pressure: the audit cannot be edited, two users at once
give one result, and queued work reaches a real worker through a real Redis."""

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import DatabaseError, connection, transaction

from accounts.roles import Role
from cases import services
from cases.models import Application, CaseDocument, CaseEvent, State
from cases.tests.builders import photo
from config import celery_app
from core.errors import ServiceError
from verification.models import VerificationRequest


def test_audit_rows_refuse_update_and_delete_in_postgresql(build):
    app = build.accepted()
    event = CaseEvent.objects.filter(application=app).first()
    for attempt in (lambda: CaseEvent.objects.filter(pk=event.pk).update(reason="改写"),
                    lambda: CaseEvent.objects.filter(pk=event.pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:  # below the ORM too
            cursor.execute("UPDATE cases_caseevent SET actor_id = actor_id")
    assert CaseEvent.objects.get(pk=event.pk).reason == event.reason


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_accepting_at_once_one_succeeds(team, household, make_user, regions):
    second = make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "second_window")
    referral = services.application_refer(household=household, assistance_type="dibao",
                                          reason="失业", by=team["assistant"])

    services.application_attach(application=referral, by=team["assistant"],
                                kind=CaseDocument.Kind.AUTHORIZATION, upload=photo())
    barrier = threading.Barrier(2)
    outcomes = {}

    def accept(user):
        try:
            barrier.wait(timeout=10)
            services.application_accept(application=Application.objects.get(pk=referral.pk),
                                        by=user, expected_state=State.REFERRED)
            outcomes[user.username] = "ok"
        except ServiceError as error:
            outcomes[user.username] = error.message
        finally:
            connection.close()  # each thread had its own real connection

    threads = [threading.Thread(target=accept, args=(u,)) for u in (team["acceptor"], second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values(), key=len)[0] == "ok"
    assert list(outcomes.values()).count("ok") == 1
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "刚刚已被他人处理" in loser and "调查核实" in loser
    assert CaseEvent.objects.filter(application=referral, action="accept").count() == 1
    assert VerificationRequest.objects.filter(application=referral).count() == 1


@pytest.mark.django_db(transaction=True)
def test_acceptance_queues_verification_for_a_real_worker(build):

    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                      shutdown_timeout=10):
        app = build.accepted()  # commits: the request is queued after the commit
        request = VerificationRequest.objects.get(application=app)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            request = VerificationRequest.objects.get(pk=request.pk)
            if request.status != VerificationRequest.Status.REQUESTED:
                break
            time.sleep(0.2)
    assert request.status == VerificationRequest.Status.IN_PROGRESS
    assert request.picked_up_at is not None
