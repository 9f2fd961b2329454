"""One 低保 case through every stage, from acceptance to filing (DESIGN §4). The branches
and guards of each stage are in test_start, test_investigation, test_review,
test_decision and test_filing; who may act at all and when, in test_steps."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.workdays import add_working_days
from cases import services
from cases.models import Application, State
from cases.tests.builders import events
from publicity.models import LongTermEntry, Notice
from verification.models import VerificationRequest

TODAY = timezone.localdate


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
