"""一门受理、协同办理: the window's registrations and their three ways out (seed 002 四(二)),
the joint meeting, community discovery reports, and 先行救助 (SL §50).

A registration changes only through `_step`: it locks the row, checks the user's right
and the states the step may start from (both declared on the step's transition in
cases.models.intake), runs the transition, lets the caller set its fields, saves and
writes the RegistrationEvent, all in one transaction. Conditions that depend on what the
user chose (which agency, which household) are checked here, with their own messages.
Handling a registration creates the case through cases.services, the one way to start a
case.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django_fsm import Transition, can_proceed, has_transition_perm

from accounts.audit import audit_record
from accounts.models import AuditAction, Region, User
from accounts.roles import Level
from accounts.rules import rule_value
from accounts.scope import user_can
from accounts.workdays import add_working_days
from cases.models import Agency, AssistanceType, Handover, Registration, RequestCategory, UrgentAid
from cases.models.intake import FEEDBACK, RegistrationEvent
from cases.services.machinery import next_number
from cases.services.start import application_accept_new
from core.errors import ServiceError
from core.idnumber import normalize, validate_id_number
from households.models import Household

TOWNSHIP_TYPES = set(AssistanceType.values)


def _township(region: Region) -> Region:
    return region if region.level == Level.TOWNSHIP else region.township()


def _locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update(of=("self",)).select_related(
        "township__parent", "region").get(pk=registration.pk)


def _text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, field=field)
    return value


# --- the steps as declared on the transitions ---------------------------------------------


def step_transitions(method) -> list[Transition]:
    """The django_fsm transitions of a registration step, one per source state."""
    return list(method._django_fsm.transitions.values())


def offered_steps(*, registration: Registration, user: User) -> list[Transition]:
    """The steps `user` may take on `registration` now, in the order the model declares
    them: its status allows them, their conditions hold and the user has the right."""
    available = {t.name: t for t in registration.get_available_user_status_transitions(user)}
    return [available[name] for name in vars(Registration) if name in available]


def _declared(registration: Registration, method) -> Transition:
    """The step's transition from the registration's status (its first when there is
    none: a step declares one permission for all its sources)."""
    return method._django_fsm.get_transition(registration.status) or step_transitions(method)[0]


def refusal(registration: Registration, method, user: User | None = None) -> str:
    """Why the step cannot be taken now, in its own words: the user (when given) lacks
    the right, or the registration's status does not allow it."""
    declared = _declared(registration, method)
    if user is not None and not declared.has_perm(registration, user):
        return declared.permission.denied
    message = declared.custom.get("refusal") or "该登记现为「{status}」，不能{label}。"
    return message.format(status=registration.get_status_display(),
                          label=declared.custom["label"])


@dataclass
class Step:
    registration: Registration
    reason: str = ""
    data: dict = field(default_factory=dict)


@contextmanager
def _step(registration: Registration, *, by: User, action: str) -> Iterator[Step]:
    """Lock, check, transition; the with-body sets fields (and may still refuse); then
    save and write the one RegistrationEvent of the step.

    The right (the transition's permission) is checked before the status, so that a
    user of another township learns nothing about it."""
    with transaction.atomic():
        item = _locked(registration)
        method = getattr(item, action)
        declared = _declared(item, method)
        if not declared.has_perm(item, by):
            raise PermissionDenied(declared.permission.denied)
        if not can_proceed(method):
            raise ServiceError(refusal(item, method))
        from_status = item.status
        method()
        step = Step(item)
        yield step
        item.save()
        RegistrationEvent.objects.create(
            registration=item, action=action, from_status=from_status, to_status=item.status,
            actor=by, reason=step.reason, data=step.data)


# --- registration and its ways out ----------------------------------------------------------


@transaction.atomic
def registration_create(*, region: Region, by: User, channel: str,
                        applicant_name: str, hardship: str, category: str,
                        applicant_id: str = "", phone: str = "", address: str = ""
                        ) -> Registration:
    """登记 at the window (a caseworker of the township) or a 发现报告 by the community's
    assistant. The one who registers is the first-inquiry contact (首问负责) until it ends.
    The registration starts open; its first RegistrationEvent says who registered it."""
    if region.level != Level.COMMUNITY:
        raise ServiceError("请选择申请人所在的社区(村)。", field="region")
    if channel == Registration.Channel.WINDOW:
        if not user_can(by, "handle_cases", region):
            raise PermissionDenied("只有该镇(街道)的经办人可以在窗口登记。")
    elif channel == Registration.Channel.COMMUNITY:
        if not user_can(by, "refer_cases", region):
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
    item = Registration.objects.create(
        number=f"{prefix}-{next_number(prefix):05d}", channel=channel,
        township=township, region=region, registered_by=by, contact=by,
        applicant_name=_text(applicant_name, "请填写申请人姓名。", "applicant_name"),
        applicant_id=applicant_id or "", phone=phone.strip(), address=address.strip(),
        hardship=_text(hardship, "请写明遭遇的困难情况。", "hardship"), category=category,
        due=due.date, due_provisional=due.provisional)
    RegistrationEvent.objects.create(
        registration=item, action=RegistrationEvent.REGISTER, from_status="",
        to_status=item.status, actor=by,
        data={"channel": channel, "category": category})
    return item


def registration_handle(*, registration: Registration, by: User, household: Household,
                        assistance_type: str, hardship: str, reason: str,
                        documents: list[tuple[str, object]]) -> Registration:
    """受理 (受理单): the township confirms this type itself, so the case starts here."""
    with _step(registration, by=by, action="handle") as step:
        item = step.registration
        if assistance_type not in TOWNSHIP_TYPES:
            raise ServiceError("该类别不由镇(街道)审核确认，请转办到承办部门。",
                               field="assistance_type")
        if household.region.township() != item.township:
            raise ServiceError("该家庭不在本镇(街道)，请转办到其户籍地镇(街道)。", field="household")
        item.application = application_accept_new(
            household=household, assistance_type=assistance_type, hardship=hardship,
            reason=reason, by=by, documents=documents)
        item.outcome = f"已受理，申请编号 {item.application.number}"
        step.data = {"application": item.application.number}
    return item


def _handover(item: Registration, *, kind: str, agency: Agency, request: str, by: User
              ) -> Handover:
    if agency.district.code != item.township.code[:6] or not agency.active:
        raise ServiceError("请从本区的承办单位名录中选择。", field="agency")
    today = timezone.localdate()
    due = add_working_days(today, rule_value("handover_feedback_days", item.region, today))
    prefix = f"{'ZB' if kind == Handover.Kind.TRANSFER else 'ZJ'}-{item.township.code}-{today.year}"
    return Handover.objects.create(
        registration=item, kind=kind, number=f"{prefix}-{next_number(prefix):05d}",
        agency=agency, request=_text(request, "请写明转办事项或需要提供的服务。", "request"),
        sent_by=by, due=due.date, due_provisional=due.provisional)


def _slip_data(handover: Handover) -> dict:
    return {"handover": handover.number, "agency": handover.agency.name,
            "due": handover.due.isoformat()}


def registration_transfer(*, registration: Registration, by: User, agency: Agency,
                          request: str) -> Handover:
    """转办 (转办单): to the department responsible, or to the district window."""
    with _step(registration, by=by, action="transfer") as step:
        if agency.kind == Agency.Kind.ORGANISATION:
            raise ServiceError("社会组织提供的是非物质帮扶，请用“转介”。", field="agency")
        handover = _handover(step.registration, kind=Handover.Kind.TRANSFER, agency=agency,
                             request=request, by=by)
        step.data = _slip_data(handover)
    return handover


def registration_refer(*, registration: Registration, by: User, agency: Agency,
                       request: str) -> Handover:
    """转介 to a social organisation for non-material help (seed 001 §(八)). A family whose
    case the township handles may be referred as well (the step's transitions say when)."""
    with _step(registration, by=by, action="refer") as step:
        if agency.kind != Agency.Kind.ORGANISATION:
            raise ServiceError("转介的对象是社会组织、慈善或志愿服务机构。", field="agency")
        handover = _handover(step.registration, kind=Handover.Kind.REFERRAL, agency=agency,
                             request=request, by=by)
        step.data = _slip_data(handover)
    return handover


def feedback_step(registration: Registration) -> str:
    """Which step a feedback is: the answer to the last open slip of a transferred or
    referred registration closes it (`feedback`, as its transition's condition and
    sources say); any other answer is recorded (`record_feedback`)."""
    return "feedback" if can_proceed(registration.feedback) else "record_feedback"


def _answers_for_township(handover: Handover, user: User) -> bool:
    """The district records feedback only for the slips sent to its own window."""
    return (user_can(user, "handle_cases", handover.registration.township)
            or handover.agency.kind == Agency.Kind.DISTRICT_WINDOW)


def may_record_feedback(*, handover: Handover, user: User) -> bool:
    """Whether the page offers `user` the feedback form of `handover` now."""
    if handover.feedback_on is not None:
        return False
    item = handover.registration
    return (has_transition_perm(getattr(item, feedback_step(item)), user)
            and _answers_for_township(handover, user))


@transaction.atomic
def handover_feedback(*, handover: Handover, by: User, feedback: str,
                      received_on: datetime.date) -> Handover:
    """情况反馈: the receiving side's written answer. When the last open slip of a
    transferred or referred registration is answered, the registration is done."""
    handover = Handover.objects.select_for_update(of=("self",)).select_related(
        "registration__township__parent", "agency").get(pk=handover.pk)
    if handover.feedback_on is not None:
        raise ServiceError("该转办单已录入反馈。")
    # Which step this answer is depends on the slips still open: read on the locked row.
    action = feedback_step(_locked(handover.registration))
    with _step(handover.registration, by=by, action=action) as step:
        if not _answers_for_township(handover, by):
            raise PermissionDenied(FEEDBACK.denied)
        if received_on > timezone.localdate():
            raise ServiceError("反馈日期不能晚于今天。", field="received_on")
        handover.feedback = _text(feedback, "请录入承办单位的书面反馈内容。", "feedback")
        handover.feedback_on, handover.feedback_by = received_on, by
        handover.save(update_fields=["feedback", "feedback_on", "feedback_by"])
        item = step.registration
        if action == "feedback":
            item.closed_at = timezone.now()
            item.outcome = f"{handover.agency.name}反馈：{handover.feedback}"
        step.reason = handover.feedback
        step.data = {"handover": handover.number, "agency": handover.agency.name,
                     "received_on": received_on.isoformat()}
    return handover


def registration_to_meeting(*, registration: Registration, by: User, reason: str
                            ) -> Registration:
    """提交联席会议: a complex or disputed request, or one with wide public concern."""
    with _step(registration, by=by, action="to_meeting") as step:
        reason = _text(reason, "请写明提交联席会议的理由。", "reason")
        step.registration.meeting_outcome = f"提交理由：{reason}"
        step.reason = reason
    return step.registration


def registration_meeting_outcome(*, registration: Registration, by: User,
                                 held_on: datetime.date, outcome: str) -> Registration:
    """The joint meeting's decision; the registration then takes the way out it decided."""
    with _step(registration, by=by, action="record_meeting_outcome") as step:
        if held_on > timezone.localdate():
            raise ServiceError("会议日期不能晚于今天。", field="held_on")
        outcome = _text(outcome, "请录入联席会议确定的解决方案。", "outcome")
        item = step.registration
        item.meeting_on = held_on
        item.meeting_outcome = f"{item.meeting_outcome}\n会议结果：{outcome}".strip()
        step.reason, step.data = outcome, {"held_on": held_on.isoformat()}
    return item


def registration_close(*, registration: Registration, by: User, outcome: str
                       ) -> Registration:
    """办结 without a case or a handover, e.g. answered with the policy and the reason."""
    with _step(registration, by=by, action="close") as step:
        item = step.registration
        item.outcome = _text(outcome, "请写明办结情况（如已解释政策、申请人不符合条件的理由）。",
                             "outcome")
        item.closed_at = timezone.now()
        step.reason = item.outcome
    return item


# --- 先行救助 (SL §50) -----------------------------------------------------------------


@transaction.atomic
def urgent_aid_grant(*, household: Household, by: User, amount, reason: str,
                     paid_on: datetime.date | None = None) -> UrgentAid:
    """Pay small urgent temporary aid first, below the region's limit; the temporary-aid
    case must follow by the paperwork deadline (it is linked when accepted)."""
    if not user_can(by, "handle_cases", household.region):
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
    aid = UrgentAid.objects.create(
        household=household, region=household.region, amount=amount,
        reason=_text(reason, "请写明急难情况。", "reason"), paid_on=paid_on, granted_by=by,
        paperwork_due=due.date)
    # Money paid out: audited in the payment's transaction (the reason stays on the row,
    # which only case staff read; the audit names the household by its number only).
    audit_record(action=AuditAction.URGENT_AID_PAID, by=by, region=household.region,
                 target=f"UrgentAid:{aid.pk}",
                 new={"household": household.pk, "amount": str(amount),
                      "paid_on": paid_on.isoformat(), "limit": str(limit),
                      "pending_before": str(pending), "paperwork_due": due.date.isoformat()})
    return aid
