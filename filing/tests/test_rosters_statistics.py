"""Monthly rosters, their exports, the statistics and who may read them."""

import datetime
import io
import re
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.workdays import working_days_between
from cases import services as case_services
from cases.models import Application, Benefit, BenefitPeriod
from cases.services import benefits as benefit_services
from cases.tests.builders import CaseBuilder
from core.errors import ServiceError
from filing import selectors, services
from filing.exports import workbook
from filing.models import MonthlyRoster, MonthStat, RosterLine
from households.tests.builders import add_member

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - datetime.timedelta(days=1)).replace(day=1)


def month_before(month: datetime.date, n: int = 1) -> datetime.date:
    for _ in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def paid_from(app, start: datetime.date, amount: Decimal | None = None) -> None:
    """Move a confirmed case's benefit to begin in `start` (with `amount`): the roster and
    the statistics read the benefit's periods, the case only says what was decided."""
    period = BenefitPeriod.objects.get(benefit__application=app)
    amount = amount or period.amount
    one_off = period.last_month is not None  # paid once, in its first month
    Application.objects.filter(pk=app.pk).update(start_month=start, monthly_amount=amount)
    Benefit.objects.filter(application=app).update(start_month=start, monthly_amount=amount,
                                                   last_month=start if one_off else None)
    BenefitPeriod.objects.filter(pk=period.pk).update(first_month=start, amount=amount,
                                                      last_month=start if one_off else None)


@pytest.fixture
def beneficiaries(team, regions, make_household):
    """Street A: a 低保 case paid from two months ago, a 临时救助 paid last month only,
    a 特困 case starting next month; street B: one 低保 case."""
    made = {}
    for key, kind, start in [("dibao", "dibao", month_before(LAST_MONTH)),
                             ("temporary", "temporary", LAST_MONTH),
                             ("future", "tekun", (THIS_MONTH + datetime.timedelta(days=32)
                                                  ).replace(day=1))]:
        household = make_household(regions["a1"], head_name=f"户主{key}")
        app = CaseBuilder(team, household).confirmed(assistance_type=kind)
        paid_from(app, start, Decimal("1000.50"))
        made[key] = app
    return made


def test_the_roster_lists_who_is_paid_that_month(beneficiaries, regions, staff):
    draft = services.roster_draft(township=regions["a"], month=LAST_MONTH)
    assert sorted(line.name for line in draft.lines) == ["户主dibao", "户主temporary"]
    assert draft.amount == Decimal("2001.00") and draft.households == 2
    this_month = services.roster_draft(township=regions["a"], month=THIS_MONTH)
    assert [line.name for line in this_month.lines] == ["户主dibao"]  # one-off paid once
    assert services.roster_draft(township=regions["b"], month=LAST_MONTH).lines == []


def test_a_roster_is_submitted_once_and_corrected_with_a_reason(beneficiaries, regions, staff):
    first = services.roster_submit(township=regions["a"], month=LAST_MONTH,
                                   by=staff["caseworker_a"])
    assert first.totals["dibao"] == {"households": 1, "people": 1, "amount": "1000.50"}
    assert first.lines.count() == 2
    with pytest.raises(ServiceError, match="请写明更正原因"):
        services.roster_submit(township=regions["a"], month=LAST_MONTH,
                               by=staff["caseworker_a"])
    second = services.roster_submit(township=regions["a"], month=LAST_MONTH,
                                    by=staff["caseworker_a"], note="补报一户")
    assert second.version == 2 and second.current
    assert not MonthlyRoster.objects.get(pk=first.pk).current
    with pytest.raises(PermissionDenied):
        services.roster_submit(township=regions["a"], month=LAST_MONTH,
                               by=staff["caseworker_b"], note="x")
    with pytest.raises(ServiceError, match="以后月份"):
        services.roster_submit(township=regions["a"], month=THIS_MONTH + datetime.timedelta(days=40),
                               by=staff["caseworker_a"])


def test_the_district_sees_each_townships_submission_and_who_is_late(beneficiaries, regions,
                                                                    staff, client):
    services.roster_submit(township=regions["a"], month=LAST_MONTH,
                           by=staff["caseworker_a"])
    client.force_login(staff["reviewer"])
    page = client.get(reverse("filing:rosters") + f"?month={LAST_MONTH:%Y-%m}").content.decode()
    assert "兴丰街道" in page and "林校路街道" in page and "2001.00" in page
    assert "已报送 1 / 2" in page
    due = services.roster_due(regions["a"], LAST_MONTH)
    assert due == THIS_MONTH.replace(day=10)  # the rule's default day
    assert ("逾期未报送" in page) == (TODAY > due)


FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+86-1", "-2+3", "@SUM(A1:A2)"]


def test_export_cells_that_start_with_a_formula_character_are_text(beneficiaries, regions, staff,
                                                                   client):
    roster = services.roster_submit(township=regions["a"], month=LAST_MONTH,
                                    by=staff["caseworker_a"])
    lines = list(roster.lines.order_by("id"))
    RosterLine.objects.filter(pk=lines[0].pk).update(name=FORMULAS[0])
    RosterLine.objects.filter(pk=lines[1].pk).update(name=FORMULAS[1])
    client.force_login(staff["reviewer"])
    response = client.get(reverse("filing:roster_xlsx", args=[roster.pk]))
    assert response.status_code == 200
    content = response.content
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    # deferred: a heavy library, loaded only when this runs
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    names = {c.value: c for c in book.worksheets[0]["C"]}
    for text in FORMULAS[:2]:
        assert names[text].data_type == "s" and names[text].quotePrefix
    # The helper itself, for the other two starts.

    other = zipfile.ZipFile(io.BytesIO(workbook([("t", ["a"], [[t] for t in FORMULAS])])))
    xml = other.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and all(f"<t>{t}</t>" in xml.replace("&quot;", "\"")
                                    for t in FORMULAS[2:])


def test_the_roster_pdf_reads_back_with_its_totals(beneficiaries, regions, staff, client,
                                                   tmp_path):
    roster = services.roster_submit(township=regions["a"], month=LAST_MONTH,
                                    by=staff["caseworker_a"])
    client.force_login(staff["caseworker_a"])
    response = client.get(reverse("filing:roster_pdf", args=[roster.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "roster.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert f"{LAST_MONTH.year}年{LAST_MONTH.month}月救助对象名册" in text
    assert "兴丰街道" in text and "户主dibao" in text and "2001.00" in text
    assert re.search(r"合计\s+2\s+2\s+2001\.00", text)


def test_rosters_and_batches_of_another_street_are_not_found(beneficiaries, regions, staff,
                                                             client, team):
    roster = services.roster_submit(township=regions["a"], month=LAST_MONTH,
                                    by=staff["caseworker_a"])
    batch = case_services.applications_file(applications=[beneficiaries["dibao"]],
                                            by=team["acceptor"])
    client.force_login(staff["caseworker_b"])
    for url in [reverse("filing:roster", args=[roster.pk]),
                reverse("filing:roster_xlsx", args=[roster.pk]),
                reverse("filing:roster_pdf", args=[roster.pk]),
                reverse("filing:batch", args=[batch.pk])]:
        assert client.get(url).status_code == 404, url
    client.force_login(staff["assistant_a1"])
    assert client.get(reverse("filing:inbox")).status_code == 403
    assert client.get(reverse("filing:spot_checks")).status_code == 403
    client.force_login(staff["reviewer"])
    page = client.get(reverse("filing:batch", args=[batch.pk])).content.decode()
    assert beneficiaries["dibao"].number in page and "approver_a" in page


# --- statistics ------------------------------------------------------------------------

def test_statistics_count_the_procedure_and_the_benefits(team, regions, staff, make_household,
                                                         client):
    decided = []
    for name, kind in [("钱甲", "dibao"), ("钱乙", "dibao"), ("钱丙", "tekun")]:
        decided.append(CaseBuilder(team, make_household(regions["a1"], head_name=name))
                       .confirmed(assistance_type=kind))
    builder = CaseBuilder(team, make_household(regions["a2"], head_name="钱丁"))
    rejected = case_services.application_propose(
        application=builder.investigated(builder.accepted()), by=team["reviewer"],
        approve=False, reasons="收入高于标准")
    rejected = case_services.application_reject(application=rejected,
                                                by=team["approver"], reasons="收入高于标准")
    CaseBuilder(team, make_household(regions["a1"], head_name="钱戊")).accepted()  # still open
    # Moved back: accepted two months ago, decided last month, paid from this month.
    two_ago = month_before(LAST_MONTH)
    accepted_on, decided_on = two_ago + datetime.timedelta(days=2), LAST_MONTH + datetime.timedelta(days=5)
    days = working_days_between(accepted_on, decided_on)
    for app in decided + [rejected]:
        Application.objects.filter(pk=app.pk).update(accepted_on=accepted_on, decided_on=decided_on,
                                                     decision_workdays=days)
    for app in decided:
        paid_from(app, THIS_MONTH)
    services.statistics_refresh(district=regions["district"])

    data = selectors.statistics(region=regions["district"], months=[two_ago, LAST_MONTH, THIS_MONTH])
    older, last, this = data["table"]
    assert (older["accepted"], last["accepted"], this["accepted"]) == (4, 0, 1)
    assert (last["confirmed"], last["rejected"], this["confirmed"]) == (3, 1, 0)
    assert last["average_days"] == days and data["totals"]["average_days"] == days
    assert (last["beneficiaries"], this["beneficiaries"]) == (0, 3)
    assert this["types"]["tekun"]["beneficiaries"] == 1
    assert this["amount"] == sum(Application.objects.get(pk=a.pk).monthly_amount for a in decided)
    assert selectors.statistics(region=regions["b"], months=[two_ago])["totals"]["accepted"] == 0
    # The page and its spreadsheet.
    client.force_login(staff["reviewer"])
    page = client.get(reverse("filing:statistics")).content.decode()
    assert "<svg" in page and "<rect" in page and "<script" not in page
    sheet = client.get(reverse("filing:statistics_xlsx") + "?region=110115001")
    # deferred: a heavy library, loaded only when this runs
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("月份", "受理", "确认", "不予确认")
    assert (f"{LAST_MONTH:%Y-%m}", 0, 3, 1) == rows[-2][:4]
    assert (f"{THIS_MONTH:%Y-%m}", 1, 0, 0) == rows[-1][:4]
    client.force_login(staff["caseworker_b"])
    assert client.get(reverse("filing:statistics") + "?region=110115001").status_code == 404


def test_the_statistics_page_reads_stored_aggregates_not_cases(team, regions, staff,
                                                               make_household, client):
    client.force_login(staff["reviewer"])

    def queries():
        services.statistics_refresh(district=regions["district"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("filing:statistics")).status_code == 200
        return len(captured)

    CaseBuilder(team, make_household(regions["a1"], head_name="钱甲")).confirmed()
    few = queries()
    for name in "乙丙丁戊":
        CaseBuilder(team, make_household(regions["a1"], head_name=f"钱{name}")).confirmed()
    assert queries() == few
    assert MonthStat.objects.exists()
    # The only live count over cases (overdue) is answered by the (state, decision_due) index.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_state_due'")
        assert "state" in cursor.fetchone()[0]


# --- benefits in force: a stop or a change shows from the month it takes effect -----------

D = datetime.date


def heard(benefit, by, proposed):
    return benefit_services.benefit_hear_views(
        benefit=benefit, by=by, proposed=proposed, heard_on=timezone.localdate(),
        person="户主", statement="表示收入确有变化")


def lines_of(regions, month):
    return [(line.name, line.amount)
            for line in services.roster_draft(township=regions["a"], month=month).lines]


def test_a_stopped_benefit_is_on_the_roster_of_its_last_month_and_not_after(
        build, clock, team, regions):
    benefit = build.confirmed().benefit  # on 10 March: paid from April
    assert lines_of(regions, D(2026, 3, 1)) == []
    clock.set(D(2026, 6, 15))
    heard(benefit, team["acceptor"], "拟停发低保金")
    benefit_services.benefit_stop(benefit=benefit, by=team["approver"],
                                  reasons="家庭人均收入超过低保标准")
    # Decided in June, effective from July (the rule's next month): June is still paid.
    for month in (D(2026, 4, 1), D(2026, 6, 1)):
        assert lines_of(regions, month) == [("赵建国", Decimal("1200.00"))], month
    assert lines_of(regions, D(2026, 7, 1)) == []
    clock.set(D(2026, 7, 2))
    roster = services.roster_submit(township=regions["a"], month=D(2026, 6, 1),
                                    by=team["acceptor"])
    assert (roster.households, roster.amount) == (1, Decimal("1200.00"))
    assert roster.lines.get().application_id == benefit.application_id
    july = services.roster_submit(township=regions["a"], month=D(2026, 7, 1),
                                  by=team["acceptor"])
    assert (july.households, july.amount, july.lines.count()) == (0, Decimal("0"), 0)


def test_a_gradual_exit_is_paid_exactly_its_months_then_leaves_the_roster(
        build, clock, team, regions):
    benefit = build.confirmed().benefit  # on 10 March: paid from April
    clock.set(D(2026, 9, 20))
    heard(benefit, team["acceptor"], "拟给予3个月渐退期后停发")
    benefit_services.benefit_begin_exit(benefit=benefit, by=team["approver"], months=3,
                                        reasons="户主就业后家庭收入超过低保标准")
    paid = [month for month in (D(2026, m, 1) for m in range(4, 13))
            if lines_of(regions, month)]
    assert paid == [D(2026, m, 1) for m in range(4, 13)]  # to December: three exit months
    assert lines_of(regions, D(2027, 1, 1)) == []
    clock.set(D(2027, 1, 1))
    assert benefit_services.benefits_end_exits() == 1
    assert lines_of(regions, D(2026, 12, 1)) == [("赵建国", Decimal("1200.00"))]
    assert lines_of(regions, D(2027, 1, 1)) == []


def test_an_adjusted_benefit_is_paid_the_old_amount_until_the_new_one_takes_effect(
        build, clock, team, regions):
    benefit = build.confirmed().benefit
    clock.set(D(2026, 5, 20))
    heard(benefit, team["acceptor"], "拟减发低保金")
    benefit_services.benefit_adjust(benefit=benefit, by=team["approver"], amount="900",
                                    reasons="家庭成员就业，收入增加")
    assert lines_of(regions, D(2026, 5, 1)) == [("赵建国", Decimal("1200.00"))]
    assert lines_of(regions, D(2026, 6, 1)) == [("赵建国", Decimal("900.00"))]
    assert lines_of(regions, D(2027, 1, 1)) == [("赵建国", Decimal("900.00"))]


def test_the_roster_takes_the_same_queries_for_one_household_or_many(
        build, clock, team, regions):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            draft = services.roster_draft(township=regions["a"], month=D(2026, 6, 1))
        return len(captured), draft.households

    first = build.confirmed().benefit
    clock.set(D(2026, 5, 20))
    heard(first, team["acceptor"], "拟减发低保金")
    benefit_services.benefit_adjust(benefit=first, by=team["approver"], amount="900",
                                    reasons="家庭成员就业，收入增加")
    few, households = queries()
    assert households == 1
    clock.set(D(2026, 3, 10))
    for _ in range(3):
        build.confirmed()  # a household of the same community each
    assert queries() == (few, 4)


def test_statistics_count_what_the_periods_pay_each_month(build, clock, team, regions):
    stopped = build.confirmed().benefit  # paid from April, 1200
    add_member(stopped.household, team["acceptor"])  # two people
    adjusted = build.confirmed().benefit  # another household, paid from April, 1200
    # Temporary aid to the first household, paid in April only.
    once = build.confirmed(assistance_type="temporary").benefit
    assert once.household == stopped.household
    clock.set(D(2026, 5, 20))
    heard(adjusted, team["acceptor"], "拟减发低保金")
    benefit_services.benefit_adjust(benefit=adjusted, by=team["approver"], amount="900",
                                    reasons="家庭成员就业，收入增加")  # from June
    clock.set(D(2026, 6, 15))
    heard(stopped, team["acceptor"], "拟停发低保金")
    benefit_services.benefit_stop(benefit=stopped, by=team["approver"],
                                  reasons="家庭人均收入超过低保标准")  # paid through June
    clock.set(D(2026, 8, 5))
    services.statistics_refresh(district=regions["district"])

    months = [D(2026, m, 1) for m in range(3, 9)]
    table = selectors.statistics(region=regions["a"], months=months)["table"]
    assert [(m["beneficiaries"], m["people"], m["amount"]) for m in table] == [
        (0, 0, Decimal("0")),
        (3, 5, Decimal("1200.00") * 2 + once.monthly_amount),  # April: the one-off too
        (2, 3, Decimal("2400.00")),
        (2, 3, Decimal("2100.00")),  # June: the new amount, the stop's last month
        (1, 1, Decimal("900.00")),  # July: the stopped household no longer counts
        (1, 1, Decimal("900.00")),
    ]
    assert table[1]["types"]["temporary"]["beneficiaries"] == 1
    assert "temporary" not in table[2]["types"]
    # Each month's statistics agree with the roster that month would have.
    for month in table[1:]:
        draft = services.roster_draft(township=regions["a"], month=month["month"])
        assert (draft.households, draft.people, draft.amount) == (
            month["beneficiaries"], month["people"], month["amount"])


def test_a_tekun_benefit_counts_one_person_whatever_the_household(
        build, clock, team, regions, household):
    add_member(household, team["acceptor"], relation="child", name="赵小军", male=True)
    build.confirmed(assistance_type="tekun")
    draft = services.roster_draft(township=regions["a"], month=D(2026, 4, 1))
    assert [(line.name, line.household_size) for line in draft.lines] == [("赵建国", 1)]
    assert draft.totals["tekun"]["people"] == 1
    clock.set(D(2026, 4, 15))
    services.statistics_refresh(district=regions["district"])
    stat = MonthStat.objects.get(month=D(2026, 4, 1), assistance_type="tekun")
    assert (stat.beneficiaries, stat.people) == (1, 1)


def test_the_township_previews_next_months_roster_with_a_decided_change(
        build, clock, team, regions, client):
    benefit = build.confirmed().benefit  # paid from April
    clock.set(D(2026, 5, 20))
    heard(benefit, team["acceptor"], "拟减发低保金")
    benefit_services.benefit_adjust(benefit=benefit, by=team["approver"], amount="900",
                                    reasons="家庭成员就业，收入增加")
    client.force_login(team["acceptor"])
    page = client.get(reverse("filing:rosters"), {"month": "2026-06"}).content.decode()
    assert "预览" in page and "900.00" in page and "确定报送" not in page
    may = client.get(reverse("filing:rosters"), {"month": "2026-05"}).content.decode()
    assert "1200.00" in may and "确定报送" in may and "预览：" not in may
    # Two months ahead is not offered: the page falls back to next month.
    later = client.get(reverse("filing:rosters"), {"month": "2026-08"}).content.decode()
    assert "2026年6月" in later and "900.00" in later
