"""备案 and what the district does with a filed case: rectification rounds and the
records of its supervision visits (备案审查, 抽查)."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User
from accounts.rules import rule_value
from accounts.workdays import add_working_days
from cases.models import (
    Application,
    CaseDocument,
    FilingBatch,
    Rectification,
    State,
)
from cases.services.machinery import (
    _attach,
    _flag_mandatory_review,
    _next_number,
    _require,
    _require_text,
    _step,
    _township_of,
)
from core.errors import ServiceError


@transaction.atomic
def applications_file(*, applications: list[Application], by: User) -> FilingBatch:
    """备案: gather confirmed cases of one township into a batch with the approvers' list."""
    if not applications:
        raise ServiceError("请选择要备案的已确认申请。")
    not_confirmed = [a for a in applications if a.state != State.CONFIRMED]
    if not_confirmed:
        raise ServiceError("只有已确认的申请可以备案：" + "、".join(
            f"{a.number}（{a.get_state_display()}）" for a in not_confirmed) + "。")
    townships = {_township_of(a.region).pk for a in applications}
    if len(townships) != 1:
        raise ServiceError("一个备案批次只能包含同一镇(街道)的申请。")
    township = Region.objects.get(pk=townships.pop())
    _require(by, "handle_cases", township)
    prefix = f"BA-{township.code}-{timezone.localdate().year}"
    batch = FilingBatch.objects.create(number=f"{prefix}-{_next_number(prefix):04d}",
                                       township=township, created_by=by)
    approvers = {}
    for application in sorted(applications, key=lambda a: a.pk):
        with _step(application, by=by, action="file",
                   expected_state=State.CONFIRMED) as step:
            app = step.application
            app.filing_batch = batch
            _flag_mandatory_review(app)
            step.data = {"batch": batch.number, "mandatory_review": app.mandatory_review}
            approver = app.decided_by
            approvers[approver.pk] = {"name": str(approver), "username": approver.username}
    batch.approvers = list(approvers.values())
    batch.save(update_fields=["approvers"])
    return batch


def application_open_rectification(*, application: Application, by: User, finding: str,
                                   days: int | None = None, source: str = "") -> Rectification:
    """整改: a district finding sends a filed case back to its township with a deadline in
    working days (the region's rule `rectification_days` unless the reviewer sets one)."""
    finding = _require_text(finding, "请写明发现的问题。", "finding")
    today = timezone.localdate()
    with _step(application, by=by, action="open_rectification",
               expected_state=State.FILED, reason=finding) as step:
        item = _new_rectification(step.application, finding=finding, days=days, source=source,
                                  by=by, today=today, round_=1)
        step.data = {"due": item.due.isoformat(), "due_provisional": item.due_provisional,
                     "source": source}
    return item


def _rectification_days(app: Application, days, today: datetime.date) -> int:
    if days in (None, ""):
        return rule_value("rectification_days", app.region, today)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ServiceError("整改时限应为1至60个工作日。", field="days") from None
    if not 1 <= days <= 60:
        raise ServiceError("整改时限应为1至60个工作日。", field="days")
    return days


def _new_rectification(app: Application, *, finding: str, days, source: str, by: User,
                       today: datetime.date, round_: int) -> Rectification:
    due = add_working_days(today, _rectification_days(app, days, today))
    return Rectification.objects.create(application=app, finding=finding, source=source,
                                        round=round_, due=due.date,
                                        due_provisional=due.provisional, opened_by=by)


def _open_rectification(app: Application) -> Rectification:
    item = app.rectifications.filter(closed_at__isnull=True).order_by("-id").first()
    if item is None:  # a rectifying case always has one open round (services only)
        raise ServiceError("该申请没有进行中的整改。")
    return item


def application_answer_rectification(*, application: Application, by: User,
                                     answer: str, upload=None) -> Rectification:
    """The township's answer: what it changed. It can be corrected until the district
    decides on it."""
    answer = _require_text(answer, "请写明整改情况（改了什么、依据什么）。", "answer")
    with _step(application, by=by, action="answer_rectification",
               reason=answer) as step:
        app = step.application
        item = _open_rectification(app)
        item.answer, item.answered_by, item.answered_at = answer, by, timezone.now()
        item.save(update_fields=["answer", "answered_by", "answered_at"])
        if upload is not None:
            _attach(app, by=by, kind=CaseDocument.Kind.RECTIFICATION, upload=upload)
        step.data = {"round": item.round}
    return item


def application_close_rectification(*, application: Application, by: User,
                                    note: str = "") -> Application:
    """销号: the district accepts the answer; the case is filed again."""
    with _step(application, by=by, action="close_rectification",
               expected_state=State.RECTIFYING, reason=note.strip()) as step:
        item = _open_rectification(step.application)
        item.closed_at, item.closed_by = timezone.now(), by
        item.outcome, item.verdict = Rectification.Outcome.CLOSED, note.strip()
        item.save(update_fields=["closed_at", "closed_by", "outcome", "verdict"])
        step.data = {"round": item.round}
    return step.application


def application_return_rectification(*, application: Application, by: User,
                                     reason: str, days=None) -> Rectification:
    """退回重新整改: the district does not accept the answer. This round ends as returned
    and a new round opens with the district's reason as its finding and a new deadline."""
    with _step(application, by=by, action="return_rectification") as step:
        app = step.application
        step.reason = _require_text(reason, "请写明整改不到位之处，镇(街道)将据此重新整改。",
                                    "reason")
        item = _open_rectification(app)
        if item.answered_at is None:
            raise ServiceError("镇(街道)尚未答复本轮整改，请等待答复或到期后督办。")
        item.closed_at, item.closed_by = timezone.now(), by
        item.outcome, item.verdict = Rectification.Outcome.RETURNED, step.reason
        item.save(update_fields=["closed_at", "closed_by", "outcome", "verdict"])
        again = _new_rectification(app, finding=step.reason, days=days, source=item.source,
                                   by=by, today=timezone.localdate(),
                                   round_=item.round + 1)
        step.data = {"round": again.round, "due": again.due.isoformat()}
    return again


SUPERVISION_STEPS = ("mandatory_review", "spot_check")


def application_record_supervision(*, application: Application, by: User, action: str,
                                   reason: str, data: dict | None = None) -> Application:
    """The district's check of a filed case (备案审查, 抽查) on the case's record. It does
    not change the case; a finding that does goes through application_open_rectification."""
    if action not in SUPERVISION_STEPS:
        raise ValueError(action)
    with _step(application, by=by, action=action, reason=reason) as step:
        step.data = data or {}
    return step.application
