"""The household pages as a caseworker uses them: the head, the audit, searching by ID
number without leaking it, paging a long list. (The member table on a phone:
tests/test_browser.py, where the browser is.)"""

import re

from django.urls import reverse

from cases.tests.builders import cn
from conftest import new_id_number
from households import services
from households.models import Household, HouseholdAccess, Income, IncomeCategory, Member
from households.tests.builders import add_member

NUMBER = "11010519491231002X"


def member_post(member, **changes):
    data = {"name": member.name, "id_number": member.id_number, "relation": member.relation,
            "disability": "none", "health": "healthy", "health_note": "", "self_care": "able",
            "employment": "unemployed", "employment_group": "none", "public_role": "none"}
    return {**data, **changes}


# 1. The head

def test_the_head_cannot_be_set_to_another_relation_on_the_member_form(
        client, regions, staff, make_household):
    household = make_household(regions["a1"])
    head = household.members.get()
    client.force_login(staff["caseworker_a"])
    page = client.post(reverse("households:member_edit", args=[household.pk, head.pk]),
                       member_post(head, relation="other")).content.decode()
    assert "“更换户主”" in page
    assert Member.objects.get(pk=head.pk).relation == "head"
    assert str(Household.objects.get(pk=household.pk)) == "张建国户"


def test_set_as_head_on_the_household_page_swaps_head_and_former_head(
        client, regions, staff, make_household):
    household = make_household(regions["a1"], head_name="张建国")
    spouse = add_member(household, staff["caseworker_a"])
    client.force_login(staff["caseworker_a"])
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "设为户主" in page
    response = client.post(reverse("households:make_head", args=[household.pk]),
                           {"member": spouse.pk, "former_head_relation": "spouse"}, follow=True)
    page = response.content.decode()
    assert "户主已改为刘美玲" in page
    assert "<h1>刘美玲户</h1>" in page
    assert dict(household.members.values_list("name", "relation")) == {
        "张建国": "spouse", "刘美玲": "head"}


def test_an_approver_sees_no_set_as_head_button(client, regions, staff, make_household):
    household = make_household(regions["a1"])
    add_member(household, staff["caseworker_a"])
    client.force_login(staff["approver_a"])
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "设为户主" not in page


# 2. The audit of a household edit

def test_editing_the_household_on_its_page_records_which_fields_changed(
        client, regions, staff, make_household):
    household = make_household(regions["a1"])
    client.force_login(staff["caseworker_a"])
    response = client.post(reverse("households:edit", args=[household.pk]), {
        "region": regions["a1"].pk, "residence": "urban", "address": "兴丰大街99号",
        "phone": "13800138000"})
    assert response.status_code == 302
    update = HouseholdAccess.objects.get(household_id_ref=household.pk, action="update")
    assert update.detail == "户信息：居住地址"


# 3. Deleting a member with records

def test_deleting_a_member_with_an_income_is_refused_with_what_is_left(
        client, regions, staff, make_household):
    household = make_household(regions["a1"])
    spouse = add_member(household, staff["caseworker_a"])
    services.record_add(household=household, by=staff["caseworker_a"], model=Income, data={
        "member": spouse, "category": IncomeCategory.objects.get(code="wage"), "amount": 800,
        "months": 12})
    client.force_login(staff["caseworker_a"])
    page = client.post(reverse("households:member_delete", args=[household.pk, spouse.pk]),
                       follow=True).content.decode()
    assert "刘美玲名下还有收入1条" in page
    assert Member.objects.filter(pk=spouse.pk).exists() and Income.objects.count() == 1


# 4. Searching by ID number

def search(client, q, region=""):
    return client.post(reverse("households:list"), {"q": q, "region": region})


def test_an_id_number_search_stays_out_of_the_url_and_the_page(
        client, regions, staff, make_household):
    make_household(regions["a1"], head_name="吴桂兰", id_number=NUMBER)
    client.force_login(staff["caseworker_a"])
    response = search(client, " 1101 0519 4912 3100 2x ", region=regions["a1"].code)
    assert response.status_code == 302
    location = response["Location"]
    assert "110105" not in location and "q=" not in location
    assert re.search(r"[?&]s=[\w-]+", location) and f"region={regions['a1'].code}" in location
    page = client.get(location).content.decode()
    assert "吴桂兰户" in page
    assert NUMBER not in page and "11010519491231002x" not in page and "1101 0519" not in page


def test_a_search_for_an_unknown_id_number_does_not_echo_it(client, regions, staff):
    client.force_login(staff["caseworker_a"])
    unknown = new_id_number()
    page = client.get(search(client, unknown)["Location"]).content.decode()
    assert "没有找到该身份证号对应的家庭" in page
    assert unknown not in page and unknown[:14] not in page


def test_a_name_search_is_shown_back(client, regions, staff, make_household):
    make_household(regions["a1"], head_name="吴桂兰")
    client.force_login(staff["caseworker_a"])
    page = client.get(search(client, "王大")["Location"]).content.decode()
    assert "没有找到与“王大”相符的家庭" in page
    assert 'value="王大"' in page


def test_an_old_search_link_is_forgotten_after_twenty_newer_searches(
        client, regions, staff, make_household):
    make_household(regions["a1"], head_name="吴桂兰")
    client.force_login(staff["caseworker_a"])
    first = search(client, "吴桂兰")["Location"]
    assert "吴桂兰户" in client.get(first).content.decode()
    for n in range(20):
        search(client, f"姓名{n}")
    page = client.get(first).content.decode()
    assert "吴桂兰户" in page and "查询：" not in page  # the key is gone: the whole list


# 5. (see households/tests/test_forms.py) 7. Full ID numbers on edit pages are recorded views

def test_opening_the_member_edit_page_records_that_the_full_number_was_shown(
        client, regions, staff, make_household):
    household = make_household(regions["a1"], id_number=NUMBER)
    head = household.members.get()
    client.force_login(staff["caseworker_a"])
    page = client.get(reverse("households:member_edit", args=[household.pk, head.pk]))
    assert NUMBER in page.content.decode()
    assert HouseholdAccess.objects.filter(
        household_id_ref=household.pk, user=staff["caseworker_a"], action="view",
        detail=f"完整身份证号：成员 #{head.pk}").count() == 1
    client.get(reverse("households:edit", args=[household.pk]))
    assert HouseholdAccess.objects.filter(household_id_ref=household.pk, action="view").count() == 2


# 10. Paging

def test_a_long_list_pages_with_next_and_previous_and_no_total(
        client, regions, staff, make_household):
    for n in range(25):
        make_household(regions["a1" if n % 2 else "a2"], head_name=f"户{cn(n, 2)}")
    client.force_login(staff["caseworker_a"])
    first = client.get(reverse("households:list")).content.decode()
    assert first.count('<li><a href="/households/') == 20
    assert "户二四户" in first and "下一页" in first and "上一页" not in first
    assert not re.search(r"共 \d+ 户", first)  # no COUNT over the whole reach
    after = re.search(r'href="\?(after=\d+)"', first).group(1)
    second = client.get(f"{reverse('households:list')}?{after}").content.decode()
    assert second.count('<li><a href="/households/') == 5
    assert "户零零户" in second and "上一页" in second and "下一页" not in second


def test_the_count_shows_when_one_community_is_chosen(client, regions, staff, make_household):
    for _ in range(3):
        make_household(regions["a1"])
    make_household(regions["a2"])
    client.force_login(staff["caseworker_a"])
    page = client.get(reverse("households:list"), {"region": regions["a1"].code}).content.decode()
    assert "三合南里社区共 3 户" in page


# 12. Smaller ones

def test_an_approver_opening_the_registration_page_is_told_why(client, staff):
    client.force_login(staff["approver_a"])
    response = client.get(reverse("households:create"))
    assert response.status_code == 403
    assert "您的岗位不能登记家庭档案" in response.content.decode()
