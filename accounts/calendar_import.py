"""Fill the working-day calendar from the `chinesecalendar` package."""

import datetime

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
SOURCE = "国务院办公厅节假日安排（chinesecalendar 软件包）"


def available_years() -> list[int]:
    # deferred: a heavy library, loaded only when this runs
    from chinese_calendar.constants import holidays

    return sorted({day.year for day in holidays})


def load_years(years, *, day_model, year_model) -> int:
    """Store every day of `years` that differs from Monday-to-Friday; returns rows written.

    Takes the models as arguments so that a migration can pass its historical models.
    """
    # deferred: a heavy library, loaded only when this runs
    import chinese_calendar

    written = 0
    for year in years:
        day = datetime.date(year, 1, 1)
        rows = []
        while day.year == year:
            workday = chinese_calendar.is_workday(day)
            if workday != (day.weekday() < 5):
                _, name = chinese_calendar.get_holiday_detail(day)
                label = "调休上班" if workday else HOLIDAY_NAMES.get(name, name or "休息日")
                rows.append(day_model(date=day, is_workday=workday, name=label))
            day += datetime.timedelta(days=1)
        day_model.objects.filter(date__year=year).delete()
        day_model.objects.bulk_create(rows)
        year_model.objects.update_or_create(year=year, defaults={"source": SOURCE})
        written += len(rows)
    return written
