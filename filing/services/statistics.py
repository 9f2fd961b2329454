"""Statistics as stored monthly aggregates, refreshed in the background."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Region
from accounts.roles import Level
from cases.models import Application, State
from filing.models import (
    MonthStat,
)
from filing.services.common import BENEFIT_STATES, ONE_OFF_TYPES, STAT_MONTHS, month_start


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def statistics_refresh(*, district: Region | None = None) -> int:
    """Recompute the stored monthly aggregates of a district (or of every district) from
    the cases: four grouped queries per district, whatever its size. Returns the rows."""
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
    # Benefits: new beneficiaries per start month, then carried forward for monthly types.
    paying = cases.filter(state__in=BENEFIT_STATES, start_month__isnull=False,
                          monthly_amount__isnull=False)
    starts: dict[tuple, list] = {}
    for row in (paying.values("region__parent_id", "assistance_type", "start_month")
                .annotate(n=Count("id"), amount=Sum("monthly_amount"))):
        starts[(row["region__parent_id"], row["assistance_type"], row["start_month"])] = [
            row["n"], 0, row["amount"]]
    for row in (paying.values("region__parent_id", "assistance_type", "start_month")
                .annotate(people=Count("household__members"))):
        starts[(row["region__parent_id"], row["assistance_type"], row["start_month"])][1] = \
            row["people"]
    months = _months_between(first_kept, today)
    by_series: dict[tuple, dict] = {}
    for (township_id, kind, start), values in starts.items():
        by_series.setdefault((township_id, kind), {})[start] = values
    for (township_id, kind), series in by_series.items():
        carried = [0, 0, Decimal("0")]
        for start in sorted(s for s in series if s < first_kept):
            if kind not in ONE_OFF_TYPES:
                carried = [a + b for a, b in zip(carried, series[start], strict=True)]
        for month in months:
            new = series.get(month, [0, 0, Decimal("0")])
            if kind in ONE_OFF_TYPES:
                current = new
            else:
                carried = [a + b for a, b in zip(carried, new, strict=True)]
                current = carried
            if any(current):
                target = cell(township_id, month, kind)
                target["beneficiaries"], target["people"], target["amount"] = current
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
