from django.core.management.base import BaseCommand, CommandError

from accounts.calendar_import import available_years, load_years
from accounts.models import CalendarDay, CalendarYear


class Command(BaseCommand):
    help = ("Load the official holiday schedule from the chinesecalendar package "
            "(after upgrading it when a new year is published).")

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="default: every year it knows")

    def handle(self, *args, years, **options):
        known = available_years()
        unknown = sorted(set(years) - set(known))
        if unknown:
            raise CommandError(
                f"chinesecalendar 没有 {unknown} 年的安排（已有 {known[0]}–{known[-1]}）。"
                "请升级该软件包，或在系统管理中手工录入。")
        rows = load_years(years or known, day_model=CalendarDay, year_model=CalendarYear)
        self.stdout.write(f"已录入 {len(years or known)} 个年度、{rows} 个节假日/调休日期。")
