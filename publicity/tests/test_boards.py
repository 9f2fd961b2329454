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
from cases.tests.builders import CaseBuilder
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
