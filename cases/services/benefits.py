"""Benefits in force (在保) and their changes: the start at a confirmation or an import,
an adjustment, a gradual exit, a stop heard first, the cut of one person's share for
refusing work, a self-care assessment and its care line (DB §31–34; SL §48; TK §21–23).

Every change runs as a step of the benefit (cases.models.benefits) through the step
machinery: the right, the state, the guards (views heard before a cut or a stop), the
audit row with the amounts before and after and the month it takes effect. A change
takes effect from the month the region's rule says (`change_effective_months`): the
months already paid are never rewritten, the running period closes and a new one opens.
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from accounts.models import User
from accounts.rules import rule_value, rule_values
from accounts.services import system_user
from cases.models import (
    LONG_TERM_PUBLICITY,
    ONE_OFF_TYPES,
    Application,
    Benefit,
    BenefitPeriod,
    BenefitState,
    ReviewCycle,
    Views,
)
from cases.services.machinery import _parse_amount, _require_text, _step
from core.errors import ServiceError
from households.models import Member
from publicity import services as publicity

ZERO = Decimal("0")
CENT = Decimal("0.01")
# The national rule's notice of rights (DB §38; SL §45, §76).
RIGHTS = ("如对本决定不服，可以自收到本通知之日起六十日内向区人民政府申请行政复议，"
          "或者六个月内向人民法院提起行政诉讼。")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_later(day: datetime.date, n: int) -> datetime.date:
    """The same day `n` months later, clamped to the month's end (31 August + 6 = 28 or
    29 February)."""
    month = add_months(month_start(day), n)
    following = add_months(month, 1)
    return month.replace(day=min(day.day, (following - datetime.timedelta(days=1)).day))


def effective_month(benefit: Benefit, today: datetime.date) -> datetime.date:
    """The first month a change decided today applies to (the region's rule)."""
    after = rule_value("change_effective_months", benefit.region, today)
    return add_months(month_start(today), after)


# --- the start -----------------------------------------------------------------------


def review_cycle(household, assistance_type: str, today: datetime.date, rules: dict) -> int:
    """DB §31: yearly for 特困 persons and stable households; every six months where a
    member of working age can work or earns irregularly (flexible work)."""
    if assistance_type == "tekun":
        return ReviewCycle.YEARLY
    for member in household.members.all():
        age = _age(member.birth_date, today)
        able = (member.employment not in {Member.Employment.UNABLE, Member.Employment.STUDENT,
                                          Member.Employment.RETIRED,
                                          Member.Employment.PRESCHOOL}
                and member.disability not in {Member.Disability.GRADE_1, Member.Disability.GRADE_2}
                and member.health != Member.Health.SERIOUS)
        if member.employment == Member.Employment.FLEXIBLE or (
                able and rules["working_age_from"] <= age < rules["working_age_to"]):
            return ReviewCycle.HALF_YEARLY
    return ReviewCycle.YEARLY


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _cycle_months(cycle: int, rules: dict) -> int:
    return (rules["review_months_irregular"] if cycle == ReviewCycle.HALF_YEARLY
            else rules["review_months_stable"])


def next_review(benefit: Benefit, since: datetime.date) -> datetime.date:
    """The next periodic review: the cycle's months after `since` (the decision, or the
    last review's)."""
    rules = rule_values(benefit.region, since)
    benefit.review_months = review_cycle(benefit.household, benefit.assistance_type, since, rules)
    return months_later(since, _cycle_months(benefit.review_months, rules))


def share_lines(app_or_amount, members: list[Member], care: list[dict] | None = None,
                ) -> list[dict]:
    """The parts of an amount: each member's equal share of the basic amount (the cent
    left over goes to the first), then the care lines."""
    care = care or []
    total = app_or_amount
    basic = total - sum((Decimal(c["amount"]) for c in care), ZERO)
    if not members:
        return [{"kind": "basic", "member": None, "name": "", "amount": str(basic)}, *care]
    each = (basic / len(members)).quantize(CENT, rounding=ROUND_DOWN)
    lines = []
    for n, member in enumerate(members):
        amount = each + (basic - each * len(members) if n == 0 else ZERO)
        lines.append({"kind": "share", "member": member.pk, "name": member.name,
                      "amount": str(amount)})
    return lines + care


def paid_members(household, assistance_type: str) -> list[Member]:
    """Whose shares make up the amount: 特困 is one person's (the applicant, the head);
    the other types are the household's."""
    members = list(household.members.all())
    if assistance_type == "tekun":
        return [m for m in members if m.relation == Member.Relation.HEAD][:1] or members[:1]
    return members


def _care_lines(app: Application) -> list[dict]:
    """The care-subsidy lines of the calculation stored with the decision."""
    lines = []
    for line in (app.calculation or {}).get("lines", []):
        if line.get("kind") == "subsidy" and line.get("amount"):
            name = line["item"].partition("（")[2].rstrip("）")
            lines.append({"kind": "care", "member": None, "name": name,
                          "amount": line["amount"]})
    return lines


def benefit_start(*, application: Application, by: User) -> Benefit:
    """在保 from a confirmation or an import, inside its transaction: the benefit, its
    first period and its audit row. The one-off types are paid once."""
    today = application.decided_on or timezone.localdate()
    one_off = application.assistance_type in ONE_OFF_TYPES
    members = paid_members(application.household, application.assistance_type)
    benefit = Benefit(household=application.household, region=application.region,
                      assistance_type=application.assistance_type, application=application,
                      monthly_amount=application.monthly_amount,
                      start_month=application.start_month,
                      state=BenefitState.PAID_ONCE if one_off else BenefitState.PAYING,
                      last_month=application.start_month if one_off else None)
    if not one_off:
        benefit.next_review_on = next_review(benefit, today)
    benefit.save()
    BenefitPeriod.objects.create(
        benefit=benefit, first_month=benefit.start_month, last_month=benefit.last_month,
        amount=benefit.monthly_amount,
        lines=share_lines(benefit.monthly_amount, members, _care_lines(application)))
    benefit.step_event(action="start", from_state=benefit.state, to_state=benefit.state,
                          actor=by, reason="", amount_after=benefit.monthly_amount,
                          effective_month=benefit.start_month,
                          data={"case": application.number}).save()
    return benefit


def open_benefit(household_id: int, assistance_type: str) -> Benefit | None:
    """The benefit of this type the household is paid now, if any."""
    return (Benefit.objects.filter(household_id=household_id, assistance_type=assistance_type,
                                   state__in=[BenefitState.PAYING, BenefitState.EXITING])
            .select_related("application").first())


# --- the household heard (SL §48) ---------------------------------------------------------


def benefit_hear_views(*, benefit: Benefit, by: User, proposed: str, heard_on: datetime.date,
                       person: str, statement: str = "", declined: bool = False,
                       review=None) -> Views:
    """听取意见: who was heard, when, what they said, or that they declined."""
    proposed = _require_text(proposed, "请写明拟作出的决定（如“拟停发低保金”）。", "proposed")
    person = _require_text(person, "请填写陈述人（家庭成员姓名）。", "person")
    if not declined and not statement.strip():
        raise ServiceError("请记录陈述、申辩的内容；家庭拒绝陈述的，请勾选“拒绝陈述”。",
                           field="statement")
    if heard_on > timezone.localdate():
        raise ServiceError("听取意见日期不能晚于今天。", field="heard_on")
    with _step(benefit, by=by, action="hear_views", reason=proposed) as step:
        views = Views.objects.create(benefit=step.application, review=review, proposed=proposed,
                                     heard_on=heard_on, person=person,
                                     statement=statement.strip(), declined=declined,
                                     recorded_by=by)
        step.data = {"person": person, "declined": declined, "heard_on": heard_on.isoformat()}
    return views


# --- changes ------------------------------------------------------------------------------


def _change_period(benefit: Benefit, *, starting: datetime.date, amount: Decimal | None,
                   lines: list[dict] | None = None, last_month: datetime.date | None = None):
    """Close the running period before `starting`; open a new one with `amount` unless
    the benefit stops (amount None). Months already paid are never rewritten."""
    current = benefit.periods.filter(last_month__isnull=True).order_by("-first_month").first()
    if current is None:
        current = benefit.periods.order_by("-first_month").first()
    if current is not None and current.first_month >= starting:
        # A second change before the first took effect replaces it.
        current.delete()
        current = benefit.periods.order_by("-first_month").first()
        if current is not None:
            current.last_month = None
    if current is not None:
        current.last_month = add_months(starting, -1)
        current.save(update_fields=["last_month"])
    if amount is not None:
        if benefit.state == BenefitState.EXITING:  # a change during a gradual exit ends with it
            if starting > benefit.last_month:
                raise ServiceError(f"渐退期到{benefit.last_month:%Y年%m月}结束，"
                                   "此后不再发放，无须调整。")
            last_month = benefit.last_month
        BenefitPeriod.objects.create(benefit=benefit, first_month=starting, last_month=last_month,
                                     amount=amount, lines=lines or [])


def _current_lines(benefit: Benefit) -> list[dict]:
    period = benefit.periods.order_by("-first_month").first()
    if period is not None and period.lines:
        return [dict(line) for line in period.lines]
    return share_lines(benefit.monthly_amount,
                       paid_members(benefit.household, benefit.assistance_type))


def _notice(benefit: Benefit, what: str, reasons: str, starting: datetime.date) -> str:
    reasons = reasons.strip().rstrip("。.；;，, ")
    return (f"经核查，{what}，自{starting:%Y年%m月}起执行。理由：{reasons}。{RIGHTS}")


def _board(benefit: Benefit, *, amount: Decimal | None, starting: datetime.date) -> None:
    if benefit.assistance_type not in LONG_TERM_PUBLICITY:
        return
    if amount is None:
        publicity.long_term_stop(application_id=benefit.application_id, on=starting)
    else:
        publicity.long_term_change(application_id=benefit.application_id, monthly_amount=amount,
                                   on=starting)


def benefit_adjust(*, benefit: Benefit, by: User, amount, reasons: str, review=None,
                   lines: list[dict] | None = None, action: str = "adjust") -> Benefit:
    """增发或减发: a new monthly amount from the month the rule says; a cut rests on the
    household's views (guard on the step)."""
    reasons = _require_text(reasons, "请写明调整金额的理由，理由将写入书面通知。", "reasons")
    amount = _parse_amount(amount)
    today = timezone.localdate()
    with _step(benefit, by=by, action=action, reason=reasons,
               intent={"amount": amount}) as step:
        item = step.application
        before = item.monthly_amount
        if amount == before:
            raise ServiceError(f"新金额与现金额（{before}元）相同，无须调整；"
                               "如维持不变请作出“继续享受”的结论。", field="amount")
        starting = effective_month(item, today)
        if lines is None:
            care = [line for line in _current_lines(item) if line["kind"] == "care"]
            lines = share_lines(amount, paid_members(item.household, item.assistance_type),
                                care)
        _change_period(item, starting=starting, amount=amount, lines=lines)
        item.monthly_amount = amount
        item.save(update_fields=["monthly_amount"])
        what = f"月保障金额由{before}元调整为{amount}元"
        step.event = {"amount_before": before, "amount_after": amount,
                      "effective_month": starting, "review": review,
                      "views": _views_for(item, amount < before)}
        step.data = {"notice": _notice(item, what, reasons, starting)}
        _board(item, amount=amount, starting=starting)
    return step.application


def _views_for(benefit: Benefit, needed: bool):
    if not needed:
        return None
    return benefit.views.filter(used_by__isnull=True).order_by("-heard_on", "-id").first()


def benefit_stop(*, benefit: Benefit, by: User, reasons: str, review=None) -> Benefit:
    """停发: after the household was heard; paid to the month before the rule's month."""
    reasons = _require_text(reasons, "请写明停发的理由，理由将写入书面通知。", "reasons")
    today = timezone.localdate()
    with _step(benefit, by=by, action="stop", reason=reasons) as step:
        item = step.application
        starting = effective_month(item, today)
        _change_period(item, starting=starting, amount=None)
        item.last_month = add_months(starting, -1)  # saved with the new state
        item.next_review_on = None  # nothing left to review
        step.event = {"amount_before": item.monthly_amount, "amount_after": ZERO,
                      "effective_month": starting, "review": review,
                      "views": _views_for(item, True)}
        step.data = {"notice": _notice(item, f"停止发放{item.get_assistance_type_display()}金",
                                       reasons, starting)}
        _board(item, amount=None, starting=starting)
    return step.application


def benefit_begin_exit(*, benefit: Benefit, by: User, reasons: str, months: int | None = None,
                       review=None) -> Benefit:
    """渐退 (DB §33; seed 001 reading note 5(5)): work income lifted the household over
    the line; the benefit goes on for the region's months, then stops by itself."""
    reasons = _require_text(reasons, "请写明渐退的理由（如家庭成员就业后收入超过低保标准）。", "reasons")
    today = timezone.localdate()
    allowed = rule_value("gradual_exit_months", benefit.region, today)
    months = allowed if months in (None, "") else int(months)
    if not 1 <= months <= allowed:
        raise ServiceError(f"渐退期应为1至{allowed}个月（本地规定）。", field="months")
    with _step(benefit, by=by, action="begin_exit", reason=reasons) as step:
        item = step.application
        starting = effective_month(item, today)
        last = add_months(starting, months - 1)
        current = item.periods.filter(last_month__isnull=True).first()
        if current is not None:
            current.last_month = last
            current.save(update_fields=["last_month"])
        item.last_month = last  # saved with the new state
        item.next_review_on = None  # the exit ends it; no periodic review falls due
        step.event = {"amount_before": item.monthly_amount, "amount_after": item.monthly_amount,
                      "effective_month": starting, "review": review,
                      "views": _views_for(item, True)}
        step.data = {"months": months, "last_month": last.isoformat(),
                     "notice": _notice(item, f"给予{months}个月渐退期，{last:%Y年%m月}后停止发放",
                                       reasons, starting)}
        _board(item, amount=None, starting=add_months(last, 1))
    return step.application


def benefits_end_exits(*, today: datetime.date | None = None) -> int:
    """The scheduled sweep: gradual exits whose last month has passed stop (by the
    system user, with the notice). Idempotent."""
    today = today or timezone.localdate()
    system = system_user()
    ended = 0
    for benefit in Benefit.objects.filter(state=BenefitState.EXITING,
                                          last_month__lt=month_start(today)):
        with _step(benefit, by=system, action="end_exit", reason="渐退期满") as step:
            item = step.application
            step.event = {"amount_before": item.monthly_amount, "amount_after": ZERO,
                          "effective_month": add_months(item.last_month, 1)}
            step.data = {"notice": _notice(item, "渐退期已满，停止发放", "渐退期满",
                                           add_months(item.last_month, 1))}
        ended += 1
    return ended
