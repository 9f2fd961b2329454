"""A member's part of a benefit: the cut of one person's share for refusing suitable
work three times (DB §34; ZX §45), and the self-care assessment with the care line that
follows it (TK §21–23; seed 001 §(三)). Steps of the benefit, run through the step
machinery like the others in cases.services.benefits."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import rule_value, rule_values
from accounts.workdays import add_working_days
from cases.models import Benefit, SelfCareAssessment, WorkRefusal
from cases.services.benefits import (
    ZERO,
    _board,
    _change_period,
    _current_lines,
    _notice,
    _views_for,
    benefit_adjust,
    effective_month,
)
from cases.services.machinery import _require_text, _step
from core.errors import ServiceError
from households.models import Member


def _member_of(benefit: Benefit, member_id) -> Member:
    member = Member.objects.filter(pk=member_id, household_id=benefit.household_id).first()
    if member is None:
        raise ServiceError("请选择该家庭的成员。", field="member")
    return member


def benefit_record_work_refusal(*, benefit: Benefit, by: User, member_id: int,
                                refused_on: datetime.date, offer: str) -> WorkRefusal:
    offer = _require_text(offer, "请写明介绍的工作（单位、岗位）。", "offer")
    if refused_on > timezone.localdate():
        raise ServiceError("拒绝日期不能晚于今天。", field="refused_on")
    member = _member_of(benefit, member_id)
    with _step(benefit, by=by, action="work_refusal", reason=offer) as step:
        refusal = WorkRefusal.objects.create(benefit=step.application, member=member,
                                             refused_on=refused_on, offer=offer, recorded_by=by)
        count = step.application.work_refusals.filter(member=member).count()
        step.data = {"member": member.name, "count": count}
    return refusal


def benefit_cut_share(*, benefit: Benefit, by: User, member_id: int, reasons: str) -> Benefit:
    """DB §34: the person who refused suitable work loses their own share; the others'
    shares and the care lines stay."""
    reasons = _require_text(reasons, "请写明减发理由，理由将写入书面通知。", "reasons")
    member = _member_of(benefit, member_id)
    today = timezone.localdate()
    with _step(benefit, by=by, action="cut_share", reason=reasons,
               intent={"member": member.pk}) as step:
        item = step.application
        lines = _current_lines(item)
        share = next((line for line in lines
                      if line["kind"] == "share" and line["member"] == member.pk), None)
        if share is None or Decimal(share["amount"]) == 0:
            raise ServiceError(f"{member.name}本人部分已减发，无须重复办理。")
        cut = Decimal(share["amount"])
        share["amount"], share["cut"] = "0.00", str(cut)
        before = item.monthly_amount
        amount = before - cut
        starting = effective_month(item, today)
        _change_period(item, starting=starting, amount=amount, lines=lines)
        item.monthly_amount = amount
        item.save(update_fields=["monthly_amount"])
        step.event = {"amount_before": before, "amount_after": amount,
                      "effective_month": starting, "views": _views_for(item, True)}
        step.data = {"member": member.name, "cut": str(cut),
                     "notice": _notice(item, f"{member.name}无正当理由多次拒绝接受介绍的工作，"
                                       f"减发其本人部分{cut}元，月保障金额由{before}元调整为{amount}元",
                                       reasons, starting)}
        _board(item, amount=amount, starting=starting)
    return step.application


def self_care_level(not_managed: list[str]) -> str:
    """TK §21–23: four or more of the six not managed = fully dependent; one to three =
    partly; none = able."""
    count = len(set(not_managed))
    if count >= 4:
        return Member.SelfCare.FULL
    return Member.SelfCare.PARTIAL if count else Member.SelfCare.ABLE


def care_line(benefit: Benefit, member: Member, level: str, on: datetime.date) -> Decimal:
    """The care line the assessment gives: 特困 by the region's care standard per level;
    an urban 低保 member fully dependent and seriously ill or severely disabled gets the
    care subsidy (seed 001 §(三))."""
    rules = rule_values(benefit.region, on)
    if benefit.assistance_type == "tekun":
        key = {Member.SelfCare.FULL: "tekun_care_full",
               Member.SelfCare.PARTIAL: "tekun_care_partial"}.get(level)
        return rules[key] or ZERO if key else ZERO
    severe = (member.health == Member.Health.SERIOUS
              or member.disability in {Member.Disability.GRADE_1, Member.Disability.GRADE_2})
    urban = benefit.household.residence == "urban"
    if benefit.assistance_type == "dibao" and urban and severe and level == Member.SelfCare.FULL:
        return rules["care_subsidy_monthly"]
    return ZERO


def benefit_assess_self_care(*, benefit: Benefit, by: User, member_id: int,
                             not_managed: list[str], assessed_on: datetime.date,
                             assessors: str, review=None) -> SelfCareAssessment:
    """自理能力评估: the result sets the member's self-care level and the care line; a
    lower care line is a cut and rests on views heard (guard on the adjustment)."""
    assessors = _require_text(assessors, "请填写评估人员（至少2人）。", "assessors")
    codes = {code for code, _ in SelfCareAssessment.ACTIVITIES}
    if set(not_managed) - codes:
        raise ServiceError("评估项目不正确。", field="not_managed")
    if assessed_on > timezone.localdate():
        raise ServiceError("评估日期不能晚于今天。", field="assessed_on")
    member = _member_of(benefit, member_id)
    level = self_care_level(not_managed)
    with transaction.atomic():
        with _step(benefit, by=by, action="assess_self_care",
                   reason=f"{member.name}：{Member.SelfCare(level).label}") as step:
            item = step.application
            assessment = SelfCareAssessment.objects.create(
                member=member, benefit=item, assessed_on=assessed_on,
                not_managed=sorted(set(not_managed)), result=level, assessors=assessors,
                recorded_by=by)
            Member.objects.filter(pk=member.pk).update(self_care=level)
            member.self_care = level
            step.data = {"member": member.name, "result": level,
                         "not_managed": sorted(set(not_managed))}
        _follow_care_line(item, by=by, member=member, level=level, on=assessed_on,
                          review=review)
    return assessment


def _follow_care_line(benefit: Benefit, *, by: User, member: Member, level: str,
                      on: datetime.date, review=None) -> None:
    line = care_line(benefit, member, level, on)
    lines = _current_lines(benefit)
    others = [x for x in lines if not (x["kind"] == "care" and x.get("member") == member.pk)]
    old = next((Decimal(x["amount"]) for x in lines
                if x["kind"] == "care" and x.get("member") == member.pk), ZERO)
    if line == old:
        return
    new_lines = others + ([{"kind": "care", "member": member.pk, "name": member.name,
                            "amount": str(line)}] if line else [])
    amount = benefit.monthly_amount - old + line
    benefit_adjust(benefit=benefit, by=by, amount=amount, lines=new_lines, review=review,
                   action="follow_care_line",
                   reasons=f"{member.name}自理能力评估为{Member.SelfCare(level).label}，"
                           f"照料护理（失能护理补贴）由{old}元调整为{line}元")


def self_care_reassessment_due(benefit: Benefit, today: datetime.date) -> datetime.date:
    days = rule_value("self_care_reassessment_days", benefit.region, today)
    return add_working_days(today, days).date
