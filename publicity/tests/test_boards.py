"""The public boards (公示栏) as anyone sees them without a login: what a notice shows
and hides, masked given names, the long-term roster, the policy page, and what a board
costs in queries."""

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Rule
from cases.services import benefits
from cases.tests.builders import CaseBuilder
from publicity import selectors
from publicity import services as publicity_services
from publicity.models import LongTermEntry, PolicyPage, SupervisionContact


def board(client, region):
    return client.get(reverse("public:board", args=[region.code]))


def test_the_community_board_shows_the_notice_and_nothing_else(client, publicised, regions,
                                                               household):
    response = board(client, regions["a1"])  # no login
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=60"}
    page = response.content.decode()
    head = household.members.get()
    assert "赵建国" in page and "家庭 1 人" in page and "最低生活保障" in page
    assert "拟同意，每月1200.00元" in page
    assert reverse("public:objection", args=[publicised.notices.get().pk]) in page
    for private in (head.id_number, household.address, household.phone, "透析"):
        assert private not in page
    # The township board lists its communities; the other street's board does not.
    assert "赵建国" in board(client, regions["a"]).content.decode()
    assert "赵建国" not in board(client, regions["b1"]).content.decode()


def test_only_townships_and_communities_have_boards(client, regions):
    assert board(client, regions["district"]).status_code == 404
    assert client.get("/gongshi/999999999999/").status_code == 404


def test_given_names_are_masked_where_the_region_says_so(client, publicised, regions):
    Rule.objects.create(key="publicity_mask_given_name", region=regions["a"], value=True,
                        valid_from=datetime.date(2020, 1, 1))
    page = board(client, regions["a1"]).content.decode()
    assert "赵*国" in page and "赵建国" not in page
    notice = publicised.notices.get()
    form = client.get(reverse("public:objection", args=[notice.pk])).content.decode()
    assert "赵*国" in form and "赵建国" not in form


def test_the_long_term_roster_follows_the_benefit(client, build, regions):
    app = build.confirmed()
    page = board(client, regions["a1"]).content.decode()
    assert "长期公示" in page and "赵建国" in page and "1200.00" in page
    today = timezone.localdate()
    publicity_services.long_term_change(application_id=app.pk, monthly_amount=Decimal("900"),
                                        on=today)

    cache.clear()  # the board is cached for a minute
    page = board(client, regions["a1"]).content.decode()
    assert "900.00" in page and "1200.00" not in page
    publicity_services.long_term_stop(application_id=app.pk, on=today)
    cache.clear()
    assert "赵建国" not in board(client, regions["a1"]).content.decode()
    assert LongTermEntry.objects.filter(application=app).count() == 2


def test_the_policy_page_shows_standards_materials_and_contacts(client, regions):
    Rule.objects.create(key="dibao_standard_urban", region=regions["district"], value="1450",
                        valid_from=datetime.date(2020, 1, 1))
    PolicyPage.objects.create(region=regions["district"], conditions="人均收入低于标准。",
                              how_to_apply="到镇(街道)窗口申请。")
    SupervisionContact.objects.create(region=regions["district"], level="county",
                                      name="区民政局监督电话", phone="010-1234 5678")
    SupervisionContact.objects.create(region=regions["b"], level="township",
                                      name="林校路街道窗口", phone="010-2222 3333")
    page = client.get(reverse("public_policy", args=[regions["a1"].code])).content.decode()
    assert "每人每月 1450 元" in page and "人均收入低于标准。" in page
    assert "区民政局监督电话" in page and "010-1234 5678" in page
    assert "林校路街道窗口" not in page  # another street's number
    assert "社会救助申请及核对授权书" in page or "身份证" in page  # the materials checklist


def test_the_board_runs_the_same_queries_for_one_notice_or_many(client, team, regions,
                                                               make_household):
    def publicise(name):
        build = CaseBuilder(team, make_household(regions["a1"], head_name=name))
        build.proposed(build.investigated(build.accepted()))

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert board(client, regions["a1"]).status_code == 200
        return len(captured)

    publicise("甲一")
    one = queries()
    for name in ("乙二", "丙三", "丁四", "戊五"):
        publicise(name)
    assert queries() == one


# --- the long-term board follows the benefit from the month a change takes effect --------

D = datetime.date



def heard(benefit, by, proposed):
    return benefits.benefit_hear_views(benefit=benefit, by=by, proposed=proposed,
                                       heard_on=timezone.localdate(), person="赵建国",
                                       statement="表示收入确有变化")


def board_on(client, clock, region, day) -> str:
    clock.set(day)
    cache.clear()  # the board is cached for a minute
    return board(client, region).content.decode()


def amounts_shown(application, first: D, last: D) -> dict[D, list]:
    """Day by day, the amounts the board shows for the case."""
    days, day = {}, first
    while day <= last:
        days[day] = list(selectors.long_term_shown(on=day).filter(application=application)
                         .values_list("monthly_amount", flat=True))
        day += datetime.timedelta(days=1)
    return days


def test_a_change_shows_on_the_board_from_the_month_it_takes_effect(client, build, clock,
                                                                   team, regions):
    app = build.confirmed()  # 10 March, 1200 a month
    clock.set(D(2026, 5, 20))
    benefits.benefit_adjust(benefit=app.benefit, by=team["approver"], amount="1300",
                            reasons="家庭成员重病，支出增加")  # from June
    page = board_on(client, clock, regions["a1"], D(2026, 5, 20))
    assert "1200.00" in page and "1300.00" not in page
    page = board_on(client, clock, regions["a1"], D(2026, 5, 31))
    assert "1200.00" in page and "1300.00" not in page
    page = board_on(client, clock, regions["a1"], D(2026, 6, 1))
    assert "1300.00" in page and "1200.00" not in page
    days = amounts_shown(app, D(2026, 3, 10), D(2026, 12, 31))
    assert all(len(shown) == 1 for shown in days.values())
    assert days[D(2026, 5, 31)] == [Decimal("1200.00")] and days[D(2026, 6, 1)] == [
        Decimal("1300.00")]


def test_a_second_change_before_the_first_took_effect_replaces_it(client, build, clock, team,
                                                                  regions):
    app = build.confirmed()
    clock.set(D(2026, 5, 20))
    benefits.benefit_adjust(benefit=app.benefit, by=team["approver"], amount="1300",
                            reasons="家庭成员重病，支出增加")
    clock.set(D(2026, 5, 25))
    benefits.benefit_adjust(benefit=app.benefit, by=team["approver"], amount="1350",
                            reasons="医疗支出再次增加")
    page = board_on(client, clock, regions["a1"], D(2026, 5, 25))
    assert "1200.00" in page and "1300.00" not in page and "1350.00" not in page
    page = board_on(client, clock, regions["a1"], D(2026, 6, 1))
    assert "1350.00" in page and "1300.00" not in page and "1200.00" not in page
    days = amounts_shown(app, D(2026, 3, 10), D(2026, 12, 31))
    assert all(len(shown) == 1 for shown in days.values())
    assert {day: shown for day, shown in days.items() if shown == [Decimal("1300.00")]} == {}


def test_a_stopped_benefit_stays_on_the_board_until_its_effective_month(client, build, clock,
                                                                       team, regions):
    app = build.confirmed()
    clock.set(D(2026, 6, 15))
    heard(app.benefit, team["acceptor"], "拟停发低保金")
    benefits.benefit_stop(benefit=app.benefit, by=team["approver"],
                          reasons="家庭人均收入超过低保标准")  # paid through June
    for day in (D(2026, 6, 15), D(2026, 6, 30)):
        page = board_on(client, clock, regions["a1"], day)
        assert "赵建国" in page and "1200.00" in page, day
    assert "赵建国" not in board_on(client, clock, regions["a1"], D(2026, 7, 1))
    days = amounts_shown(app, D(2026, 3, 10), D(2026, 12, 31))
    assert {day for day, shown in days.items() if shown} == {
        day for day in days if day < D(2026, 7, 1)}


def test_a_raise_during_a_gradual_exit_keeps_the_day_the_name_comes_down(client, build, clock,
                                                                         team, regions):
    app = build.confirmed()
    clock.set(D(2026, 6, 15))
    heard(app.benefit, team["acceptor"], "拟给予3个月渐退期后停发")
    benefits.benefit_begin_exit(benefit=app.benefit, by=team["approver"], months=3,
                                reasons="就业后收入超过标准")  # paid July to September
    clock.set(D(2026, 7, 10))
    benefits.benefit_adjust(benefit=app.benefit, by=team["approver"], amount="1300",
                            reasons="家庭成员重病，支出增加")  # from August
    assert "1200.00" in board_on(client, clock, regions["a1"], D(2026, 7, 31))
    assert "1300.00" in board_on(client, clock, regions["a1"], D(2026, 9, 30))
    assert "赵建国" not in board_on(client, clock, regions["a1"], D(2026, 10, 1))
    days = amounts_shown(app, D(2026, 3, 10), D(2027, 3, 31))
    assert all(len(shown) == (1 if day < D(2026, 10, 1) else 0) for day, shown in days.items())
