"""What the district's supervision services share: who may act for a district, dates,
and who is a beneficiary in a month."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import user_can
from cases.models import BenefitPeriod
from core.errors import ServiceError

STAT_MONTHS = 36  # how far back the statistics are kept


def _require_district(user: User, district: Region) -> None:
    if district.level != Level.DISTRICT or not user_can(user, "review_filings", district):
        raise PermissionDenied("只有区民政局审核人可以办理备案监督事项。")


def _not_future(day: datetime.date, label: str, field_name: str) -> None:
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。", field=field_name)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def beneficiaries(*, region: Region, month: datetime.date):
    """What is paid in `month` in `region`'s subtree: the benefits' periods (在保, DESIGN §4
    "Dynamic management") that cover the month, each with its amount. A stop shows from
    its first month unpaid, a change from its effective month; a one-off type has one
    period of one month. A household has at most one period of a benefit in a month."""
    month = month_start(month)
    return BenefitPeriod.objects.filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month), first_month__lte=month,
        benefit__region__code__startswith=region.code)
