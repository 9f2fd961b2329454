"""Monthly rosters of beneficiaries (seed 003)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.rules import rule_values
from accounts.scope import user_can
from core.errors import ServiceError
from filing.models import (
    MonthlyRoster,
    RosterLine,
)
from filing.services.common import beneficiaries, month_start
from households.models import Member


@dataclass
class RosterDraft:
    township: Region
    month: datetime.date
    lines: list[RosterLine] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    households: int = 0
    people: int = 0
    amount: Decimal = Decimal("0")


def roster_draft(*, township: Region, month: datetime.date) -> RosterDraft:
    """The roster as it would be submitted now (not saved): one line per benefit period
    paid in the month, with that period's amount. One query, whatever the township's size."""
    household = OuterRef("benefit__household")
    heads = Member.objects.filter(household=household, relation=Member.Relation.HEAD)
    sizes = (Member.objects.filter(household=household).order_by()
             .values("household").annotate(n=Count("id")).values("n"))
    rows = (beneficiaries(region=township, month=month)
            .annotate(head_name=Subquery(heads.values("name")[:1]), size=Subquery(sizes))
            .order_by("benefit__assistance_type", "benefit__region__code",
                      "benefit__application__number")
            .values_list("benefit__application_id", "benefit__region_id",
                         "benefit__assistance_type", "head_name", "size", "amount"))
    draft = RosterDraft(township, month_start(month))
    for pk, community, kind, name, size, amount in rows:
        size = 1 if kind == "tekun" else size  # 特困 supports one person (TK §2)
        draft.lines.append(RosterLine(application_id=pk, community_id=community,
                                      assistance_type=kind, name=name or "", amount=amount,
                                      household_size=size or 0))
        total = draft.totals.setdefault(kind, {"households": 0, "people": 0,
                                               "amount": Decimal("0")})
        total["households"] += 1
        total["people"] += size or 0
        total["amount"] += amount
    draft.households = len(draft.lines)
    draft.people = sum(t["people"] for t in draft.totals.values())
    draft.amount = sum((t["amount"] for t in draft.totals.values()), Decimal("0"))
    return draft


def roster_due(township: Region, month: datetime.date) -> datetime.date:
    """The day by which the roster of `month` is due: the rule's day of the next month."""
    following = (month_start(month) + datetime.timedelta(days=32)).replace(day=1)
    day = rule_values(township, following)["roster_due_day"]
    return following.replace(day=day)  # the rule allows 1–28


@transaction.atomic
def roster_submit(*, township: Region, month: datetime.date, by: User,
                  note: str = "") -> MonthlyRoster:
    """Submit (or correct) a month's roster: the beneficiaries and amounts as they stand.
    A correction becomes the current version; the earlier one is kept."""
    if township.level != Level.TOWNSHIP or not user_can(by, "handle_cases", township):
        raise PermissionDenied("只有该镇(街道)的经办人可以报送名册。")
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ServiceError("不能报送以后月份的名册。", field="month")
    Region.objects.select_for_update().get(pk=township.pk)
    previous = MonthlyRoster.objects.filter(township=township, month=month, current=True).first()
    if previous is not None and not note.strip():
        raise ServiceError(f"{month:%Y年%m月}的名册已于{timezone.localtime(previous.submitted_at):%m月%d日}"
                           "报送。如需更正，请写明更正原因。", field="note")
    draft = roster_draft(township=township, month=month)
    if previous is not None:
        MonthlyRoster.objects.filter(pk=previous.pk).update(current=False)
    roster = MonthlyRoster.objects.create(
        township=township, month=month, version=(previous.version + 1) if previous else 1,
        submitted_by=by, households=draft.households, people=draft.people,
        amount=draft.amount, note=note.strip()[:200],
        totals={k: {**v, "amount": str(v["amount"])} for k, v in draft.totals.items()})
    for line in draft.lines:
        line.roster = roster
    RosterLine.objects.bulk_create(draft.lines, batch_size=2000)
    return roster
