"""The months the roster and statistics pages offer: last month by default, never a
month not yet begun (next month only as the township's preview)."""

import datetime

from django.utils import timezone

from filing import services


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def pick_month(value: str | None, *, ahead: bool = False) -> datetime.date:
    """The month asked for: last month by default, never later than this month (or next
    month, `ahead`: the township previews the roster a decided change first reaches)."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        chosen = datetime.date(year, month, 1)
    except ValueError:
        return services.month_start(today.replace(day=1) - datetime.timedelta(days=1))
    return min(chosen, next_month(today) if ahead else today.replace(day=1))


def recent_months(count: int = 12, *, ahead: bool = False) -> list[datetime.date]:
    month, months = timezone.localdate().replace(day=1), []
    if ahead:
        months.append(next_month(month))
    for _ in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months
