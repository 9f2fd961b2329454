"""Statistics as stored monthly aggregates, refreshed in the background."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Region
from accounts.roles import Level
from cases.models import Application, BenefitPeriod, State
from cases.services.benefits import add_months
from filing.models import (
    MonthStat,
)
from filing.services.common import STAT_MONTHS, month_start


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def statistics_refresh(*, district: Region | None = None) -> int:
    """Recompute the stored monthly aggregates of a district (or of every district) from
    the cases and the benefits' periods: six grouped queries per district, whatever its
    size. Returns the rows."""
    districts = [district] if district else list(Region.objects.filter(level=Level.DISTRICT))
    return sum(_refresh_district(d) for d in districts)


def _refresh_district(district: Region) -> int:
    today = timezone.localdate()
    first_kept = month_start(today - datetime.timedelta(days=31 * STAT_MONTHS))
    cases = Application.objects.filter(region__code__startswith=district.code).order_by()
    cells: dict[tuple, dict] = {}

    def cell(township_id, month, kind):
        return cells.setdefault((township_id, month, kind), {
            "accepted": 0, "confirmed": 0, "rejected": 0, "workdays_sum": 0,
            "decided_with_days": 0, "beneficiaries": 0, "people": 0, "amount": Decimal("0")})

    for row in (cases.filter(accepted_on__gte=first_kept)
                .values("region__parent_id", "assistance_type", m=TruncMonth("accepted_on"))
                .annotate(n=Count("id"))):
        cell(row["region__parent_id"], row["m"], row["assistance_type"])["accepted"] = row["n"]
    for row in (cases.filter(decided_on__gte=first_kept)
                .values("region__parent_id", "assistance_type", m=TruncMonth("decided_on"))
                .annotate(confirmed=Count("id", filter=~Q(state__in=[State.REJECTED])),
                          rejected=Count("id", filter=Q(state=State.REJECTED)),
                          days=Sum("decision_workdays"), with_days=Count("decision_workdays"))):
        target = cell(row["region__parent_id"], row["m"], row["assistance_type"])
        target["confirmed"], target["rejected"] = row["confirmed"], row["rejected"]
        target["workdays_sum"], target["decided_with_days"] = row["days"] or 0, row["with_days"]
    # Benefits: what the periods paid in each month (DESIGN §4 "Dynamic management"): a
    # stop counts until its last month paid, a change with its new amount from the month
    # it takes effect.
    months = _months_between(first_kept, today)
    for (township_id, month, kind), paid in _paid_by_month(district, months):
        cell(township_id, month, kind).update(paid)
    now = timezone.now()
    rows = [MonthStat(township_id=township_id, month=month, assistance_type=kind,
                      refreshed_at=now, **values)
            for (township_id, month, kind), values in cells.items()
            if township_id is not None and month >= first_kept]
    with transaction.atomic():
        # One refresh of a district at a time (the periodic task and the button).
        Region.objects.select_for_update().get(pk=district.pk)
        MonthStat.objects.filter(township__code__startswith=district.code).delete()
        MonthStat.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _paid_by_month(district: Region, months: list[datetime.date]):
    """((township, month, type), {beneficiaries, people, amount}) of every month of
    `months` in which something was paid."""
    periods = (BenefitPeriod.objects.filter(benefit__region__code__startswith=district.code,
                                            first_month__lte=months[-1])
               .exclude(last_month__lt=months[0]).order_by())
    group = ("benefit__region__parent_id", "benefit__assistance_type")
    # {(township, type): {month: [households, people, amount]}}: what changes that month.
    # Grouped by the months periods begin and end, the rows grow with the townships and
    # months, not with the households.
    deltas: dict[tuple, dict[datetime.date, list]] = {}

    def change(row, month, *, households=0, people=0, amount=0):
        series = deltas.setdefault((row[group[0]], row[group[1]]), {})
        values = series.setdefault(max(month, months[0]), [0, 0, Decimal("0")])
        values[0] += households
        values[1] += people
        values[2] += amount

    # A period counts from its first month and no longer from the month after its last.
    for edge, sign, shift in (("first_month", 1, 0), ("last_month", -1, 1)):
        edged = periods.filter(**{f"{edge}__isnull": False}).values(*group, edge)
        for row in edged.annotate(n=Count("id"), amount=Sum("amount")):
            # 特困 is one person's benefit, whatever the household (TK §2).
            people = sign * row["n"] if row["benefit__assistance_type"] == "tekun" else 0
            change(row, add_months(row[edge], shift), households=sign * row["n"],
                   amount=sign * row["amount"], people=people)
        # Counted apart: joining the members would multiply the amounts.
        for row in (edged.exclude(benefit__assistance_type="tekun")
                    .annotate(people=Count("benefit__household__members"))):
            change(row, add_months(row[edge], shift), people=sign * row["people"])
    for (township_id, kind), series in deltas.items():
        running = [0, 0, Decimal("0")]
        for month in months:
            running = [a + b for a, b in zip(running, series.get(month, (0, 0, 0)), strict=True)]
            if any(running):
                yield (township_id, month, kind), {"beneficiaries": running[0],
                                                   "people": running[1], "amount": running[2]}
