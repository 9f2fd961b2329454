import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from conftest import new_id_number
from core.errors import ServiceError
from households import services
from households.models import (
    Expenditure,
    ExpenditureCategory,
    Household,
    HouseholdAccess,
    Income,
    IncomeCategory,
    Member,
)
from households.tests.builders import add_member


def test_registering_a_household_records_its_head_with_sex_and_birth_date(regions, staff):
    household = services.household_create(
        by=staff["caseworker_a"],
        household={"region": regions["a1"], "residence": "urban", "address": "三合南里5号楼"},
        head={"name": "李秀英", "id_number": "11010519491231002x"},
    )
    head = household.members.get()
    assert head.relation == Member.Relation.HEAD
    assert head.id_number == "11010519491231002X"
    assert (head.sex, str(head.birth_date)) == ("F", "1949-12-31")


def test_a_person_in_another_household_is_refused_naming_the_township(regions, staff,
                                                                      make_household):
    number = new_id_number()
    make_household(regions["b1"], id_number=number)
    with pytest.raises(ServiceError) as info:
        make_household(regions["a1"], head_name="王五", id_number=number)
    assert "大兴区林校路街道" in info.value.message
    assert number not in info.value.message
    # Nothing half-saved: the second household was not created without its head.
    assert Household.objects.filter(region=regions["a1"]).count() == 0


def test_adding_a_registered_person_as_member_is_refused(regions, staff, make_household):
    first = make_household(regions["a1"])
    second = make_household(regions["a2"])
    taken = first.members.get().id_number
    with pytest.raises(ServiceError) as info:
        services.member_add(household=second, by=staff["caseworker_a"],
                            data={"name": "重复", "id_number": taken, "relation": "spouse"})
    assert "兴丰街道" in info.value.message
    assert second.members.count() == 1


def test_a_household_has_one_head(regions, staff, make_household):
    household = make_household(regions["a1"])
    with pytest.raises(ServiceError, match="已有户主"):
        services.member_add(household=household, by=staff["caseworker_a"],
                            data={"name": "第二户主", "id_number": new_id_number(),
                                  "relation": "head"})


def test_the_head_cannot_be_removed(regions, staff, make_household):
    household = make_household(regions["a1"])
    with pytest.raises(ServiceError, match="不能删除户主"):
        services.member_remove(member=household.members.get(), by=staff["caseworker_a"])


def test_editing_a_member_keeps_their_own_id_number_and_updates_derived_facts(
        regions, staff, make_household):
    household = make_household(regions["a1"])
    spouse = services.member_add(household=household, by=staff["caseworker_a"],
                                 data={"name": "刘美玲", "id_number": new_id_number(male=False),
                                       "relation": "spouse"})
    services.member_update(member=spouse, by=staff["caseworker_a"],
                           data={"name": "刘美玲", "id_number": "11010519491231002X",
                                 "relation": "spouse", "health": "chronic"})
    spouse.refresh_from_db()
    assert (spouse.sex, spouse.birth_date.year, spouse.health) == ("F", 1949, "chronic")


def test_an_approver_may_read_but_not_change_a_household(regions, staff, make_household):
    household = make_household(regions["a1"])
    with pytest.raises(PermissionDenied):
        services.household_update(household=household, by=staff["approver_a"],
                                  data={"address": "改动"})


def test_an_assistant_registers_only_in_their_own_community(regions, staff):
    with pytest.raises(PermissionDenied):
        services.household_create(
            by=staff["assistant_a1"],
            household={"region": regions["a2"], "residence": "urban", "address": "x"},
            head={"name": "赵六", "id_number": new_id_number()})
    assert not Household.objects.exists()


def test_households_are_registered_at_community_level(regions, staff):
    with pytest.raises(ServiceError, match="社区或村一级"):
        services.household_create(
            by=staff["caseworker_a"],
            household={"region": regions["a"], "residence": "urban", "address": "x"},
            head={"name": "赵六", "id_number": new_id_number()})


def test_an_income_for_a_member_of_another_household_is_refused(regions, staff, make_household):
    mine, other = make_household(regions["a1"]), make_household(regions["a2"])
    with pytest.raises(ServiceError, match="不属于该家庭"):
        services.record_add(household=mine, by=staff["caseworker_a"], model=Income,
                            data={"member": other.members.get(), "amount": 100, "months": 12,
                                  "category": IncomeCategory.objects.get(code="wage")})
    assert not Income.objects.exists()


def test_views_and_changes_are_recorded_without_personal_values(regions, staff, make_household):
    household = make_household(regions["a1"])
    services.record_view(household=household, by=staff["approver_a"])
    services.household_update(household=household, by=staff["caseworker_a"],
                              data={"address": "兴丰大街99号", "phone": "13900001111"})
    log = list(HouseholdAccess.objects.filter(household_id_ref=household.pk)
               .order_by("id").values_list("user__username", "action", "detail"))
    assert [(u, a) for u, a, _ in log] == [
        ("caseworker_a", "create"), ("approver_a", "view"), ("caseworker_a", "update")]
    assert log[-1][2] == "户信息：居住地址、联系电话"
    assert all("13900001111" not in d and "兴丰大街99号" not in d for _, _, d in log)


def test_not_counted_income_categories_are_seeded_from_db_13(db):
    not_counted = set(IncomeCategory.objects.filter(counted=False).values_list("code", flat=True))
    assert {"special_care", "family_planning", "scholarship", "good_samaritan",
            "assistance"} <= not_counted
    assert IncomeCategory.objects.get(code="wage").counted


def test_the_head_cannot_be_demoted_even_when_the_form_already_changed_the_object(
        regions, staff, make_household):
    household = make_household(regions["a1"])
    head = household.members.get()
    head.relation = Member.Relation.OTHER  # what a bound MemberForm(instance=head) does
    with pytest.raises(ServiceError, match="更换户主") as info:
        services.member_update(member=head, by=staff["caseworker_a"],
                               data={"name": head.name, "id_number": head.id_number,
                                     "relation": "other"})
    assert "设为户主" in info.value.message
    assert household.members.get().relation == Member.Relation.HEAD


def test_making_another_member_head_gives_the_former_head_the_chosen_relation(
        regions, staff, make_household):
    household = make_household(regions["a1"], head_name="张建国")
    former = household.members.get()
    spouse = add_member(household, staff["caseworker_a"])
    services.member_make_head(member=spouse, by=staff["caseworker_a"],
                              former_head_relation="spouse")
    relations = dict(household.members.values_list("name", "relation"))
    assert relations == {"张建国": "spouse", "刘美玲": "head"}
    assert str(Household.objects.get(pk=household.pk)) == "刘美玲户"
    assert HouseholdAccess.objects.filter(
        household_id_ref=household.pk, detail=f"更换户主：成员 #{spouse.pk}（原户主 #{former.pk}）"
    ).exists()


def test_the_former_head_cannot_stay_head_and_an_approver_cannot_change_the_head(
        regions, staff, make_household):
    household = make_household(regions["a1"])
    spouse = add_member(household, staff["caseworker_a"])
    with pytest.raises(ServiceError, match="原户主与新户主的关系"):
        services.member_make_head(member=spouse, by=staff["caseworker_a"],
                                  former_head_relation="head")
    with pytest.raises(PermissionDenied):
        services.member_make_head(member=spouse, by=staff["approver_a"],
                                  former_head_relation="spouse")
    assert household.members.get(relation="head").pk != spouse.pk


def test_a_second_head_message_points_to_the_make_head_button_not_back_to_the_form(
        regions, staff, make_household):
    household = make_household(regions["a1"])
    with pytest.raises(ServiceError) as info:
        add_member(household, staff["caseworker_a"], relation="head")
    assert "设为户主" in info.value.message
    assert "修改原户主" not in info.value.message


@pytest.mark.django_db(transaction=True)
def test_two_users_adding_a_head_at_the_same_moment_one_is_told_the_household_has_one(
        regions, staff, make_household):

    household = make_household(regions["a1"])
    household.members.update(relation=Member.Relation.OTHER)  # a household left without head
    inserted, outcome = threading.Event(), {}

    def first_user():
        try:
            with transaction.atomic():
                add_member(household, staff["caseworker_a"], relation="head", name="钱甲")
                inserted.set()
                time.sleep(1)  # the second user's insert waits on this uncommitted row
        finally:
            connection.close()

    thread = threading.Thread(target=first_user)
    thread.start()
    assert inserted.wait(timeout=10)
    try:
        add_member(household, staff["assistant_a1"], relation="head", name="钱乙")
    except ServiceError as error:
        outcome["error"] = error.message
    thread.join(timeout=30)
    assert "该家庭已有户主" in outcome["error"]
    assert list(household.members.filter(relation="head").values_list("name", flat=True)) == ["钱甲"]


def test_a_member_with_declared_records_is_not_removed_and_the_records_are_counted(
        regions, staff, make_household):
    household = make_household(regions["a1"])
    spouse = add_member(household, staff["caseworker_a"])
    by = staff["caseworker_a"]
    for amount in (1000, 2000):
        services.record_add(household=household, by=by, model=Income, data={
            "member": spouse, "category": IncomeCategory.objects.get(code="wage"),
            "amount": amount, "months": 12})
    services.record_add(household=household, by=by, model=Expenditure, data={
        "member": spouse, "category": ExpenditureCategory.objects.get(code="medical"),
        "amount": 300, "incurred_on": "2026-03-01"})
    with pytest.raises(ServiceError) as info:
        services.member_remove(member=spouse, by=by)
    assert "名下还有收入2条、支出1条" in info.value.message
    assert Member.objects.filter(pk=spouse.pk).exists()
    assert (spouse.incomes.count(), spouse.expenditures.count()) == (2, 1)


def test_a_whole_household_is_still_deleted_with_its_members_records(
        regions, staff, make_household):
    household = make_household(regions["a1"])
    spouse = add_member(household, staff["caseworker_a"])
    services.record_add(household=household, by=staff["caseworker_a"], model=Income, data={
        "member": spouse, "category": IncomeCategory.objects.get(code="wage"), "amount": 1000,
        "months": 12})
    services.household_delete(household=household, by=staff["caseworker_a"])
    assert not Household.objects.filter(pk=household.pk).exists()
    assert not Income.objects.exists() and not Member.objects.exists()


def test_an_expenditure_dated_in_the_future_is_refused(regions, staff, make_household):


    household = make_household(regions["a1"])
    with pytest.raises(ServiceError, match="不能晚于今天"):
        services.record_add(household=household, by=staff["caseworker_a"],
                            model=Expenditure, data={
                                "category": ExpenditureCategory.objects.get(code="medical"),
                                "amount": 300,
                                "incurred_on": timezone.localdate() + datetime.timedelta(days=1)})
    assert not household.expenditures.exists()


@pytest.mark.parametrize("category, data, field, message", [
    ("education", {"schooling": "abroad"}, "schooling", "自费出国就读、留学的学费不在扣减范围内"),
    ("pension", {"pension_share": "employer"}, "pension_share", "单位缴费不能扣减"),
    ("pension", {"pension_share": "government"}, "pension_share", "政府补贴不能扣减"),
    ("pension", {}, "pension_share", "请选择缴费部分"),
])
def test_a_part_that_is_never_deducted_is_refused_by_the_service(regions, staff, make_household,
                                                                   category, data, field, message):
    # Every caller (the form, the demo loader, any import) goes through this service.
    household = make_household(regions["a1"])
    with pytest.raises(ServiceError, match=message) as info:
        services.record_add(household=household, by=staff["caseworker_a"], model=Expenditure,
                            data={"category": ExpenditureCategory.objects.get(code=category),
                                  "amount": 3000, "incurred_on": "2026-03-01", **data})
    assert info.value.field == field
    assert not household.expenditures.exists()


def test_a_part_given_for_another_category_is_not_kept(regions, staff, make_household):
    household = make_household(regions["a1"])
    record = services.record_add(household=household, by=staff["caseworker_a"], model=Expenditure,
                                 data={"category": ExpenditureCategory.objects.get(code="medical"),
                                       "amount": 300, "incurred_on": "2026-03-01",
                                       "schooling": "abroad", "pension_share": "employer"})
    record.refresh_from_db()
    assert (record.schooling, record.pension_share) == ("", "")
