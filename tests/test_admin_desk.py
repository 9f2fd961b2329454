"""The district administrator's desk on the workbench: staff without a grant, grants
revoked lately, standards not set, rules ending this year, the holiday schedule of next
year, townships late with last month's roster, and the way to the history."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import CalendarYear, RegionGrant, Rule, User
from accounts.services import revoke_grant
from filing.services import roster_submit
from tests.browser import ARTIFACTS, PHONE, signed_in

pytestmark = pytest.mark.django_db

LAST_MONTH = datetime.date(2026, 10, 1)


@pytest.fixture
def desk_day(clock):
    clock.set(datetime.date(2026, 11, 20))  # October's roster was due on 10 November
    return clock


def text_of(response) -> str:
    """The page's words without tags, spaces folded (what a reader sees)."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def desk(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, text_of(response)


def test_the_desk_lists_what_needs_the_administrator(client, staff, regions, desk_day):
    newcomer = User.objects.create_user(username="wangfang", password="pw-for-tests-1",
                                        full_name="王芳")
    grant = RegionGrant.objects.active().get(user=staff["assistant_a2"])
    revoke_grant(grant=grant, by=staff["admin"])
    roster_submit(township=regions["b"], month=LAST_MONTH, by=staff["caseworker_b"])
    Rule.objects.create(key="roster_due_day", region=regions["district"], value=12,
                        valid_from=datetime.date(2026, 1, 1),
                        valid_to=datetime.date(2027, 1, 1))
    assert not CalendarYear.objects.filter(year=2027).exists()

    response, text = desk(client, staff["admin"])

    assert "管理事项 · 大兴区" in text
    # Staff: the new account and the one whose only grant was revoked, with a way to grant.
    assert "王芳 （wangfang）" in text and "新账号" in text
    assert f"{reverse('admin:accounts_regiongrant_add')}?user={newcomer.pk}" in response.content.decode()
    assert "原为社区(村)协办员 · 兴华中里社区" in text
    assert "近30天撤销的授权" in text and "assistant_a2 · 社区(村)协办员" in text
    unassigned = text.split("这些账号没有任何有效授权", 1)[1].split("近30天撤销的授权", 1)[0]
    assert "caseworker_a" not in unassigned and "district_admin" not in unassigned
    # Rules: the dibao standards have no national value and none for the district.
    assert "城市低保标准（元/人·月）" in text and "全区未设置" in text
    assert "集中行动" not in text  # a campaign is declared only when there is one
    assert "每月报送上月救助对象名册的截止日" in text and "尚未录入此后的取值" in text
    assert "执行至 2026年12月31日" in text
    # The holiday schedule of next year.
    assert "2027年的法定节假日安排尚未录入" in text
    # Rosters: street A has not filed October's (due 12 November by the district's rule),
    # street B has.
    rosters = text.split("2026年10月名册报送", 1)[1].split("未授权的工作人员", 1)[0]
    assert "兴丰街道 11月12日 逾期未报送" in rosters
    assert "林校路街道" not in rosters
    # The history: the audit, filtered to grants and to rules, and the rules page.
    html = response.content.decode()
    audit = reverse("admin:accounts_auditentry_changelist")
    assert f"{audit}?action__in=grant_role,revoke_grant" in html
    assert "政策标准与参数" in text


def test_the_history_links_open_for_the_administrator(client, staff, desk_day):
    revoke_grant(grant=RegionGrant.objects.active().get(user=staff["assistant_a1"]),
                 by=staff["admin"])
    client.force_login(staff["admin"])
    audit = reverse("admin:accounts_auditentry_changelist")
    page = client.get(f"{audit}?action__in=grant_role,revoke_grant")
    assert page.status_code == 200  # an unknown filter would redirect to ?e=1
    assert "assistant_a1" in page.content.decode()
    rules = client.get(f"{audit}?action__in=rule_create,rule_change")
    assert rules.status_code == 200 and "assistant_a1" not in rules.content.decode()


def test_a_set_standard_and_an_entered_year_leave_the_desk(client, staff, regions, desk_day):
    for key in ("dibao_standard_urban", "dibao_standard_rural", "urgent_aid_limit",
                "tekun_care_full", "tekun_care_partial"):
        Rule.objects.create(key=key, region=regions["district"], value="1000",
                            valid_from=datetime.date(2026, 1, 1))
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕")
    _, text = desk(client, staff["admin"])
    assert "各项标准和限额均已设置" in text
    assert "2026年和2027年的节假日安排均已录入" in text


def test_a_township_row_missing_is_named(client, staff, regions, desk_day):
    Rule.objects.create(key="dibao_standard_urban", region=regions["a"], value="1400",
                        valid_from=datetime.date(2026, 1, 1))
    _, text = desk(client, staff["admin"])
    assert "城市低保标准（元/人·月） 设置 › 未设置：林校路街道" in text


def test_a_caseworker_does_not_see_the_desk(client, staff, desk_day):
    _, text = desk(client, staff["caseworker_a"])
    assert "管理事项" not in text and "未授权的工作人员" not in text
    assert "待办" in text  # their own workbench is still there


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
def test_the_desk_reads_on_a_desktop_and_a_phone(browser, live_server, staff, regions, desk_day,
                                                 width):
    User.objects.create_user(username="wangfang", password="pw-for-tests-1", full_name="王芳")
    revoke_grant(grant=RegionGrant.objects.active().get(user=staff["assistant_a2"]),
                 by=staff["admin"])
    Rule.objects.create(key="roster_due_day", region=regions["district"], value=12,
                        valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2027, 1, 1))
    page = signed_in(browser, live_server, "district_admin", width=width, height=900)
    page.screenshot(path=str(ARTIFACTS / f"admin-desk-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("h2", has_text="管理事项 · 大兴区").is_visible()
    page.click("a.tile[href='#desk-staff']")
    assert page.locator("#desk-staff").is_visible()
