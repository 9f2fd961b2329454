"""Changes to home investigations and verification requests. Permission checks use
the region of the case, passed in by the caller (cases.services)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.errors import ServiceError
from accounts.models import Region, User
from accounts.scope import user_can
from verification.models import HomeInvestigation, VerificationRequest, split_names


def verification_request_create(*, application_id: int, requested_by: User) -> VerificationRequest:
    """Create the request; the caller queues `process_verification` once it commits."""
    return VerificationRequest.objects.create(application_id=application_id,
                                              requested_by=requested_by)


def verification_pick_up(*, request_id: int) -> VerificationRequest | None:
    """The worker took the request: the district's check is under way.

    Idempotent: a request already picked up or completed is left as it is.
    """
    with transaction.atomic():
        request = VerificationRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status != VerificationRequest.Status.REQUESTED:
            return request
        request.status = VerificationRequest.Status.IN_PROGRESS
        request.picked_up_at = timezone.now()
        request.save(update_fields=["status", "picked_up_at"])
        return request


@transaction.atomic
def verification_record_result(*, request: VerificationRequest, region: Region, entered_by: User,
                               summary: str, has_warning: bool, warnings: str
                               ) -> VerificationRequest:
    """A district reviewer enters the verification report by hand (核对报告)."""
    if not user_can(entered_by, "verify_economic_status", region):
        raise PermissionDenied("只有区民政局核对人员可以录入核对结果。")
    request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == VerificationRequest.Status.COMPLETED:
        raise ServiceError("该核对请求已出具报告，如需更正请重新发起核对。")
    if not summary.strip():
        raise ServiceError("请填写核对结论。", field="summary")
    if has_warning and not warnings.strip():
        raise ServiceError("有预警时请写明预警事项（如车辆、多套住房、存款超标）。", field="warnings")
    request.status = VerificationRequest.Status.COMPLETED
    request.completed_at = timezone.now()
    request.result_source = VerificationRequest.Source.MANUAL
    request.result_by = entered_by
    request.summary = summary.strip()
    request.has_warning = has_warning
    request.warnings = warnings.strip() if has_warning else ""
    request.save()
    return request


def home_investigation_record(*, application_id: int, region: Region, recorded_by: User,
                              data: dict) -> HomeInvestigation:
    if not user_can(recorded_by, "handle_cases", region):
        raise PermissionDenied("只有镇(街道)经办人可以录入入户调查。")
    names = set(split_names(data.get("investigators", "")))
    if len(names) < 2 and not data.get("third_party"):
        raise ServiceError("入户调查应至少有2名不同的工作人员，请填写全部调查人员的姓名。",
                           field="investigators")
    visited_on = data.get("visited_on")
    if visited_on and visited_on > timezone.localdate():
        raise ServiceError("入户日期不能晚于今天。", field="visited_on")
    if not data.get("signed_form"):
        raise ServiceError("请上传调查人员和在场家庭成员签字的调查表。", field="signed_form")
    return HomeInvestigation.objects.create(application_id=application_id,
                                            recorded_by=recorded_by, **data)
