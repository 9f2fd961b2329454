"""Region scoping over every household URL: outside one's regions a household does not exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from households import services
from households import urls as household_urls
from households.models import (
    Asset,
    Expenditure,
    ExpenditureCategory,
    Household,
    HouseholdAccess,
    Income,
    IncomeCategory,
    Member,
)


def household_urls_for(household, record_pks):
    """Every URL of households.urls that names a household, filled in for this one.

    `record_pks` maps a record kind (incomes, assets, expenditures) to one of its row ids.
    """
    urls = []
    for pattern in household_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        params = pattern.pattern.converters
        if "pk" not in params:
            continue
        for kind in (record_pks if "kind" in params else [None]):
            kwargs = {"pk": household.pk}
            if "member_pk" in params:
                kwargs["member_pk"] = household.members.get(relation="head").pk
            if kind:
                kwargs["kind"] = kind
            if "record_pk" in params:
                kwargs["record_pk"] = record_pks[kind]
            urls.append(reverse(f"households:{pattern.name}", kwargs=kwargs))
    return urls


@pytest.fixture
def foreign_household(regions, staff, make_household):
    """A household of street B with one row of every kind."""
    household = make_household(regions["b1"], head_name="林外户")
    by = staff["caseworker_b"]
    data = {"household": household, "by": by}
    income = services.record_add(**data, model=Income, data={
        "category": IncomeCategory.objects.get(code="wage"), "amount": 1000, "months": 12})
    asset = services.record_add(**data, model=Asset, data={"kind": "vehicle", "value": 5000})
    spending = services.record_add(**data, model=Expenditure, data={
        "category": ExpenditureCategory.objects.get(code="medical"), "amount": 300,
        "incurred_on": "2026-03-01"})
    household.record_pks = {"incomes": income.pk, "assets": asset.pk,
                            "expenditures": spending.pk}
    return household


def snapshot(household):
    return (Household.objects.filter(pk=household.pk).values().first(),
            list(Member.objects.filter(household=household).values()),
            Income.objects.filter(household=household).count(),
            Asset.objects.filter(household=household).count(),
            Expenditure.objects.filter(household=household).count())


def test_every_household_url_is_404_for_a_caseworker_of_another_street(
        client, staff, foreign_household):
    urls = household_urls_for(foreign_household, foreign_household.record_pks)
    assert len(urls) == 13  # detail, edit, delete, 3 member URLs, make head, 2 record URLs × 3 kinds
    before = snapshot(foreign_household)
    client.force_login(staff["caseworker_a"])
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x", "address": "改动"}).status_code == 404, url
    assert snapshot(foreign_household) == before


def test_the_same_urls_work_for_the_street_that_holds_the_household(
        client, staff, foreign_household):
    client.force_login(staff["caseworker_b"])
    for url in household_urls_for(foreign_household, foreign_household.record_pks):
        if url.endswith("/delete/"):
            continue
        assert client.get(url).status_code in (200, 405), url


def test_an_assistant_sees_only_their_own_community(client, regions, staff, make_household):
    own = make_household(regions["a1"], head_name="本社区户")
    neighbour = make_household(regions["a2"], head_name="邻社区户")
    client.force_login(staff["assistant_a1"])
    listing = client.get(reverse("households:list")).content.decode()
    assert "本社区户" in listing and "邻社区户" not in listing
    assert client.get(reverse("households:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("households:detail", args=[neighbour.pk])).status_code == 404


def test_an_approver_reads_the_file_but_gets_403_on_edits(client, regions, staff, make_household):
    household = make_household(regions["a1"])
    client.force_login(staff["approver_a"])
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "添加成员" not in page
    response = client.post(reverse("households:edit", args=[household.pk]), {"address": "x"})
    assert response.status_code == 403
    assert "不能修改" in response.content.decode()


def test_the_detail_page_masks_id_numbers_and_logs_the_view(client, regions, staff,
                                                            make_household):
    household = make_household(regions["a1"], id_number="11010519491231002X")
    client.force_login(staff["reviewer"])
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "110105********002X" in page and "11010519491231002X" not in page
    assert HouseholdAccess.objects.filter(user=staff["reviewer"], action="view",
                                          household_id_ref=household.pk).count() == 1


def test_the_district_administrator_is_told_the_files_are_not_theirs(client, staff):
    client.force_login(staff["admin"])
    response = client.get(reverse("households:list"))
    assert response.status_code == 403
    assert "无权查看家庭档案" in response.content.decode()


def test_the_household_list_costs_the_same_queries_for_a_full_page(
        client, regions, staff, make_household):
    client.force_login(staff["caseworker_a"])
    make_household(regions["a1"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("households:list")).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(19):
        make_household(regions["a2"])
    assert queries() == one
