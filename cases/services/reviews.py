"""复查: reviews of benefits in force (DB §31) and the district's review rounds (年审).

A periodic review falls due by the household's cycle (yearly, or every six months); a
death or a change the household reports opens one due within the region's months; a
self-care change, one due within ten working days. The scheduled job opens the periodic
ones ahead of their date. Checking re-runs the economic-status verification and the
calculation from the household's current data. Continuing is the caseworker's decision;
an adjustment, a gradual exit or a stop changes the household's money: the caseworker
proposes it, the township's approver (not the proposer: 三分离, DESIGN §4 rule 5) decides
it through the benefit's own steps (cases.services.benefits), or sends it back.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from accounts.rules import rule_sources, rule_value, rule_values
from accounts.scope import user_can
from accounts.services import system_user
from cases import guards
from cases.benefit import calculate
from cases.benefit_facts import household_facts, households_with_facts
from cases.models import (
    IN_PAYMENT,
    Benefit,
    BenefitState,
    Review,
    ReviewEvent,
    ReviewKind,
    ReviewOutcome,
    ReviewRound,
    ReviewState,
)
from cases.models.reviews import NEEDS_APPROVAL, OPEN_REVIEW_STATES
from cases.services import benefit_people
from cases.services import benefits as benefit_steps
from cases.services.machinery import (
    _parse_amount,
    _require_text,
    _step,
    _steps,
)
from core.errors import ServiceError
from households.models import Household, Member
from verification.services import verifications_for_households

OPEN = OPEN_REVIEW_STATES  # not decided: a proposal waiting for approval included
CHECKABLE = [ReviewState.OPEN, ReviewState.CHECKED]  # a proposal is sent back first
WORKING = {Member.Employment.EMPLOYED, Member.Employment.FLEXIBLE}


def _opened(review: Review, by: User, reason: str) -> None:
    ReviewEvent.objects.create(review=review, action="open", from_state=review.state,
                               to_state=review.state, actor=by, reason=reason,
                               data={"kind": review.kind, "due_on": review.due_on.isoformat()})


def review_open(*, benefit: Benefit, by: User, kind: str, note: str = "",
                member_id: int | None = None) -> Review:
    """A review the township opens: a member's death, a change the household reports,
    a self-care change. A benefit has one open review at a time: a further reason joins
    it and brings its due date forward when sooner."""
    if not by.is_system and not user_can(by, "handle_cases", benefit.region):
        raise PermissionDenied("只有该镇(街道)的经办人可以登记家庭变化。")
    if kind not in (ReviewKind.DEATH, ReviewKind.CHANGE, ReviewKind.SELF_CARE):
        raise ServiceError("请选择变化类型。", field="kind")
    note = _require_text(note, "请写明家庭报告的变化（如哪位成员、何时、什么变化）。", "note")
    today = timezone.localdate()
    if kind == ReviewKind.SELF_CARE:
        due = benefit_people.self_care_reassessment_due(benefit, today)
    else:
        months = rule_value("review_after_change_months", benefit.region, today)
        due = benefit_steps.months_later(today, months)
    member = None
    if member_id:
        member = Member.objects.filter(pk=member_id, household_id=benefit.household_id).first()
        if member is None:
            raise ServiceError("请选择该家庭的成员。", field="member")
    with transaction.atomic():
        benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
        if benefit.state not in IN_PAYMENT:
            raise ServiceError(f"该在保记录已{benefit.get_state_display()}，无须核查。")
        review = Review.objects.filter(benefit=benefit, state__in=OPEN).first()
        if review is not None:
            review.note = f"{review.note}\n{ReviewKind(kind).label}：{note}".strip()
            review.due_on = min(review.due_on, due)
            review.save(update_fields=["note", "due_on"])
            ReviewEvent.objects.create(review=review, action="reason_added",
                                       from_state=review.state, to_state=review.state,
                                       actor=by, reason=note,
                                       data={"kind": kind, "due_on": review.due_on.isoformat()})
            return review
        review = Review.objects.create(benefit=benefit, region=benefit.region, kind=kind,
                                       opened_on=today, due_on=due,
                                       note=f"{ReviewKind(kind).label}：{note}", member=member)
        _opened(review, by, note)
    return review


def reviews_open_due(*, today: datetime.date | None = None) -> int:
    """The scheduled job: a periodic review for every benefit whose date comes within
    the region's lead days and has none open. Idempotent; a few queries per region."""
    today = today or timezone.localdate()
    system = system_user()
    opened = 0
    open_review = Review.objects.filter(benefit=OuterRef("pk"), state__in=OPEN)
    lead_by_region: dict[int, int] = {}
    due = (Benefit.objects.filter(state=BenefitState.PAYING, next_review_on__isnull=False)
           .filter(~Exists(open_review)).select_related("region").order_by("pk"))
    batch = []
    for benefit in due.filter(next_review_on__lte=today + datetime.timedelta(days=90)).iterator(
            chunk_size=2000):
        lead = lead_by_region.get(benefit.region_id)
        if lead is None:
            lead = lead_by_region[benefit.region_id] = rule_value(
                "review_open_days_before", benefit.region, today)
        if benefit.next_review_on - datetime.timedelta(days=lead) > today:
            continue
        batch.append(Review(benefit=benefit, region_id=benefit.region_id,
                            kind=ReviewKind.PERIODIC, opened_on=today,
                            due_on=benefit.next_review_on))
    with transaction.atomic():
        created = Review.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=False)
        ReviewEvent.objects.bulk_create(
            [ReviewEvent(review=r, action="open", from_state=r.state, to_state=r.state,
                         actor=system, reason="定期核查到期",
                         data={"kind": r.kind, "due_on": r.due_on.isoformat()})
             for r in created], batch_size=2000)
        opened = len(created)
    return opened


# --- checking: verification and calculation again -----------------------------------------


def reviews_check(*, review_ids: list[int], by: User) -> int:
    """Verify and calculate again for these reviews (one of them from its page, a
    chunk of a round from a worker). Reviews decided or waiting for approval are left
    alone."""
    reviews = list(Review.objects.filter(pk__in=review_ids, state__in=CHECKABLE)
                   .select_related("benefit__region", "benefit__household", "region"))
    if not reviews:
        return 0
    today = timezone.localdate()
    household_ids = [r.benefit.household_id for r in reviews]
    checks = verifications_for_households(household_ids=household_ids, by=by)
    households = households_with_facts(Household.objects.filter(pk__in=household_ids)).in_bulk()
    rules_by_region: dict[int, dict] = {}
    found = {}
    for review in reviews:
        benefit = review.benefit
        rules = rules_by_region.get(benefit.region_id)
        if rules is None:
            rules = rules_by_region[benefit.region_id] = {
                **rule_values(benefit.region, today),
                "_sources": rule_sources(benefit.region, today)}
        calc = calculate(household_facts(households[benefit.household_id]),
                         benefit.assistance_type, rules, applied_on=today)
        found[review.pk] = (calc, checks.get(benefit.household_id))
    now = timezone.now()
    with _steps(reviews, by=by, action="recheck",
                fields=["verification", "calculation", "checked_at"]) as taken:
        for step in taken:
            item = step.application
            calc, check = found[item.pk]
            item.verification, item.calculation, item.checked_at = check, calc.as_dict(), now
            step.data = {"eligible": calc.eligible, "total": calc.total or None,
                         "warning": bool(check and check.has_warning)}
    return len(taken)


def review_check(*, review: Review, by: User) -> Review:
    if not by.is_system and not user_can(by, "handle_cases", review.region):
        raise PermissionDenied("只有该镇(街道)的经办人可以办理核查。")
    if review.state == ReviewState.DECIDED:
        raise ServiceError("该核查已作出结论。")
    if review.state == ReviewState.PROPOSED:
        raise ServiceError("该核查意见已报审批，不能重新核对测算；如需重新核对，请审批人退回。")
    with transaction.atomic():
        reviews_check(review_ids=[review.pk], by=by)
    review.refresh_from_db()
    return review


# --- the decision ---------------------------------------------------------------------------


def review_continue(*, review: Review, by: User, reasons: str = "") -> Review:
    """继续享受: no one's money changes, so the caseworker decides it alone; the next
    periodic review follows the household's cycle."""
    today = timezone.localdate()
    with transaction.atomic():
        with _step(review, by=by, action="decide_continue", reason=reasons.strip(),
                   expected_state=ReviewState.CHECKED) as step:
            item = step.application
            item.outcome, item.decided_by, item.decided_on = ReviewOutcome.CONTINUE, by, today
            item.reasons = reasons.strip()
            step.data = {"outcome": ReviewOutcome.CONTINUE}
        _next_review(item, today)
    return item


def review_propose(*, review: Review, by: User, outcome: str, reasons: str = "", amount=None,
                   exit_months=None, deviation: str = "") -> Review:
    """调整、渐退或停发, proposed by the caseworker for the approver's decision. What the
    decision would refuse is refused here already: the household's views not heard
    before a cut, an exit or a stop (the benefit's guards, SL §48), an amount that departs
    from the calculation without a reason for it, a gradual exit the calculation does not
    support, months the region does not allow."""
    if outcome == ReviewOutcome.CONTINUE:
        return review_continue(review=review, by=by, reasons=reasons)
    if outcome not in NEEDS_APPROVAL:
        raise ServiceError("请选择核查结论。", field="outcome")
    reasons = _require_text(reasons, "调整、渐退或停发须写明理由，理由将写入书面通知。", "reasons")
    deviation = (deviation or "").strip()
    calculated = _calculated(review)
    benefit = Benefit.objects.get(pk=review.benefit_id)
    chosen = months = None
    if outcome == ReviewOutcome.ADJUST:
        chosen = _proposed_amount(benefit, calculated, amount, deviation)
    else:
        deviation = ""  # an amount is only proposed with an adjustment
    if outcome == ReviewOutcome.EXIT:
        _check_exit_allowed(review)
        months = _exit_months(benefit, exit_months)
    _refuse_what_the_benefit_would(benefit, outcome, chosen)
    with transaction.atomic():
        with _step(review, by=by, action="propose", reason=reasons,
                   expected_state=ReviewState.CHECKED) as step:
            item = step.application
            item.outcome, item.new_amount, item.exit_months = outcome, chosen, months
            item.reasons, item.deviation = reasons, deviation
            item.proposed_by, item.proposed_on = by, timezone.localdate()
            step.data = _proposal_data(item, calculated)
    return item


def _calculated(review: Review) -> Decimal | None:
    """The monthly amount the review's calculation found, if it found one."""
    total = (review.calculation or {}).get("total")
    return Decimal(total) if total else None


def _proposed_amount(benefit: Benefit, calculated, amount, deviation: str):
    """The new monthly amount, the calculation's by default; another one needs its
    explanation (as an approval's does, cases.services.machinery._amount_against)."""
    if amount in (None, "") and calculated is None:
        raise ServiceError("选择“调整金额”时请填写调整后的月保障金额。", field="amount")
    chosen = _parse_amount(calculated if amount in (None, "") else amount)
    if chosen == benefit.monthly_amount:
        raise ServiceError(f"新金额与现金额（{benefit.monthly_amount}元）相同，无须调整；"
                           "如维持不变请作出“继续享受”的结论。", field="amount")
    if calculated is not None and chosen != calculated and not deviation:
        raise ServiceError(f"调整后金额（{chosen}元）与本次测算结果（{calculated}元）不同，"
                           "请写明与测算结果不同的理由。", field="deviation")
    return chosen


def _exit_months(benefit: Benefit, months) -> int:
    allowed = rule_value("gradual_exit_months", benefit.region, timezone.localdate())
    months = allowed if months in (None, "") else int(months)
    if not 1 <= months <= allowed:
        raise ServiceError(f"渐退期应为1至{allowed}个月（本地规定）。", field="exit_months")
    return months


BENEFIT_STEPS = {ReviewOutcome.ADJUST: "adjust", ReviewOutcome.EXIT: "begin_exit",
                 ReviewOutcome.STOP: "stop"}


def _refuse_what_the_benefit_would(benefit: Benefit, outcome: str, amount) -> None:
    """The benefit step's own state and guards (declared on Benefit), asked at the
    proposal, so that the caseworker learns now what the approver's decision would meet."""
    method = getattr(benefit, BENEFIT_STEPS[outcome])
    if not method._django_fsm.has_transition(benefit.state):
        raise ServiceError(f"该在保记录当前为「{benefit.get_state_display()}」，"
                           f"不能{ReviewOutcome(outcome).label}。", field="outcome")
    benefit._intent = {"amount": amount}
    problems = guards.refusals(benefit, method)
    if problems:
        raise ServiceError("；".join(problems))


def _proposal_data(review: Review, calculated) -> dict:
    data = {"outcome": review.outcome}
    if review.new_amount is not None:
        data["amount"] = str(review.new_amount)
    if review.exit_months:
        data["exit_months"] = review.exit_months
    if calculated is not None:
        data["calculated"] = str(calculated)
    if review.deviation:
        data["deviation"] = review.deviation
    return data


def review_decide(*, review: Review, by: User) -> Review:
    """审批: the township's approver, not the proposer (三分离), agrees to the proposal;
    the benefit's own step carries it out (its guards checked once more) and writes the
    notice with the reasons and the right to reconsideration or litigation."""
    today = timezone.localdate()
    with transaction.atomic():
        with _step(review, by=by, action="decide", expected_state=ReviewState.PROPOSED) as step:
            item = step.application
            item.decided_by, item.decided_on = by, today
            step.data = _proposal_data(item, _calculated(item))
        benefit = Benefit.objects.get(pk=item.benefit_id)
        # The approver takes the benefit's own step (declared for the approver's role).
        if item.outcome == ReviewOutcome.ADJUST:
            benefit_steps.benefit_adjust(benefit=benefit, by=by, amount=item.new_amount,
                                         reasons=item.reasons, review=item)
        elif item.outcome == ReviewOutcome.EXIT:
            _check_exit_allowed(item)
            benefit_steps.benefit_begin_exit(benefit=benefit, by=by, reasons=item.reasons,
                                             months=item.exit_months, review=item)
        elif item.outcome == ReviewOutcome.STOP:
            benefit_steps.benefit_stop(benefit=benefit, by=by, reasons=item.reasons,
                                       review=item)
        if item.outcome == ReviewOutcome.ADJUST:
            _next_review(item, today)
    return item


def review_send_back(*, review: Review, by: User, reason: str) -> Review:
    """退回: the approver returns the proposal to the caseworker with a reason; the
    review is checked again and a new proposal (or 继续享受) follows."""
    reason = _require_text(reason, "请写明退回的理由（如须补充核实的情况）。", "reason")
    with _step(review, by=by, action="send_back", reason=reason,
               expected_state=ReviewState.PROPOSED) as step:
        item = step.application
        step.data = {"outcome": item.outcome}
        item.outcome, item.new_amount, item.exit_months = "", None, None
        item.reasons, item.deviation, item.proposed_by, item.proposed_on = "", "", None, None
    return item


def _next_review(review: Review, today: datetime.date) -> None:
    benefit = Benefit.objects.get(pk=review.benefit_id)
    benefit.next_review_on = benefit_steps.next_review(benefit, today)
    benefit.save(update_fields=["next_review_on", "review_months"])


def _check_exit_allowed(review: Review) -> None:
    """DB §33: a gradual exit is for a household that work income lifted over the line."""
    calc = review.calculation or {}
    if calc.get("eligible") is not False:
        raise ServiceError("渐退适用于因就业收入超过低保标准的家庭；本次测算仍符合条件，"
                           "请选择“继续享受”或“调整金额”。", field="outcome")
    if not review.benefit.household.members.filter(employment__in=WORKING).exists():
        raise ServiceError("渐退适用于家庭成员就业后收入超过标准的情形；该家庭没有登记在业成员，"
                           "请核实就业情况，或选择停止发放（须先听取意见）。", field="outcome")


ROUND_CHUNK = 500


def round_chunks(review_round: ReviewRound) -> list[list[int]]:
    """The round's reviews still to check, in chunks for the workers."""
    ids = list(review_round.reviews.filter(state=ReviewState.OPEN).order_by("pk")
               .values_list("pk", flat=True))
    return [ids[n:n + ROUND_CHUNK] for n in range(0, len(ids), ROUND_CHUNK)]


def unchecked_rounds(*, older_than_minutes: int = 30) -> list[ReviewRound]:
    """Running rounds opened a while ago: a chunk of theirs may have been lost."""
    since = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    return list(ReviewRound.objects.filter(opened_at__lt=since,
                                           due_on__gte=timezone.localdate()))
