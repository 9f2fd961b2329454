"""Every page the community assistant and the township caseworker use, on a 375-px phone:
the page itself never scrolls sideways (wide tables scroll inside their card). Debian's
Chromium; a screenshot of each page goes to test-artifacts/phone-*.png."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases import services
from cases.tests.builders import CaseBuilder
from tests.browser import ARTIFACTS, PHONE, signed_in

pytestmark = pytest.mark.browser


@pytest.fixture
def cases_of_every_kind(team, regions, make_household):
    """A benefit in payment (the board's long-term roster), a case in publicity with an
    objection and one awaiting approval, both heard at one hearing meeting."""
    confirmed = CaseBuilder(team, make_household(regions["a1"], head_name="欧阳秀英")).confirmed()
    build = CaseBuilder(team, make_household(regions["a1"], head_name="司马建国"))
    in_publicity = build.proposed(build.investigated(build.accepted()))
    services.application_record_objection(application=in_publicity, by=team["acceptor"],
                                          channel="phone", content="有人反映其子女有稳定收入")
    awaiting = CaseBuilder(team, make_household(regions["a2"], head_name="孙秀英")).approving()
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=timezone.localdate(), place="兴丰街道三楼会议室",
        participants="街道干部2人、社区干部2人、调查人员2人、居民代表5人",
        applications=[in_publicity, awaiting], by=team["reviewer"])
    cache.clear()  # the public board is cached
    return {"benefit": confirmed.benefit, "case": in_publicity, "session": session,
            "household": in_publicity.household}


def pages_of(role, made, regions):
    case, household = made["case"], made["household"]
    common = [
        ("workbench", "/"),
        ("cases", "/cases/"),
        ("case", f"/cases/{case.pk}/"),
        ("households", "/households/"),
        ("household", f"/households/{household.pk}/"),
        ("board", f"/gongshi/{regions['a1'].code}/"),
        ("board-township", f"/gongshi/{regions['a'].code}/"),
    ]
    if role == "assistant":
        return [*common, ("community", "/intake/community/")]
    return [
        *common,
        ("hearings", "/cases/hearings/"),
        ("hearing", f"/cases/hearings/{made['session'].pk}/"),
        ("hearing-record", f"/cases/hearings/{made['session'].pk}/record/{case.pk}/"),
        ("intake", "/intake/"),
        ("intake-new", "/intake/new/"),
        ("intake-handovers", "/intake/handovers/"),
        ("intake-urgent", "/intake/urgent/"),
        ("community", "/intake/community/"),
        ("benefits", "/cases/benefits/"),
        ("benefit", f"/cases/benefits/{made['benefit'].pk}/"),
        ("reviews", "/cases/benefits/reviews/"),
        ("rosters", "/filing/rosters/"),
        ("filing", "/filing/"),
    ]


@pytest.mark.parametrize("role,username", [("assistant", "assistant_a1"),
                                           ("caseworker", "caseworker_a")])
def test_no_page_is_wider_than_a_phone(browser, live_server, regions, staff, cases_of_every_kind,
                                       role, username):
    phone = signed_in(browser, live_server, username, width=PHONE["width"],
                      height=PHONE["height"])
    too_wide = []
    for name, path in pages_of(role, cases_of_every_kind, regions):
        response = phone.goto(f"{live_server.url}{path}")
        assert response.ok, (path, response.status)
        phone.screenshot(path=str(ARTIFACTS / f"phone-{role}-{name}.png"), full_page=True)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append((path, width))
    assert not too_wide


def test_the_amount_column_of_the_public_board_is_on_the_screen(browser, live_server, regions,
                                                                 cases_of_every_kind):
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True,
                                has_touch=True).new_page()
    phone.goto(f"{live_server.url}/gongshi/{regions['a1'].code}/")
    amount = phone.locator("table th", has_text="月保障金额")
    box = amount.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    cell = phone.locator("table tbody tr").first.locator("td").nth(3)
    box = cell.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], cell.inner_text()
