"""Starting a case: a community's referral, acceptance at the window or of a referral,
the one-time notice of missing materials, resubmission and added documents."""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import rule_value
from accounts.workdays import add_working_days
from cases.models import (
    Application,
    CaseDocument,
    Hardship,
    Material,
    State,
    UrgentAid,
)
from cases.services.machinery import (
    _attach,
    _flag_mandatory_review,
    _next_number,
    _require,
    _step,
    _township_of,
)
from cases.services.notices import _open_notice
from core.errors import ServiceError
from households.models import Household
from verification import services as verification
from verification import tasks as verification_tasks

logger = logging.getLogger(__name__)


def _new_application(*, household: Household, assistance_type: str, reason: str,
                     by: User, hardship: str) -> Application:
    township = _township_of(household.region)
    year = timezone.localdate().year
    prefix = f"{township.code}-{year}"
    if hardship not in Hardship.values:
        raise ServiceError("请选择致困类别（公示时显示）。", field="hardship")
    app = Application(household=household, region=household.region,
                      assistance_type=assistance_type, hardship=hardship,
                      reason=(reason or "").strip(), created_by=by)
    app.number = f"{prefix}-{_next_number(prefix):05d}"
    return app


@transaction.atomic
def application_refer(*, household: Household, assistance_type: str, reason: str,
                      by: User, documents: list[tuple[str, object]] = (),
                      hardship: str = Hardship.OTHER) -> Application:
    """代为申请/发现报告 by a community assistant (or a caseworker): new → referred."""
    _require(by, "refer_cases", household.region)
    app = _new_application(household=household, assistance_type=assistance_type, reason=reason,
                           by=by, hardship=hardship)
    with _step(app, by=by, action="refer"):
        app.save()  # the documents need the case's id
        for kind, upload in documents:
            _attach(app, by=by, kind=kind, upload=upload)
    return app


@transaction.atomic
def application_accept_new(*, household: Household, assistance_type: str, reason: str,
                           by: User, documents: list[tuple[str, object]] = (),
                           hardship: str = Hardship.OTHER) -> Application:
    """受理 at the service window: new → investigating in one go."""
    _require(by, "handle_cases", household.region)
    app = _new_application(household=household, assistance_type=assistance_type, reason=reason,
                           by=by, hardship=hardship)
    app.save()
    for kind, upload in documents:
        _attach(app, by=by, kind=kind, upload=upload)
    return _accept(app, by=by, expected_state=State.NEW)


def application_accept(*, application: Application, by: User,
                       expected_state: str | None = State.REFERRED) -> Application:
    """受理 a community's referral: referred → investigating."""
    return _accept(application, by=by, expected_state=expected_state)


@transaction.atomic
def _accept(app: Application, *, by: User, expected_state: str | None) -> Application:
    today = timezone.localdate()
    with _step(app, by=by, action="accept",
               expected_state=expected_state) as step:
        app = step.application
        region = app.region
        investigation = add_working_days(today, rule_value("investigation_start_days", region,
                                                           today))
        decision = add_working_days(today, rule_value("procedure_days", region, today))
        app.accepted_by, app.accepted_on = by, today
        app.investigation_due, app.decision_due = investigation.date, decision.date
        app.due_provisional = investigation.provisional or decision.provisional
        _flag_mandatory_review(app)
        step.data = {"decision_due": decision.date.isoformat(),
                     "due_provisional": app.due_provisional}
        authorization = (app.documents.filter(kind=CaseDocument.Kind.AUTHORIZATION)
                         .order_by("-uploaded_at", "-id").first())
        request = verification.verification_request_create(
            application_id=app.pk, by=by,
            authorization_id=authorization.pk if authorization else None)
        if rule_value("publicity_opens_at", region, today) == "acceptance":
            _open_notice(app, today, "已受理，正在调查核实")
        if app.assistance_type == "temporary":
            # 先行救助 paid before: this case is its paperwork (SL §50).
            linked = UrgentAid.objects.filter(household_id=app.household_id,
                                              application__isnull=True).update(application=app)
            if linked:
                step.data["urgent_aid"] = linked
    transaction.on_commit(lambda: _queue_verification(request.pk))
    return app


def _queue_verification(request_id: int) -> None:
    """After commit. If the broker is down the request stays 'requested' and the periodic
    sweep (verification.tasks.requeue_waiting_requests) queues it again: nothing is lost."""
    try:
        verification_tasks.process_verification.delay(request_id)
    except Exception:  # noqa: BLE001 - the sweep retries; the user's acceptance stands
        logger.exception("could not queue verification request %s", request_id)


def application_return(*, application: Application, by: User,
                       missing: list[Material], note: str = "",
                       expected_state: str | None = State.REFERRED) -> Application:
    """退回补正 with a one-time notification of everything missing (seed 004 §二(三)1)."""
    if not missing and not (note or "").strip():
        raise ServiceError("请勾选所有缺少的材料（一次性告知），或写明需要补正的内容。",
                           field="missing")
    with _step(application, by=by, action="return_for_materials",
               expected_state=expected_state, reason=note.strip()) as step:
        step.data = {"missing": [m.name for m in missing]}
    return step.application


def application_resubmit(*, application: Application, by: User, note: str = "",
                         documents: list[tuple[str, object]] = ()) -> Application:
    if not documents and not (note or "").strip():
        raise ServiceError("请上传补正的材料，或写明已补正的内容。", field="file")
    with _step(application, by=by, action="resubmit",
               expected_state=State.RETURNED, reason=note.strip()) as step:
        for kind, upload in documents:
            _attach(step.application, by=by, kind=kind, upload=upload)
    return step.application


def application_attach(*, application: Application, by: User, kind: str, upload
                       ) -> CaseDocument:
    with _step(application, by=by, action="attach") as step:
        document = _attach(step.application, by=by, kind=kind, upload=upload)
        step.data = {"kind": kind}
    return document
