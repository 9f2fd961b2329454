"""What the district's supervision services share: who may act for a district, dates,
and who is a beneficiary in a month."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import user_can
from cases.models import Application, AssistanceType, State
from core.errors import ServiceError

# Paid once, in the month the benefit starts; the others are paid every month from it.
ONE_OFF_TYPES = (AssistanceType.TEMPORARY, AssistanceType.EDU_FRESHMAN, AssistanceType.HEATING)


# A case whose benefit is being paid (post-decision stops come with dynamic management).
BENEFIT_STATES = (State.CONFIRMED, State.FILED, State.RECTIFYING)


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
    """Cases whose benefit is paid in `month` in `region`'s subtree: the monthly types from
    their start month on, the one-off types in their start month."""
    month = month_start(month)
    paid = (Q(assistance_type__in=ONE_OFF_TYPES, start_month=month)
            | (~Q(assistance_type__in=ONE_OFF_TYPES) & Q(start_month__lte=month)))
    return Application.objects.filter(paid, region__code__startswith=region.code,
                                      state__in=BENEFIT_STATES, monthly_amount__isnull=False)
