import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import CalendarDay, CalendarYear, Rule
from accounts.rules import rule_value
from accounts.workdays import add_working_days, working_days_between

D = datetime.date


def test_national_defaults_are_rows_with_their_source(db):
    row = Rule.objects.get(key="procedure_days", region=None)
    assert row.value == 20 and "审核确认办法第二十二条" in row.source
    assert rule_value("publicity_min_days", None, D(2026, 11, 1)) == 7


def test_the_most_specific_region_in_force_wins(regions):
    Rule.objects.create(key="procedure_days", region=regions["district"],
                        valid_from=D(2026, 1, 1), value=25, source="区文件")
    Rule.objects.create(key="procedure_days", region=regions["a"], valid_from=D(2026, 6, 1),
                        valid_to=D(2026, 12, 1), value=15, source="街道试点")
    assert rule_value("procedure_days", regions["a1"], D(2026, 7, 1)) == 15   # township row
    assert rule_value("procedure_days", regions["a1"], D(2026, 12, 1)) == 25  # pilot ended
    assert rule_value("procedure_days", regions["b1"], D(2026, 7, 1)) == 25   # district row
    assert rule_value("procedure_days", regions["b1"], D(2025, 7, 1)) == 20   # national


def test_a_rule_value_of_the_wrong_kind_is_refused(db):
    rule = Rule(key="publicity_day_kind", valid_from=D(2026, 1, 1), value="weekly")
    with pytest.raises(ValidationError, match="calendar、working"):
        rule.full_clean()


def test_working_days_skip_the_national_day_holiday(db):
    # 2026: 10/1–10/7 off; 9/29 and 9/30 are the 1st and 2nd working days after 9/28.
    due = add_working_days(D(2026, 9, 28), 3)
    assert due == add_working_days(D(2026, 9, 28), 3)
    assert due.date == D(2026, 10, 8) and not due.provisional


def test_make_up_working_days_count(db):
    # 2026-02-14 (Saturday) is a make-up working day before the Spring Festival.
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).is_workday
    assert add_working_days(D(2026, 2, 13), 1).date == D(2026, 2, 14)


def test_a_deadline_in_an_uncovered_year_is_provisional_with_a_warning(db):
    assert not CalendarYear.objects.filter(year=2027).exists()
    due = add_working_days(D(2026, 12, 10), 20)
    assert due.provisional
    assert "2027年节假日安排尚未录入" in due.warning


def test_an_administrator_extends_the_calendar_for_the_next_year(db):
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕号")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    due = add_working_days(D(2026, 12, 31), 1)
    assert due.date == D(2027, 1, 4) and not due.provisional  # 1/1 Fri off, weekend


def test_working_days_between_counts_after_the_start(db):
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 9)) == 4  # 9/29, 9/30, 10/8, 10/9
