"""诚信管理 (seed 001 §(二) 2, reading notes 1–3): a fraud finding on a benefit, the
recovery of what was paid under false pretences, and the dishonesty ledger.

The township's caseworker records the facts (查实), the township's approver confirms
(确认) and reports to the district, the district verifies (核实认定) or dismisses. At the
verification the amount due is computed from the months actually paid (BenefitPeriod)
in the period of false pretences and the person enters the dishonesty ledger. The
township records the instalments received; what cannot be recovered is written off only
with a reason and the district's approval. The district pushes the ledger to the public
credit platform (an export, the one place an ID number leaves the system), except for a
person who repaid promptly when the district decides, with its reason, not to push.

Every change is a step of the finding (cases.models.integrity) run through the step
machinery: the right on the region, the state, the guards, and the audit row
(FindingEvent, append-only) in the same transaction. Callers import the module:
`from cases.services import integrity`.

Stopping the benefit is not done here: it needs the household heard first (SL §48) and
is its own decision (cases.services.benefits.benefit_stop); the finding page links to it.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import (
    Benefit,
    DishonestyEntry,
    FindingState,
    FraudFinding,
    FraudMeans,
    PushDecision,
    Repayment,
    Sanction,
)
from cases.services.benefits import add_months, month_start
from cases.services.machinery import _require_text, _step, _township_of, next_number
from core.errors import ServiceError
from households.models import Member
from households.services import record_view

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("10000000")  # a typing guard, not a rule
# A finding that still counts: a second one may not cover the same months (paid back twice).
LIVE = [FindingState.RECORDED, FindingState.CONFIRMED, FindingState.VERIFIED]
# An ID number (15 or 18 characters) or a bank card: never in a text shown on the pages.
LONG_NUMBER = re.compile(r"\d{14,}[\dXx]")


def _text(value: str, message: str, field_name: str, *, required: bool = True) -> str:
    """A free text of the finding: required unless said otherwise; never an ID number
    (DESIGN §7: the pages, the audit rows and the logs show none)."""
    text = _require_text(value, message, field_name) if required else (value or "").strip()
    if LONG_NUMBER.search(text):
        raise ServiceError("请勿填写身份证号或银行账号：写明姓名、关系和事实即可。", field=field_name)
    return text


def months_paid(benefit: Benefit, first: datetime.date, last: datetime.date,
                ) -> tuple[Decimal, list[dict]]:
    """What the benefit paid in each month of first..last (its BenefitPeriod rows; a
    running period runs to `last`), and the exact total. Months already paid are never
    rewritten (cases.services.benefits), so the same months give the same sum later."""
    months = []
    for period in benefit.periods.order_by("first_month"):
        month = max(period.first_month, first)
        end = last if period.last_month is None else min(period.last_month, last)
        while month <= end:
            months.append({"month": f"{month:%Y-%m}", "amount": str(period.amount)})
            month = add_months(month, 1)
    total = sum((Decimal(m["amount"]) for m in months), ZERO)
    return total, months


def _period(first_month: datetime.date, last_month: datetime.date,
            ) -> tuple[datetime.date, datetime.date]:
    first, last = month_start(first_month), month_start(last_month)
    if first > last:
        raise ServiceError("骗取起始月不能晚于截止月。", field="last_month")
    if last > month_start(timezone.localdate()):
        raise ServiceError("骗取截止月不能晚于本月：只能追回已经发放的金额。", field="last_month")
    return first, last


def _member(benefit: Benefit, member_id) -> Member | None:
    if member_id in (None, ""):
        return None
    member = Member.objects.filter(pk=member_id, household_id=benefit.household_id).first()
    if member is None:
        raise ServiceError("请选择该家庭的成员。", field="member")
    return member


def _overlapping(benefit: Benefit, first: datetime.date, last: datetime.date) -> str | None:
    return (benefit.fraud_findings.filter(state__in=LIVE, first_month__lte=last,
                                          last_month__gte=first)
            .values_list("number", flat=True).first())


def finding_record(*, benefit: Benefit, by: User, means: str, facts: str,
                   first_month: datetime.date, last_month: datetime.date,
                   member_id: int | None = None) -> FraudFinding:
    """查实: the township's caseworker records the facts, the means and the period of
    false pretences; the person is the member named, or else the household's head."""
    facts = _text(facts, "请写明查实的事实（如隐瞒的收入、财产，伪造的材料）。", "facts")
    if means not in FraudMeans.values:
        raise ServiceError("请选择骗取手段（虚报、隐瞒或伪造）。", field="means")
    first, last = _period(first_month, last_month)
    member = _member(benefit, member_id)
    if member is None and benefit.household.head is None:
        raise ServiceError("该家庭没有登记户主，请选择失信的家庭成员。", field="member")
    finding = FraudFinding(benefit=benefit, region=benefit.region, means=means, facts=facts,
                           first_month=first, last_month=last, member=member, recorded_by=by)
    with _step(finding, by=by, action="record", reason=facts) as step:
        # Two records of the same months at once: the second waits, then sees the first.
        Benefit.objects.select_for_update().only("pk").get(pk=benefit.pk)
        other = _overlapping(benefit, first, last)
        if other:
            raise ServiceError(f"该期间与认定{other}的骗取期间重叠，同一月份不能重复追回。",
                               field="first_month")
        total, months = months_paid(benefit, first, last)
        if not months:
            raise ServiceError(f"{first:%Y年%m月}至{last:%Y年%m月}该家庭未领取"
                               f"{benefit.get_assistance_type_display()}金，请核对骗取期间。",
                               field="first_month")
        prefix = f"PB-{_township_of(benefit.region).code}-{timezone.localdate().year}"
        finding.number = f"{prefix}-{next_number(prefix):04d}"
        step.data = {"means": means, "first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}",
                     "person": finding.person.name, "paid_in_period": str(total)}
    return finding


def finding_confirm(*, finding: FraudFinding, by: User, note: str = "") -> FraudFinding:
    """确认: the township's approver confirms and reports to the district. The approver
    is never the caseworker who recorded it: one grant per region (accounts.services)."""
    note = _text(note, "", "note", required=False)
    with _step(finding, by=by, action="confirm", expected_state=FindingState.RECORDED,
               reason=note) as step:
        step.application.confirmed_by, step.application.confirmed_on = by, timezone.localdate()
    return step.application


def finding_decline(*, finding: FraudFinding, by: User, reasons: str) -> FraudFinding:
    reasons = _text(reasons, "请写明不予确认的理由。", "reasons")
    with _step(finding, by=by, action="decline", expected_state=FindingState.RECORDED,
               reason=reasons) as step:
        step.application.refusal_reasons = reasons
    return step.application


def finding_verify(*, finding: FraudFinding, by: User, sanction: str, panel: str,
                   note: str = "") -> FraudFinding:
    """核实认定: the amount paid under false pretences, month by month, is stored with the
    finding; the person enters the dishonesty ledger."""
    if sanction not in Sanction.values:
        raise ServiceError("请选择处理方式（批评教育或警告）。", field="sanction")
    # Reading note 2: 邀请法律顾问参与认定或组织法律专家评议团
    panel = _text(panel, "请填写参与认定的法律顾问或法律专家评议团成员。", "panel")
    note = _text(note, "", "note", required=False)
    today = timezone.localdate()
    with _step(finding, by=by, action="verify", expected_state=FindingState.CONFIRMED,
               reason=note) as step:
        item = step.application
        total, months = months_paid(item.benefit, item.first_month, item.last_month)
        if total <= 0:
            raise ServiceError("骗取期间内没有发放记录，无须追回：请作不予认定处理。")
        item.amount_due, item.months = total, months
        item.verified_by, item.verified_on = by, today
        item.sanction, item.panel = sanction, panel
        person = item.person
        DishonestyEntry.objects.create(finding=item, region=item.region, person=person,
                                       name=person.name, entered_on=today)
        step.data = {"amount_due": str(total), "months": len(months), "sanction": sanction,
                     "person": person.name}
    return step.application


def finding_dismiss(*, finding: FraudFinding, by: User, reasons: str) -> FraudFinding:
    reasons = _text(reasons, "请写明不予认定的理由。", "reasons")
    with _step(finding, by=by, action="dismiss", expected_state=FindingState.CONFIRMED,
               reason=reasons) as step:
        step.application.refusal_reasons = reasons
    return step.application


# --- recovery (追回骗取的社会救助资金) ---------------------------------------------------


def _money(value, field_name: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError("请填写正确的金额（元，最多两位小数）。", field=field_name) from None
    if amount <= 0:
        raise ServiceError("金额应大于0。", field=field_name)
    if amount >= MAX_AMOUNT:
        raise ServiceError("金额过大，请核对是否多输了位数。", field=field_name)
    return amount


def finding_record_repayment(*, finding: FraudFinding, by: User, received_on: datetime.date,
                             amount, receipt_number: str) -> Repayment:
    """An instalment received; more than the balance is refused (guard on the step)."""
    amount = _money(amount)
    receipt_number = _require_text(receipt_number, "请填写收据编号。", "receipt_number")
    if received_on > timezone.localdate():
        raise ServiceError("收款日期不能晚于今天。", field="received_on")
    with _step(finding, by=by, action="repay", reason=f"收据{receipt_number}",
               intent={"amount": amount}) as step:
        item = step.application
        if item.repayments.filter(receipt_number=receipt_number).exists():
            raise ServiceError(f"收据{receipt_number}已经登记过，同一笔款不能登记两次。",
                               field="receipt_number")
        repayment = Repayment.objects.create(finding=item, received_on=received_on,
                                             amount=amount, receipt_number=receipt_number,
                                             recorded_by=by)
        step.data = {"amount": str(amount), "received_on": received_on.isoformat(),
                     "receipt_number": receipt_number, "balance": str(item.balance)}
    return repayment


def finding_request_write_off(*, finding: FraudFinding, by: User, reasons: str) -> FraudFinding:
    reasons = _text(reasons, "请写明无法追回、申请核销的理由。", "reasons")
    with _step(finding, by=by, action="request_write_off", reason=reasons) as step:
        item = step.application
        item.write_off_reason, item.write_off_requested_by = reasons, by
        item.write_off_requested_on = timezone.localdate()
        item.save(update_fields=["write_off_reason", "write_off_requested_by",
                                 "write_off_requested_on"])
        step.data = {"balance": str(item.balance)}
    return step.application


def finding_approve_write_off(*, finding: FraudFinding, by: User, note: str = "") -> FraudFinding:
    """The district writes off the balance remaining now (instalments received since the
    request count first)."""
    note = _text(note, "", "note", required=False)
    with _step(finding, by=by, action="approve_write_off", reason=note) as step:
        item = step.application
        amount = item.balance
        item.written_off += amount
        item.written_off_by, item.written_off_on = by, timezone.localdate()
        item.write_off_requested_by = item.write_off_requested_on = None
        item.save(update_fields=["written_off", "written_off_by", "written_off_on",
                                 "write_off_requested_by", "write_off_requested_on"])
        step.data = {"written_off": str(amount), "reason": item.write_off_reason}
    return step.application


def finding_refuse_write_off(*, finding: FraudFinding, by: User, reasons: str) -> FraudFinding:
    reasons = _text(reasons, "请写明不批准核销的理由（如当事人有还款能力）。", "reasons")
    with _step(finding, by=by, action="refuse_write_off", reason=reasons) as step:
        item = step.application
        step.data = {"requested": item.write_off_reason}
        item.write_off_reason = ""
        item.write_off_requested_by = item.write_off_requested_on = None
        item.save(update_fields=["write_off_reason", "write_off_requested_by",
                                 "write_off_requested_on"])
    return step.application


# --- the dishonesty ledger (失信人员台账) and the credit platform ---------------------------


def _decide(finding: FraudFinding, *, by: User, action: str, decision: str,
            reasons: str) -> FraudFinding:
    with _step(finding, by=by, action=action, reason=reasons) as step:
        entry = step.application.ledger_entry
        step.data = {"before": entry.decision, "after": decision}
        entry.decision, entry.decision_reasons = decision, reasons
        entry.decided_by, entry.decided_on = by, timezone.localdate()
        entry.save(update_fields=["decision", "decision_reasons", "decided_by", "decided_on"])
    return step.application


def finding_decide_push(*, finding: FraudFinding, by: User, reasons: str) -> FraudFinding:
    """Reading note 3: serious, or refusing to repay → pushed at the next export, without
    waiting for the prompt-repayment days."""
    reasons = _text(reasons, "请写明推送的理由（如拒不退还骗取资金）。", "reasons")
    return _decide(finding, by=by, action="decide_push", decision=PushDecision.PUSH,
                   reasons=reasons)


def finding_withhold_push(*, finding: FraudFinding, by: User, reasons: str) -> FraudFinding:
    """Reading note 3: repaid promptly with a good attitude after criticism → the district
    may decide not to push; only when the balance was repaid within the region's days."""
    reasons = _text(reasons, "请写明不推送的理由（如批评教育后认错态度较好、已及时退还）。",
                            "reasons")
    return _decide(finding, by=by, action="withhold_push", decision=PushDecision.WITHHOLD,
                   reasons=reasons)


@transaction.atomic  # all the entries of one file, or none
def ledger_push(*, entries: list[DishonestyEntry], by: User) -> None:
    """The export for the public credit platform: each entry's push is a step of its
    finding (audited), the first export stamps it, and reading its ID number counts as a
    view of the household's file (DESIGN §7). `entries` come from the district's
    selector (cases.selectors.integrity.ledger_to_push)."""
    now = timezone.now()
    for entry in entries:
        with _step(entry.finding, by=by, action="push", reason="导出推送公共信用信息平台") as step:
            fresh = step.application.ledger_entry
            if fresh.decision == PushDecision.WITHHOLD:
                raise ServiceError(f"{fresh.name}的失信信息已决定不推送，请刷新后重新导出。")
            again = fresh.pushed_at is not None
            if not again:
                fresh.pushed_at, fresh.pushed_by = now, by
                fresh.save(update_fields=["pushed_at", "pushed_by"])
            step.data = {"again": again}
            record_view(household=step.application.benefit.household, by=by,
                        detail="失信人员台账导出（含身份证号）")
