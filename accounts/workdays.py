"""Working days with the official Chinese holiday calendar, make-up days (调休) included.

The calendar is data (accounts.models.CalendarDay / CalendarYear), filled from the
maintained `chinesecalendar` package and extended by a district administrator when the
State Council publishes the next year's schedule. A date in a year that is not covered
is counted Monday to Friday and the result is marked provisional, never silently.
"""

import datetime
from dataclasses import dataclass

from accounts.models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Due:
    date: datetime.date
    provisional: bool  # a year on the way has no official schedule yet

    @property
    def warning(self) -> str:
        if not self.provisional:
            return ""
        return f"{self.date.year}年节假日安排尚未录入，此日期按周一至周五暂算，录入后请核对。"


class Calendar:
    """Reads the calendar rows for a span of dates in one query."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.covered = set(CalendarYear.objects.filter(year__range=(start.year, end.year))
                           .values_list("year", flat=True))
        self.special = dict(CalendarDay.objects.filter(date__range=(start, end))
                            .values_list("date", "is_workday"))

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.special:
            return self.special[day]
        return day.weekday() < 5

    def is_covered(self, day: datetime.date) -> bool:
        return day.year in self.covered


def add_working_days(start: datetime.date, days: int) -> Due:
    """The `days`-th working day after `start` (the start day itself does not count)."""
    # Long holidays add at most ~10 days per 20 working days; read generously in one go.
    calendar = Calendar(start, start + datetime.timedelta(days=days * 2 + 30))
    day, counted, provisional = start, 0, False
    while counted < days:
        day += ONE_DAY
        provisional |= not calendar.is_covered(day)
        if calendar.is_workday(day):
            counted += 1
    return Due(day, provisional)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    calendar = Calendar(start, end)
    day, counted = start, 0
    while day < end:
        day += ONE_DAY
        counted += calendar.is_workday(day)
    return counted


def add_calendar_days(start: datetime.date, days: int) -> Due:
    return Due(start + datetime.timedelta(days=days), False)
