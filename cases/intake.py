"""一门受理、协同办理: the window's registrations and their three ways out (seed 002 四(二)),
the joint meeting, community discovery reports, and 先行救助 (SL §50).

Every function checks the user's right on the registration's region and writes in one
transaction. Handling a registration creates the case through cases.services, the one
way to start a case.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.errors import ServiceError
from accounts.models import Region, User
from accounts.roles import Level
from accounts.rules import rule_value
from accounts.scope import user_can
from accounts.workdays import add_working_days
from cases import services
from cases.models import Agency, AssistanceType, Handover, Registration, RequestCategory, UrgentAid
from households.idnumber import normalize, validate_id_number
from households.models import Household

TOWNSHIP_TYPES = set(AssistanceType.values)


def _township(region: Region) -> Region:
    return region if region.level == Level.TOWNSHIP else region.township()


def _require_window(user: User, registration: Registration) -> None:
    if not user_can(user, "handle_cases", registration.township):
        raise PermissionDenied("只有该镇(街道)的经办人可以办理窗口登记事项。")


def _locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update(of=("self",)).select_related(
        "township", "region").get(pk=registration.pk)


def _text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, field=field)
    return value


@transaction.atomic
def registration_create(*, region: Region, registered_by: User, channel: str,
                        applicant_name: str, hardship: str, category: str,
                        applicant_id: str = "", phone: str = "", address: str = ""
                        ) -> Registration:
    """登记 at the window (a caseworker of the township) or a 发现报告 by the community's
    assistant. The one who registers is the first-inquiry contact (首问负责) until it ends."""
    if region.level != Level.COMMUNITY:
        raise ServiceError("请选择申请人所在的社区(村)。", field="region")
    if channel == Registration.Channel.WINDOW:
        if not user_can(registered_by, "handle_cases", region):
            raise PermissionDenied("只有该镇(街道)的经办人可以在窗口登记。")
    elif channel == Registration.Channel.COMMUNITY:
        if not user_can(registered_by, "refer_cases", region):
            raise PermissionDenied("只能为本社区(村)的家庭报告困难情况。")
    else:
        raise ValueError(channel)
    if category not in RequestCategory.values:
        raise ServiceError("请选择申请救助类别。", field="category")
    if applicant_id:
        try:
            validate_id_number(normalize(applicant_id))
        except ValidationError as error:
            raise ServiceError(error.messages[0], field="applicant_id") from None
        applicant_id = normalize(applicant_id)
    township = _township(region)
    today = timezone.localdate()
    due = add_working_days(today, rule_value("intake_disposal_days", region, today))
    prefix = f"DJ-{township.code}-{today.year}"
    return Registration.objects.create(
        number=f"{prefix}-{services.next_number(prefix):05d}", channel=channel,
        township=township, region=region, registered_by=registered_by, contact=registered_by,
        applicant_name=_text(applicant_name, "请填写申请人姓名。", "applicant_name"),
        applicant_id=applicant_id or "", phone=phone.strip(), address=address.strip(),
        hardship=_text(hardship, "请写明遭遇的困难情况。", "hardship"), category=category,
        due=due.date, due_provisional=due.provisional)


@transaction.atomic
def registration_handle(*, registration: Registration, handled_by: User, household: Household,
                        assistance_type: str, hardship: str, reason: str,
                        documents: list[tuple[str, object]]) -> Registration:
    """受理 (受理单): the township confirms this type itself, so the case starts here."""
    item = _locked(registration)
    _require_window(handled_by, item)
    if not item.is_open:
        raise ServiceError(f"该登记现为「{item.get_status_display()}」，不能再受理。")
    if assistance_type not in TOWNSHIP_TYPES:
        raise ServiceError("该类别不由镇(街道)审核确认，请转办到承办部门。", field="assistance_type")
    if household.region.township() != item.township:
        raise ServiceError("该家庭不在本镇(街道)，请转办到其户籍地镇(街道)。", field="household")
    item.application = services.application_accept_new(
        household=household, assistance_type=assistance_type, hardship=hardship, reason=reason,
        accepted_by=handled_by, documents=documents)
    item.status, item.outcome = Registration.Status.HANDLED, f"已受理，申请编号 {item.application.number}"
    item.save(update_fields=["application", "status", "outcome"])
    return item


def _handover(item: Registration, *, kind: str, agency: Agency, request: str, sent_by: User
              ) -> Handover:
    if agency.district.code != item.township.code[:6] or not agency.active:
        raise ServiceError("请从本区的承办单位名录中选择。", field="agency")
    today = timezone.localdate()
    due = add_working_days(today, rule_value("handover_feedback_days", item.region, today))
    prefix = f"{'ZB' if kind == Handover.Kind.TRANSFER else 'ZJ'}-{item.township.code}-{today.year}"
    return Handover.objects.create(
        registration=item, kind=kind, number=f"{prefix}-{services.next_number(prefix):05d}",
        agency=agency, request=_text(request, "请写明转办事项或需要提供的服务。", "request"),
        sent_by=sent_by, due=due.date, due_provisional=due.provisional)


@transaction.atomic
def registration_transfer(*, registration: Registration, transferred_by: User, agency: Agency,
                          request: str) -> Handover:
    """转办 (转办单): to the department responsible, or to the district window."""
    item = _locked(registration)
    _require_window(transferred_by, item)
    if not item.is_open:
        raise ServiceError(f"该登记现为「{item.get_status_display()}」，不能转办。")
    if agency.kind == Agency.Kind.ORGANISATION:
        raise ServiceError("社会组织提供的是非物质帮扶，请用“转介”。", field="agency")
    handover = _handover(item, kind=Handover.Kind.TRANSFER, agency=agency, request=request,
                         sent_by=transferred_by)
    item.status = Registration.Status.TRANSFERRED
    item.save(update_fields=["status"])
    return handover


@transaction.atomic
def registration_refer(*, registration: Registration, referred_by: User, agency: Agency,
                       request: str) -> Handover:
    """转介 to a social organisation for non-material help (seed 001 §(八)). A family whose
    case the township handles may be referred as well."""
    item = _locked(registration)
    _require_window(referred_by, item)
    if item.status in (Registration.Status.CLOSED, Registration.Status.TRANSFERRED):
        raise ServiceError(f"该登记现为「{item.get_status_display()}」，不能转介。")
    if agency.kind != Agency.Kind.ORGANISATION:
        raise ServiceError("转介的对象是社会组织、慈善或志愿服务机构。", field="agency")
    handover = _handover(item, kind=Handover.Kind.REFERRAL, agency=agency, request=request,
                         sent_by=referred_by)
    if item.status != Registration.Status.HANDLED:
        item.status = Registration.Status.REFERRED
        item.save(update_fields=["status"])
    return handover


@transaction.atomic
def handover_feedback(*, handover: Handover, recorded_by: User, feedback: str,
                      received_on: datetime.date) -> Handover:
    """情况反馈: the receiving side's written answer. When the last open handover of a
    transferred or referred registration is answered, the registration is done."""
    handover = Handover.objects.select_for_update(of=("self",)).select_related(
        "registration__township", "agency").get(pk=handover.pk)
    item = _locked(handover.registration)
    district = item.township.parent
    if not (user_can(recorded_by, "handle_cases", item.township)
            or (handover.agency.kind == Agency.Kind.DISTRICT_WINDOW
                and user_can(recorded_by, "review_filings", district))):
        raise PermissionDenied("只有转出的镇(街道)经办人（或区窗口）可以录入反馈。")
    if handover.feedback_on is not None:
        raise ServiceError("该转办单已录入反馈。")
    if received_on > timezone.localdate():
        raise ServiceError("反馈日期不能晚于今天。", field="received_on")
    handover.feedback = _text(feedback, "请录入承办单位的书面反馈内容。", "feedback")
    handover.feedback_on, handover.feedback_by = received_on, recorded_by
    handover.save(update_fields=["feedback", "feedback_on", "feedback_by"])
    still_open = item.handovers.filter(feedback_on__isnull=True).exists()
    if item.status in (Registration.Status.TRANSFERRED, Registration.Status.REFERRED) \
            and not still_open:
        item.status, item.closed_at = Registration.Status.CLOSED, timezone.now()
        item.outcome = f"{handover.agency.name}反馈：{handover.feedback}"
        item.save(update_fields=["status", "closed_at", "outcome"])
    return handover


@transaction.atomic
def registration_to_meeting(*, registration: Registration, sent_by: User, reason: str
                            ) -> Registration:
    """提交联席会议: a complex or disputed request, or one with wide public concern."""
    item = _locked(registration)
    _require_window(sent_by, item)
    if item.status != Registration.Status.OPEN:
        raise ServiceError(f"该登记现为「{item.get_status_display()}」，不能提交联席会议。")
    item.status = Registration.Status.MEETING
    item.meeting_outcome = f"提交理由：{_text(reason, '请写明提交联席会议的理由。', 'reason')}"
    item.save(update_fields=["status", "meeting_outcome"])
    return item


@transaction.atomic
def registration_meeting_outcome(*, registration: Registration, recorded_by: User,
                                 held_on: datetime.date, outcome: str) -> Registration:
    """The joint meeting's decision; the registration then takes the way out it decided."""
    item = _locked(registration)
    _require_window(recorded_by, item)
    if item.status != Registration.Status.MEETING:
        raise ServiceError("该登记没有提交联席会议。")
    if held_on > timezone.localdate():
        raise ServiceError("会议日期不能晚于今天。", field="held_on")
    outcome = _text(outcome, "请录入联席会议确定的解决方案。", "outcome")
    item.meeting_on, item.status = held_on, Registration.Status.OPEN
    item.meeting_outcome = f"{item.meeting_outcome}\n会议结果：{outcome}".strip()
    item.save(update_fields=["meeting_on", "status", "meeting_outcome"])
    return item


@transaction.atomic
def registration_close(*, registration: Registration, closed_by: User, outcome: str
                       ) -> Registration:
    """办结 without a case or a handover, e.g. answered with the policy and the reason."""
    item = _locked(registration)
    _require_window(closed_by, item)
    if not item.is_open:
        raise ServiceError(f"该登记现为「{item.get_status_display()}」，不能办结。")
    item.outcome = _text(outcome, "请写明办结情况（如已解释政策、申请人不符合条件的理由）。", "outcome")
    item.status, item.closed_at = Registration.Status.CLOSED, timezone.now()
    item.save(update_fields=["outcome", "status", "closed_at"])
    return item


# --- 先行救助 (SL §50) -----------------------------------------------------------------


@transaction.atomic
def urgent_aid_grant(*, household: Household, granted_by: User, amount, reason: str,
                     paid_on: datetime.date | None = None) -> UrgentAid:
    """Pay small urgent temporary aid first, below the region's limit; the temporary-aid
    case must follow by the paperwork deadline (it is linked when accepted)."""
    if not user_can(granted_by, "handle_cases", household.region):
        raise PermissionDenied("只有该镇(街道)的经办人可以先行救助。")
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today:
        raise ServiceError("发放日期不能晚于今天。", field="paid_on")
    limit = rule_value("urgent_aid_limit", household.region, paid_on)
    if limit is None:
        raise ServiceError("本区尚未设定先行救助限额（系统管理 → 规则参数），请按一般程序受理临时救助。")
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ServiceError("请填写正确的金额。", field="amount") from None
    if amount <= 0:
        raise ServiceError("金额应大于0。", field="amount")
    Household.objects.select_for_update().get(pk=household.pk)  # one grant at a time
    pending = (UrgentAid.objects.filter(household=household, application__isnull=True)
               .aggregate(total=models.Sum("amount"))["total"] or Decimal("0"))
    if amount + pending > limit:
        already = f"（该家庭已有待补办的先行救助 {pending} 元）" if pending else ""
        raise ServiceError(f"超过本区先行救助限额（{limit}元）{already}，请按一般程序受理临时救助。",
                           field="amount")
    due = add_working_days(paid_on, rule_value("urgent_paperwork_days", household.region, paid_on))
    return UrgentAid.objects.create(
        household=household, region=household.region, amount=amount,
        reason=_text(reason, "请写明急难情况。", "reason"), paid_on=paid_on, granted_by=granted_by,
        paperwork_due=due.date)
