"""The one way to change a case.

Every change runs through `_step`: it locks the case row, checks the user's right on the
case's region, checks the state the user saw is still the state (two users at once:
exactly one succeeds), checks separation of duties and the guards of DESIGN §4, runs
the django_fsm transition, lets the caller set its fields, saves and writes the
CaseEvent, all in one transaction. Work that leaves the database waits for the commit.
"""

import datetime
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import ServiceError
from accounts.files import UploadRefused, cleaned
from accounts.models import Region, User
from accounts.rules import rule_value
from accounts.scope import user_can
from accounts.workdays import add_working_days, working_days_between
from cases import guards, steps
from cases.models import (
    LONG_TERM_PUBLICITY,
    Application,
    CaseDocument,
    CaseEvent,
    FilingBatch,
    Hardship,
    Material,
    NumberSequence,
    Proposal,
    Rectification,
    State,
    UrgentAid,
)
from cases.selectors import case_calculation
from households.models import Household, Member
from households.selectors import cadre_links
from publicity import selectors as publicity_selectors
from publicity import services as publicity
from verification import selectors as verification_selectors
from verification import services as verification
from verification import tasks as verification_tasks

logger = logging.getLogger(__name__)

PERMISSION_MESSAGES = {
    "refer_cases": "您没有在该社区代为申请的权限。",
    "handle_cases": "只有该镇(街道)的经办人可以办理这一步。",
    "approve_cases": "只有该镇(街道)的审批人可以审批确认。",
    "review_filings": "只有区民政局审核人可以办理备案监督事项。",
    "verify_economic_status": "只有区民政局核对人员可以录入核对结果。",
}
MAX_MONTHLY_AMOUNT = Decimal("100000")  # a typing guard, not a rule: no benefit is this large


class CaseChanged(ServiceError):
    """The case is no longer in the state the user saw: someone else just handled it."""


@dataclass
class Step:
    application: Application
    reason: str = ""
    data: dict = field(default_factory=dict)


def _locked(application_id: int) -> Application:
    """The case row, locked; and its open notices, so that an objection arriving from the
    public form (which locks the notice) either lands before a decision's checks or is
    refused because the notice closed: never in between."""
    app = Application.objects.select_for_update().select_related("region", "household").get(
        pk=application_id)
    publicity.notices_lock_open(application_id=application_id)
    return app


def _require(user: User, perm: str, region: Region) -> None:
    if not user_can(user, perm, region):
        raise PermissionDenied(PERMISSION_MESSAGES[perm])


def _check_fresh(app: Application, expected_state: str | None) -> None:
    if expected_state is not None and app.state != expected_state:
        raise CaseChanged(f"该申请刚刚已被他人处理，现为「{app.get_state_display()}」。"
                          "请刷新页面查看最新情况。")


def _check_separation(app: Application, by: User, not_by: tuple[str, ...]) -> None:
    taken_part = guards.participants(app)
    for role_field in not_by:
        if by.pk in taken_part[role_field]:
            raise ServiceError(
                "受理、审核、审批须由三名不同人员办理："
                f"您已{'受理' if role_field == 'accepted_by' else '审核'}该申请，"
                "请由其他人员办理这一步。")


@contextmanager
def _step(application: Application, *, by: User, action: str,
          expected_state: str | None = None, reason: str = ""):
    """Lock, check, transition; the with-body sets fields; then save and audit.

    Everything a step needs to be checked against is declared on its transition
    (cases.models, through cases.steps.step): the role, the states it may start from,
    the people who may not take it and the guards. A step without a target records on
    the file without changing the state.
    """
    with transaction.atomic():
        app = application if application._state.adding else _locked(application.pk)
        method = getattr(app, steps.by_action(Application, action))
        facts = steps.info(method)
        if not user_can(by, facts.perm, app.region):
            raise PermissionDenied(facts.denied or PERMISSION_MESSAGES[facts.perm])
        _check_fresh(app, expected_state)
        if not method._django_fsm.has_transition(app.state):
            raise ServiceError(facts.refused_in(app.get_state_display()))
        _check_separation(app, by, facts.not_by)
        problems = guards.refusals(app, method)
        if problems:
            raise ServiceError("；".join(problems))
        from_state = app.state
        method()
        step = Step(app, reason=reason)
        yield step
        if steps.target(method) is not None or app._state.adding:
            app.save()
        CaseEvent.objects.create(application=app, action=action, from_state=from_state,
                                 to_state=app.state, actor=by, reason=step.reason,
                                 data=step.data)


def _next_number(prefix: str) -> int:
    for _ in range(2):
        try:
            with transaction.atomic():
                sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
                    prefix=prefix)
                sequence.last += 1
                sequence.save(update_fields=["last"])
                return sequence.last
        except IntegrityError:  # two first numbers at once: the other row exists now
            continue
    raise ServiceError("编号生成冲突，请重试。")


def _township_of(region: Region) -> Region:
    township = region.township()
    if township is None:
        raise ServiceError("该家庭未登记在具体的社区/村，请先修改家庭所在社区。")
    return township


def _household_facts(household: Household) -> tuple[str, int]:
    members = list(household.members.all())
    head = next((m for m in members if m.relation == Member.Relation.HEAD), None)
    return (head.name if head else "", len(members))


def _flag_mandatory_review(app: Application) -> None:
    """DB §11 / seed 001 §(六): a member who is a cadre, an official or a public-institution
    employee, or their direct relative on the district's register → a mandatory-review
    filing. Checked at acceptance and again at filing (the register may have changed);
    once flagged, a case stays flagged."""
    links = cadre_links(household=app.household)
    app.mandatory_review = app.mandatory_review or bool(links)
    if links:
        app.review_basis = links


def _workdays_taken(app: Application, today: datetime.date) -> int | None:
    return working_days_between(app.accepted_on, today) if app.accepted_on else None


def _attach(app: Application, *, by: User, kind: str, upload) -> CaseDocument:
    try:
        upload = cleaned(upload)  # typed by content, metadata (GPS) removed
    except UploadRefused as refused:
        raise ServiceError(str(refused), field="file") from None
    return CaseDocument.objects.create(application=app, kind=kind, file=upload, uploaded_by=by)


def _parse_amount(value, *, field_name: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError("请填写正确的金额（元，最多两位小数）。", field=field_name) from None
    if amount <= 0:
        raise ServiceError("月保障金额应大于0。", field=field_name)
    if amount >= MAX_MONTHLY_AMOUNT:
        raise ServiceError("月保障金额过大，请核对是否多输了位数。", field=field_name)
    return amount


def _require_text(value: str, message: str, field_name: str = "reason") -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, field=field_name)
    return value


# --- starting a case ----------------------------------------------------------------------


def _new_application(*, household: Household, assistance_type: str, reason: str,
                     created_by: User, hardship: str) -> Application:
    township = _township_of(household.region)
    year = timezone.localdate().year
    prefix = f"{township.code}-{year}"
    if hardship not in Hardship.values:
        raise ServiceError("请选择致困类别（公示时显示）。", field="hardship")
    app = Application(household=household, region=household.region,
                      assistance_type=assistance_type, hardship=hardship,
                      reason=(reason or "").strip(), created_by=created_by)
    app.number = f"{prefix}-{_next_number(prefix):05d}"
    return app


@transaction.atomic
def application_refer(*, household: Household, assistance_type: str, reason: str,
                      referred_by: User, documents: list[tuple[str, object]] = (),
                      hardship: str = Hardship.OTHER) -> Application:
    """代为申请/发现报告 by a community assistant (or a caseworker): new → referred."""
    _require(referred_by, "refer_cases", household.region)
    app = _new_application(household=household, assistance_type=assistance_type, reason=reason,
                           created_by=referred_by, hardship=hardship)
    with _step(app, by=referred_by, action="refer"):
        app.save()  # the documents need the case's id
        for kind, upload in documents:
            _attach(app, by=referred_by, kind=kind, upload=upload)
    return app


@transaction.atomic
def application_accept_new(*, household: Household, assistance_type: str, reason: str,
                           accepted_by: User, documents: list[tuple[str, object]] = (),
                           hardship: str = Hardship.OTHER) -> Application:
    """受理 at the service window: new → investigating in one go."""
    _require(accepted_by, "handle_cases", household.region)
    app = _new_application(household=household, assistance_type=assistance_type, reason=reason,
                           created_by=accepted_by, hardship=hardship)
    app.save()
    for kind, upload in documents:
        _attach(app, by=accepted_by, kind=kind, upload=upload)
    return _accept(app, accepted_by=accepted_by, expected_state=State.NEW)


def application_accept(*, application: Application, accepted_by: User,
                       expected_state: str | None = State.REFERRED) -> Application:
    """受理 a community's referral: referred → investigating."""
    return _accept(application, accepted_by=accepted_by, expected_state=expected_state)


@transaction.atomic
def _accept(app: Application, *, accepted_by: User, expected_state: str | None) -> Application:
    today = timezone.localdate()
    with _step(app, by=accepted_by, action="accept",
               expected_state=expected_state) as step:
        app = step.application
        region = app.region
        investigation = add_working_days(today, rule_value("investigation_start_days", region,
                                                           today))
        decision = add_working_days(today, rule_value("procedure_days", region, today))
        app.accepted_by, app.accepted_on = accepted_by, today
        app.investigation_due, app.decision_due = investigation.date, decision.date
        app.due_provisional = investigation.provisional or decision.provisional
        _flag_mandatory_review(app)
        step.data = {"decision_due": decision.date.isoformat(),
                     "due_provisional": app.due_provisional}
        authorization = (app.documents.filter(kind=CaseDocument.Kind.AUTHORIZATION)
                         .order_by("-uploaded_at", "-id").first())
        request = verification.verification_request_create(
            application_id=app.pk, requested_by=accepted_by,
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


def _notice_facts(app: Application, outcome: str) -> dict:
    """Exactly what a notice publishes (DB §19): name, household size, the hardship
    category (never the caseworker's free text) and the proposed outcome."""
    name, size = _household_facts(app.household)
    return {"name": name, "household_size": size, "reason": app.get_hardship_display(),
            "proposed_outcome": f"{app.get_assistance_type_display()}：{outcome}"}


def _open_notice(app: Application, today: datetime.date, outcome: str) -> None:
    publicity.notice_open(application_id=app.pk, region=app.region, on=today,
                          **_notice_facts(app, outcome))


def _republish(app: Application, today: datetime.date, outcome: str | None) -> None:
    """Publish the opinion just proposed. `outcome=None` (a rejection): nothing to publish
    unless the region publicises from acceptance, where the notice states it."""
    notice = publicity_selectors.open_notice(application_id=app.pk)
    from_acceptance = rule_value("publicity_opens_at", app.region, today) == "acceptance"
    if notice is None:
        if outcome is not None:
            _open_notice(app, today, outcome)
    elif outcome is None and not from_acceptance:
        publicity.notice_close(notice=notice, on=today, withdrawn=True)
    else:
        publicity.notice_replace(notice=notice, on=today, keep_dates=from_acceptance,
                                 **_notice_facts(app, outcome or "拟不同意"))


def application_return(*, application: Application, returned_by: User,
                       missing: list[Material], note: str = "",
                       expected_state: str | None = State.REFERRED) -> Application:
    """退回补正 with a one-time notification of everything missing (seed 004 §二(三)1)."""
    if not missing and not (note or "").strip():
        raise ServiceError("请勾选所有缺少的材料（一次性告知），或写明需要补正的内容。",
                           field="missing")
    with _step(application, by=returned_by, action="return_for_materials",
               expected_state=expected_state, reason=note.strip()) as step:
        step.data = {"missing": [m.name for m in missing]}
    return step.application


def application_resubmit(*, application: Application, resubmitted_by: User, note: str = "",
                         documents: list[tuple[str, object]] = ()) -> Application:
    if not documents and not (note or "").strip():
        raise ServiceError("请上传补正的材料，或写明已补正的内容。", field="file")
    with _step(application, by=resubmitted_by, action="resubmit",
               expected_state=State.RETURNED, reason=note.strip()) as step:
        for kind, upload in documents:
            _attach(step.application, by=resubmitted_by, kind=kind, upload=upload)
    return step.application


# --- investigation -----------------------------------------------------------------------


def application_record_home_investigation(*, application: Application, recorded_by: User,
                                          data: dict):
    with _step(application, by=recorded_by, action="home_investigation") as step:
        app = step.application
        visited_on = data.get("visited_on")
        if visited_on and app.accepted_on and visited_on < app.accepted_on:
            raise ServiceError(f"入户日期不能早于受理日期（{app.accepted_on:%Y-%m-%d}）。",
                               field="visited_on")
        record = verification.home_investigation_record(
            application_id=app.pk, region=app.region, recorded_by=recorded_by, data=data)
        step.data = {"visited_on": record.visited_on.isoformat(),
                     "investigators": len(record.investigator_names())}
    return record


def application_record_verification(*, application: Application, entered_by: User,
                                    summary: str, has_warning: bool, warnings: str = ""):
    """A district reviewer enters the verification report by hand (核对报告)."""
    with _step(application, by=entered_by, action="verification_result") as step:
        app = step.application
        request = verification_selectors.latest_verification(application_id=app.pk)
        if request is None:
            raise ServiceError("该申请没有待办的核对请求。")
        verification.verification_record_result(request=request, region=app.region,
                                                entered_by=entered_by, summary=summary,
                                                has_warning=has_warning, warnings=warnings)
        step.data = {"has_warning": has_warning}
    return request


def application_finish_investigation(*, application: Application, finished_by: User,
                                     expected_state: str | None = State.INVESTIGATING
                                     ) -> Application:
    with _step(application, by=finished_by, action="finish_investigation",
               expected_state=expected_state) as step:
        pass
    return step.application


# --- review and publicity ----------------------------------------------------------------


def application_propose(*, application: Application, proposed_by: User, approve: bool,
                        amount=None, reasons: str = "",
                        expected_state: str | None = State.REVIEWING) -> Application:
    """审核: propose approval with an amount (→ publicity) or rejection with reasons.

    The amount defaults to the calculation (cases.benefit); a different amount, or an
    approval the calculation does not support, needs a reason.
    """
    reasons = reasons.strip()
    if not approve:
        reasons = _require_text(reasons, "拟不同意时请写明理由。", "reasons")
    action = "propose_approval" if approve else "propose_rejection"
    today = timezone.localdate()
    with _step(application, by=proposed_by, action=action,
               expected_state=expected_state,
               reason=reasons) as step:
        app = step.application
        calc = case_calculation(app, on=today)
        if approve:
            amount = _amount_against(calc, amount, reasons, who="拟保障金额")
        app.proposed_by, app.proposed_at = proposed_by, timezone.now()
        app.proposal = Proposal.APPROVE if approve else Proposal.REJECT
        app.proposed_amount = amount if approve else None
        app.proposal_reasons = reasons
        app.calculation = calc.as_dict()
        step.data = {"proposal": app.proposal, "amount": str(amount) if approve else None,
                     "calculated": calc.total or None}
        _republish(app, today, f"拟同意，每月{amount}元" if approve else None)
    return step.application


def _amount_against(calc, amount, reasons: str, *, who: str) -> Decimal:
    """The amount chosen, defaulting to the calculation; departing from it needs a reason."""
    reference = calc.total_amount
    chosen = _parse_amount(reference if amount in (None, "") else amount)
    if calc.eligible is False and not reasons:
        raise ServiceError("测算结果为不符合条件，如仍同意请写明理由（如测算未反映的特殊情况）。",
                           field="reasons")
    if calc.total_amount is not None and chosen != calc.total_amount and not reasons:
        raise ServiceError(f"{who}（{chosen}元）与测算结果（{calc.total_amount}元）不同，"
                           "请写明调整理由。", field="reasons")
    return chosen


def application_close_publicity(*, application: Application, closed_by: User,
                                skip_reason: str,
                                expected_state: str | None = State.PUBLICIZING) -> Application:
    """公示期满且无须评议: the hearing is skipped with a recorded reason (seed 001 §(五))."""
    skip_reason = _require_text(skip_reason, "请写明不组织民主评议的理由。", "skip_reason")
    with _step(application, by=closed_by, action="close_publicity",
               expected_state=expected_state, reason=skip_reason) as step:
        step.application.hearing_skip_reason = skip_reason
    return step.application


def application_call_hearing(*, application: Application, called_by: User, reason: str = "",
                             expected_state: str | None = None) -> Application:
    with _step(application, by=called_by, action="call_hearing",
               expected_state=expected_state, reason=reason.strip()) as step:
        step.data = {"triggers": guards.hearing_triggers(step.application)}
    return step.application


@transaction.atomic
def application_record_hearing(*, application: Application, recorded_by: User, data: dict,
                               expected_state: str | None = State.HEARING) -> Application:
    """民主评议: participants, opinions, votes, minutes; then to approval or re-investigation."""
    from publicity.models import Hearing

    outcome = data.get("outcome")
    votes = [int(data.get(k) or 0) for k in ("votes_for", "votes_against", "votes_abstain")]
    if sum(votes) == 0:
        raise ServiceError("请填写评议的同意、反对和弃权票数。", field="votes_for")
    if outcome == Hearing.Outcome.APPROVE and votes[0] * 2 <= sum(votes):
        raise ServiceError("评议结果与票数不符：同意票未过半数，不能作“同意审核意见”的结论。",
                           field="outcome")
    held_on = data.get("held_on")
    if held_on and held_on > timezone.localdate():
        raise ServiceError("评议日期不能晚于今天。", field="held_on")
    action = ("hearing_to_approval" if outcome == Hearing.Outcome.APPROVE
              else "hearing_to_reinvestigation")
    with _step(application, by=recorded_by, action=action,
               expected_state=expected_state, reason=data.get("opinions", "")) as step:
        app = step.application
        hearing = publicity.hearing_record(application_id=app.pk, recorded_by=recorded_by,
                                           data=data)
        step.data = {"hearing": hearing.pk, "votes": [hearing.votes_for, hearing.votes_against,
                                                      hearing.votes_abstain]}
        if action == "hearing_to_reinvestigation":
            notice = publicity_selectors.open_notice(application_id=app.pk)
            if notice is not None and rule_value("publicity_opens_at", app.region) != "acceptance":
                # DB §19: after re-investigation a new opinion is publicised again.
                publicity.notice_close(notice=notice, on=timezone.localdate(), withdrawn=True)
    return step.application


def application_record_objection(*, application: Application, entered_by: User, channel: str,
                                 content: str, contact: str = ""):
    with _step(application, by=entered_by, action="objection") as step:
        notice = publicity_selectors.open_notice(application_id=step.application.pk)
        if notice is None:
            raise ServiceError("该申请当前没有公示，不能登记公示异议。")
        objection = publicity.objection_record(notice=notice, channel=channel, content=content,
                                               contact=contact, entered_by=entered_by)
        step.data = {"objection": objection.pk}
    return objection


def application_handle_objection(*, application: Application, objection, handled_by: User,
                                 finding: str):
    if objection.notice.application_id != application.pk:
        raise ServiceError("该异议不属于这份申请。")
    with _step(application, by=handled_by, action="objection_handled") as step:
        publicity.objection_handle(objection=objection, handled_by=handled_by, finding=finding)
        step.data = {"objection": objection.pk}
    return objection


# --- decision ----------------------------------------------------------------------------


def _close_notice(app: Application, today: datetime.date) -> None:
    notice = publicity_selectors.open_notice(application_id=app.pk)
    if notice is not None:
        publicity.notice_close(notice=notice, on=today)


def _month_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def application_approve(*, application: Application, approved_by: User, amount=None,
                        reasons: str = "",
                        expected_state: str | None = State.APPROVING) -> Application:
    """审批确认: benefit from the month after the decision (DB §21)."""
    today = timezone.localdate()
    with _step(application, by=approved_by, action="approve",
               expected_state=expected_state, reason=reasons.strip()) as step:
        app = step.application
        calc = case_calculation(app, on=today)
        if calc.total_amount is None:
            chosen = _parse_amount(app.proposed_amount if amount in (None, "") else amount)
            if chosen != app.proposed_amount and not reasons.strip():
                raise ServiceError("审批金额与审核意见不同，请写明调整理由。", field="reasons")
        else:
            chosen = _amount_against(calc, amount, reasons.strip(), who="审批金额")
            if (app.proposed_amount is not None and chosen != app.proposed_amount
                    and not reasons.strip()):
                raise ServiceError(f"审批金额（{chosen}元）与公示的拟保障金额（{app.proposed_amount}元）"
                                   "不同，请写明调整理由。", field="reasons")
        app.decided_by, app.decided_on = approved_by, today
        app.decision_workdays = _workdays_taken(app, today)
        app.monthly_amount, app.start_month = chosen, _month_after(today)
        app.decision_reasons = reasons.strip()
        app.calculation = calc.as_dict()
        step.data = {"amount": str(chosen), "start_month": app.start_month.isoformat(),
                     "calculated": calc.total or None}
        _close_notice(app, today)
        if app.assistance_type in LONG_TERM_PUBLICITY:
            name, size = _household_facts(app.household)
            publicity.long_term_open(application_id=app.pk, region=app.region,
                                     assistance_type=app.assistance_type, name=name,
                                     household_size=size, monthly_amount=chosen, on=today)
    return step.application


def application_reject(*, application: Application, rejected_by: User, reasons: str,
                       expected_state: str | None = State.APPROVING) -> Application:
    """不予确认: reasons; the written notice is due within 3 working days (DB §21, §38)."""
    reasons = _require_text(reasons, "不予确认时必须写明理由，理由将写入书面通知。", "reasons")
    today = timezone.localdate()
    with _step(application, by=rejected_by, action="reject",
               expected_state=expected_state, reason=reasons) as step:
        app = step.application
        due = add_working_days(today, rule_value("rejection_notice_days", app.region, today))
        app.decided_by, app.decided_on = rejected_by, today
        app.decision_workdays = _workdays_taken(app, today)
        app.decision_reasons, app.refusal_notice_due = reasons, due.date
        step.data = {"notice_due": due.date.isoformat(), "due_provisional": due.provisional}
        _close_notice(app, today)
    return step.application


def application_send_back(*, application: Application, sent_back_by: User, reason: str,
                          expected_state: str | None = State.APPROVING) -> Application:
    reason = _require_text(reason, "请写明退回重新审核的理由。")
    with _step(application, by=sent_back_by, action="send_back",
               expected_state=expected_state, reason=reason) as step:
        pass
    return step.application


def application_withdraw(*, application: Application, withdrawn_by: User, reason: str,
                         expected_state: str | None = None) -> Application:
    """撤回 at the applicant's request, before a decision."""
    reason = _require_text(reason, "请记录申请人撤回申请的意思表示（如书面撤回申请、时间）。")
    with _step(application, by=withdrawn_by, action="withdraw",
               expected_state=expected_state, reason=reason) as step:
        notice = publicity_selectors.open_notice(application_id=step.application.pk)
        if notice is not None:
            publicity.notice_close(notice=notice, on=timezone.localdate(), withdrawn=True)
    return step.application


# --- filing and rectification ------------------------------------------------------------


@transaction.atomic
def applications_file(*, applications: list[Application], filed_by: User) -> FilingBatch:
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
    _require(filed_by, "handle_cases", township)
    prefix = f"BA-{township.code}-{timezone.localdate().year}"
    batch = FilingBatch.objects.create(number=f"{prefix}-{_next_number(prefix):04d}",
                                       township=township, created_by=filed_by)
    approvers = {}
    for application in sorted(applications, key=lambda a: a.pk):
        with _step(application, by=filed_by, action="file",
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


def application_open_rectification(*, application: Application, opened_by: User, finding: str,
                                   days: int | None = None, source: str = "") -> Rectification:
    """整改: a district finding sends a filed case back to its township with a deadline in
    working days (the region's rule `rectification_days` unless the reviewer sets one)."""
    finding = _require_text(finding, "请写明发现的问题。", "finding")
    today = timezone.localdate()
    with _step(application, by=opened_by, action="open_rectification",
               expected_state=State.FILED, reason=finding) as step:
        item = _new_rectification(step.application, finding=finding, days=days, source=source,
                                  opened_by=opened_by, today=today, round_=1)
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


def _new_rectification(app: Application, *, finding: str, days, source: str, opened_by: User,
                       today: datetime.date, round_: int) -> Rectification:
    due = add_working_days(today, _rectification_days(app, days, today))
    return Rectification.objects.create(application=app, finding=finding, source=source,
                                        round=round_, due=due.date,
                                        due_provisional=due.provisional, opened_by=opened_by)


def _open_rectification(app: Application) -> Rectification:
    item = app.rectifications.filter(closed_at__isnull=True).order_by("-id").first()
    if item is None:  # a rectifying case always has one open round (services only)
        raise ServiceError("该申请没有进行中的整改。")
    return item


def application_answer_rectification(*, application: Application, answered_by: User,
                                     answer: str, upload=None) -> Rectification:
    """The township's answer: what it changed. It can be corrected until the district
    decides on it."""
    answer = _require_text(answer, "请写明整改情况（改了什么、依据什么）。", "answer")
    with _step(application, by=answered_by, action="answer_rectification",
               reason=answer) as step:
        app = step.application
        item = _open_rectification(app)
        item.answer, item.answered_by, item.answered_at = answer, answered_by, timezone.now()
        item.save(update_fields=["answer", "answered_by", "answered_at"])
        if upload is not None:
            _attach(app, by=answered_by, kind=CaseDocument.Kind.RECTIFICATION, upload=upload)
        step.data = {"round": item.round}
    return item


def application_close_rectification(*, application: Application, closed_by: User,
                                    note: str = "") -> Application:
    """销号: the district accepts the answer; the case is filed again."""
    with _step(application, by=closed_by, action="close_rectification",
               expected_state=State.RECTIFYING, reason=note.strip()) as step:
        item = _open_rectification(step.application)
        item.closed_at, item.closed_by = timezone.now(), closed_by
        item.outcome, item.verdict = Rectification.Outcome.CLOSED, note.strip()
        item.save(update_fields=["closed_at", "closed_by", "outcome", "verdict"])
        step.data = {"round": item.round}
    return step.application


def application_return_rectification(*, application: Application, returned_by: User,
                                     reason: str, days=None) -> Rectification:
    """退回重新整改: the district does not accept the answer. This round ends as returned
    and a new round opens with the district's reason as its finding and a new deadline."""
    with _step(application, by=returned_by, action="return_rectification") as step:
        app = step.application
        step.reason = _require_text(reason, "请写明整改不到位之处，镇(街道)将据此重新整改。",
                                    "reason")
        item = _open_rectification(app)
        if item.answered_at is None:
            raise ServiceError("镇(街道)尚未答复本轮整改，请等待答复或到期后督办。")
        item.closed_at, item.closed_by = timezone.now(), returned_by
        item.outcome, item.verdict = Rectification.Outcome.RETURNED, step.reason
        item.save(update_fields=["closed_at", "closed_by", "outcome", "verdict"])
        again = _new_rectification(app, finding=step.reason, days=days, source=item.source,
                                   opened_by=returned_by, today=timezone.localdate(),
                                   round_=item.round + 1)
        step.data = {"round": again.round, "due": again.due.isoformat()}
    return again


SUPERVISION_STEPS = ("mandatory_review", "spot_check")


def application_record_supervision(*, application: Application, recorded_by: User, action: str,
                                   reason: str, data: dict | None = None) -> Application:
    """The district's check of a filed case (备案审查, 抽查) on the case's record. It does
    not change the case; a finding that does goes through application_open_rectification."""
    if action not in SUPERVISION_STEPS:
        raise ValueError(action)
    with _step(application, by=recorded_by, action=action, reason=reason) as step:
        step.data = data or {}
    return step.application


def next_number(prefix: str) -> int:
    """The next serial number under `prefix` (case, batch and spot-check numbers)."""
    return _next_number(prefix)


def application_attach(*, application: Application, attached_by: User, kind: str, upload
                       ) -> CaseDocument:
    with _step(application, by=attached_by, action="attach") as step:
        document = _attach(step.application, by=attached_by, kind=kind, upload=upload)
        step.data = {"kind": kind}
    return document


# --- hearings scheduled centrally (seed 001 reading note 3) -------------------------------

HEARABLE = (State.PUBLICIZING, State.APPROVING, State.HEARING)


@transaction.atomic
def hearing_session_schedule(*, township: Region, held_on: datetime.date, place: str,
                             participants: str, applications: list[Application],
                             scheduled_by: User):
    """评议会议: one meeting of the township for several cases. Cases still in publicity
    or awaiting approval are called to the hearing now, all or none."""
    from publicity.models import HearingSession

    _require(scheduled_by, "handle_cases", township)
    place = _require_text(place, "请填写会议地点。", "place")
    participants = _require_text(participants, "请填写参加人员（镇(街道)干部、村(居)干部、调查人员、"
                                               "群众代表等）。", "participants")
    if not applications:
        raise ServiceError("请至少选择一件申请列入评议。", field="applications")
    if held_on < timezone.localdate() - datetime.timedelta(days=30):
        raise ServiceError("会议日期不能早于30天前；补录以往会议请逐件录入评议结果。", field="held_on")
    session = HearingSession.objects.create(township=township, held_on=held_on, place=place,
                                            participants=participants, created_by=scheduled_by)
    for app in sorted(applications, key=lambda a: a.pk):  # one lock order: no deadlock
        app = _locked(app.pk)
        if not app.region.code.startswith(township.code):
            raise ServiceError(f"申请 {app.number} 不属于{township.name}。")
        if app.state not in HEARABLE:
            raise ServiceError(f"申请 {app.number} 现为「{app.get_state_display()}」，不能列入评议。")
        if app.state != State.HEARING:
            application_call_hearing(application=app, called_by=scheduled_by,
                                     reason=f"列入{held_on:%Y-%m-%d}评议会议（{place}）")
        session.applications.add(app)
    return session


def hearing_session_record(*, session, application: Application, recorded_by: User,
                           data: dict) -> Application:
    """One case's result at the meeting: its opinions, votes and minutes; the date and
    the participants are the meeting's."""
    if not session.applications.filter(pk=application.pk).exists():
        raise ServiceError("该申请不在本次评议会议中。")
    return application_record_hearing(
        application=application, recorded_by=recorded_by,
        data={**data, "held_on": session.held_on, "participants": session.participants,
              "session": session})


# --- households already receiving aid, from the previous system ----------------------------


@dataclass
class LegacyImport:
    households: int
    result: object  # verification.imports.ReadResult


def beneficiaries_import(*, township: Region, content: bytes, imported_by: User) -> LegacyImport:
    """Bring in the previous system's beneficiaries of one township: each household with
    its members and a filed case carrying its type, amount and start month. All or nothing:
    with any faulty row nothing is written, and every row's problem is listed."""
    from cases.legacy import TYPES, read_legacy
    from households import services as household_services

    if township.level != "township" or not user_can(imported_by, "handle_cases", township):
        raise PermissionDenied("只有该镇(街道)的经办人可以导入在保对象。")
    result, households = read_legacy(content, township=township)
    if not result.ok:
        return LegacyImport(0, result)
    try:
        with transaction.atomic():
            for legacy in households:
                head = legacy.head
                try:
                    household = household_services.household_create(
                        created_by=imported_by,
                        household={"region": legacy.region, "address": head["address"],
                                   "phone": head.get("phone") or "",
                                   "residence": "rural" if head["residence"] == "农村" else "urban"},
                        head={"name": head["name"], "id_number": head["id_number"]})
                    for member in legacy.members:
                        household_services.member_add(
                            household=household, added_by=imported_by,
                            data={"name": member["name"], "id_number": member["id_number"],
                                  "relation": member["relation"]})
                except (ServiceError, ValidationError) as error:
                    message = error.message if isinstance(error, ServiceError) else "；".join(
                        error.messages)
                    result.error(f"第{head['_row']}行所在家庭：{message}")
                    continue
                _import_case(household, imported_by=imported_by,
                             assistance_type=TYPES[head["assistance_type"]],
                             amount=head["amount"], start_month=legacy.start_month,
                             legacy_number=head.get("legacy_number") or "")
            if not result.ok:
                raise _Refused
    except _Refused:
        return LegacyImport(0, result)
    return LegacyImport(len(households), result)


class _Refused(Exception):
    """Rolls the whole import back when a household could not be written."""


def _import_case(household: Household, *, imported_by: User, assistance_type: str, amount,
                 start_month: datetime.date, legacy_number: str) -> Application:
    township = _township_of(household.region)
    prefix = f"{township.code}-{timezone.localdate().year}"
    app = Application(
        number=f"{prefix}-{_next_number(prefix):05d}", household=household,
        region=household.region, assistance_type=assistance_type,
        reason="原系统在保对象导入", created_by=imported_by)
    with _step(app, by=imported_by, action="import_existing",
               reason="从原系统导入的在保对象") as step:
        app.monthly_amount, app.start_month = amount, start_month
        step.data = {"legacy_number": legacy_number[:50], "start_month": start_month.isoformat()}
    return app
