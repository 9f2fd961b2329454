"""Bad input answers in Chinese with what to fix, and nothing is half-saved."""

import datetime

from django.urls import reverse
from django.utils import timezone

from conftest import new_id_number
from households.models import ExpenditureCategory, Household, Member


def create_form(region, **head):
    return {"hh-region": region.pk, "hh-residence": "urban", "hh-address": "三合南里3号楼",
            "head-name": "王桂兰", "head-id_number": new_id_number(), "head-disability": "none",
            "head-health": "healthy", "head-self_care": "able", "head-employment": "unemployed",
            "head-employment_group": "none", "head-public_role": "none",
            **{f"head-{k}": v for k, v in head.items()}}


def test_a_bad_id_number_is_explained_and_nothing_is_saved(client, regions, staff):
    client.force_login(staff["caseworker_a"])
    response = client.post(reverse("households:create"),
                           create_form(regions["a1"], id_number="110105194912310021"))
    assert response.status_code == 200
    assert "身份证号校验位不正确" in response.content.decode()
    assert not Household.objects.exists()


def test_missing_fields_are_named_in_chinese(client, regions, staff):
    client.force_login(staff["caseworker_a"])
    page = client.post(reverse("households:create"), {"hh-residence": "urban"}).content.decode()
    assert page.count("这个字段是必填项。") >= 3
    assert not Household.objects.exists()


def test_a_person_registered_elsewhere_is_refused_on_the_form(client, regions, staff,
                                                              make_household):
    number = new_id_number()
    make_household(regions["b1"], id_number=number)
    client.force_login(staff["caseworker_a"])
    page = client.post(reverse("households:create"),
                       create_form(regions["a1"], id_number=number)).content.decode()
    assert "已登记在大兴区林校路街道的家庭中" in page
    assert Household.objects.count() == 1


def test_a_caseworker_registers_a_household_with_lower_case_x(client, regions, staff):
    client.force_login(staff["caseworker_a"])
    response = client.post(reverse("households:create"),
                           create_form(regions["a1"], id_number="11010519491231002x"))
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    assert Member.objects.get().id_number == "11010519491231002X"


def test_the_community_list_offers_only_communities_in_reach(client, regions, staff):
    client.force_login(staff["assistant_a1"])
    page = client.get(reverse("households:create")).content.decode()
    assert "三合南里社区" in page and "兴华中里社区" not in page
    response = client.post(reverse("households:create"), create_form(regions["a2"]))
    assert "选择一个有效的选项" in response.content.decode()
    assert not Household.objects.exists()


def test_a_negative_income_is_refused(client, regions, staff, make_household):
    household = make_household(regions["a1"])
    client.force_login(staff["caseworker_a"])
    page = client.post(reverse("households:record_add", args=[household.pk, "incomes"]),
                       {"category": 1, "amount": "-5", "months": 12}).content.decode()
    assert "确保该值大于或等于0" in page
    assert not household.incomes.exists()


def test_a_pasted_id_number_with_spaces_is_accepted(client, regions, staff):
    client.force_login(staff["caseworker_a"])
    page = client.get(reverse("households:create")).content.decode()
    assert 'maxlength="18"' not in page  # the browser would cut a pasted number short
    response = client.post(reverse("households:create"),
                           create_form(regions["a1"], id_number=" 1101 0519 4912 3100 2x "))
    assert response.status_code == 302
    assert Member.objects.get().id_number == "11010519491231002X"


def test_a_phone_number_with_letters_is_refused_in_chinese(client, regions, staff,
                                                           make_household):
    household = make_household(regions["a1"])
    client.force_login(staff["caseworker_a"])
    form = {"region": regions["a1"].pk, "residence": "urban", "address": "兴丰大街1号"}
    page = client.post(reverse("households:edit", args=[household.pk]),
                       {**form, "phone": "138-abc-8000"}).content.decode()
    assert "联系电话应为7至20位" in page
    assert Household.objects.get().phone == "13800138000"
    for phone in ("+86 138 0013 8000", "010-69281234"):
        assert client.post(reverse("households:edit", args=[household.pk]),
                           {**form, "phone": phone}).status_code == 302
    assert Household.objects.get().phone == "010-69281234"


def test_an_expenditure_in_the_future_is_refused_on_the_form(client, regions, staff,
                                                             make_household):


    household = make_household(regions["a1"])
    client.force_login(staff["caseworker_a"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.post(reverse("households:record_add", args=[household.pk, "expenditures"]), {
        "category": ExpenditureCategory.objects.get(code="medical").pk, "amount": "300",
        "incurred_on": tomorrow.isoformat()}).content.decode()
    assert "发生日期不能晚于今天" in page
    assert not household.expenditures.exists()


def expenditure_form(code, **fields):
    return {"category": ExpenditureCategory.objects.get(code=code).pk, "amount": "3000",
            "incurred_on": "2026-03-01", **fields}


def test_tuition_for_self_paid_study_abroad_is_refused_on_the_form(client, regions, staff,
                                                                    make_household):
    household = make_household(regions["a1"])
    client.force_login(staff["caseworker_a"])
    url = reverse("households:record_add", args=[household.pk, "expenditures"])
    page = client.post(url, expenditure_form("education", schooling="abroad")).content.decode()
    assert "自费出国就读、留学的学费不在扣减范围内" in page
    assert "只扣减国内全日制普通高校" in page and "依本地规定" in page
    # Tuition must say where the student studies.
    page = client.post(url, expenditure_form("education")).content.decode()
    assert "请选择就读类型" in page
    assert not household.expenditures.exists()
    assert client.post(url, expenditure_form("education", schooling="domestic")).status_code == 302
    assert household.expenditures.get().schooling == "domestic"
    detail = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "国内全日制学校" in detail


def test_the_employer_or_government_pension_share_is_refused_on_the_form(client, regions, staff,
                                                                          make_household):
    household = make_household(regions["a1"])
    client.force_login(staff["caseworker_a"])
    url = reverse("households:record_add", args=[household.pk, "expenditures"])
    for share, label in (("employer", "单位缴费"), ("government", "政府补贴")):
        page = client.post(url, expenditure_form("pension", pension_share=share)).content.decode()
        assert f"{label}不能扣减：由政府补贴的部分或单位缴纳的部分不列入扣减范围" in page
        assert "只扣减个人负担部分" in page and "依本地规定" in page
    assert not household.expenditures.exists()
    assert client.post(url, expenditure_form("pension", pension_share="personal")).status_code == 302
    assert household.expenditures.get().pension_share == "personal"
