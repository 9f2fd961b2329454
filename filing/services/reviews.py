"""Mandatory reviews of flagged filings (备案审查, DB §20)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from accounts.scope import user_can
from cases import services as case_services
from cases.models import Application, State
from core.errors import ServiceError
from filing.models import (
    MandatoryReview,
)
from filing.services.common import _not_future


@transaction.atomic
def mandatory_review_record(*, application: Application, by: User,
                            visited_on: datetime.date, visitors: str, findings: str,
                            conclusion: str, problem: str = "", days=None) -> MandatoryReview:
    """The district's home visit for a mandatory-review filing and its conclusion. A
    problem sends the case back to its township for rectification."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if not user_can(by, "review_filings", app.region):
        raise PermissionDenied("只有区民政局审核人可以办理备案审查。")
    if not app.mandatory_review:
        raise ServiceError("该申请不属于备案审查对象，请通过抽查核查。")
    if MandatoryReview.objects.filter(application=app).exists():
        raise ServiceError("该申请已录入备案审查结论。")
    if app.state != State.FILED:
        raise ServiceError(f"申请当前为「{app.get_state_display()}」，须报送备案后才能审查。")
    visitors, findings = visitors.strip(), findings.strip()
    if not visitors:
        raise ServiceError("请填写入户核查人员。", field="visitors")
    if not findings:
        raise ServiceError("请写明入户核查情况（DB §20：区级须入户核查）。", field="findings")
    _not_future(visited_on, "入户核查日期", "visited_on")
    if conclusion not in MandatoryReview.Conclusion.values:
        raise ServiceError("请选择审查结论。", field="conclusion")
    if conclusion == MandatoryReview.Conclusion.PROBLEM and not problem.strip():
        raise ServiceError("请写明发现的问题，镇(街道)将据此整改。", field="problem")
    case_services.application_record_supervision(
        application=app, by=by, action="mandatory_review",
        reason=findings, data={"visited_on": visited_on.isoformat(), "conclusion": conclusion})
    rectification = None
    if conclusion == MandatoryReview.Conclusion.PROBLEM:
        rectification = case_services.application_open_rectification(
            application=app, by=by, finding=problem, days=days,
            source="备案审查")
    return MandatoryReview.objects.create(
        application=app, visited_on=visited_on, visitors=visitors, findings=findings,
        conclusion=conclusion, rectification=rectification, reviewed_by=by)
