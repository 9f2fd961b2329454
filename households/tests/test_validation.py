"""Names are names and phone numbers phone numbers: on the forms, and in the services that
imports go through. Nothing that starts a spreadsheet formula gets in."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import new_id_number
from core.errors import ServiceError
from households import services
from households.fields import tidy_person_name, tidy_phone, validate_person_name, validate_phone
from households.models import Household, Member

NAMES = ["张建国", "欧阳秀英", "买买提·艾力", "阿依古丽·买买提", "John Smith", "李 娜", "𠮷田"]
BAD_NAMES = ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+张三", "-张三", "张\x07三", "张\u200b三",
             "张", "张" * 31, "张三1", "Robert'); DROP", "·张三", "<script>"]
PHONES = ["13800138000", "19912345678", "010-69281234", "01069281234", "0571-8702345",
          "0755-86001234"]
BAD_PHONES = ["12345", "12800138000", "1380013800", "138001380001", "69281234", "010-123456",
              "=1+1", "+13800138000", "@13800138000", "010-6928-1234"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_of_chinese_characters_letters_dots_and_spaces_is_accepted(name):
    validate_person_name(name)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_what_is_not_a_name_is_refused(name):
    with pytest.raises(ValidationError):
        validate_person_name(tidy_person_name(name))


def test_a_name_is_tidied_as_typed():
    assert tidy_person_name("  买买提・艾力 ") == "买买提·艾力"
    assert tidy_person_name("买买提 • 艾力") == "买买提·艾力"
    assert tidy_person_name("Ｊｏｈｎ　　Smith") == "John Smith"


@pytest.mark.parametrize("phone", PHONES)
def test_a_mobile_or_a_landline_with_its_area_code_is_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_what_is_not_a_phone_number_is_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(tidy_phone(phone))


def test_a_phone_number_is_tidied_as_typed():
    assert tidy_phone("+86 138 0013 8000") == "13800138000"
    assert tidy_phone("０１０－６９２８ １２３４") == "010-69281234"


def test_the_services_refuse_a_formula_as_a_name_and_12345_as_a_phone(regions, staff):
    by = staff["caseworker_a"]
    household = {"region": regions["a1"], "residence": "urban", "address": "兴丰大街1号"}
    with pytest.raises(ServiceError) as refused:
        services.household_create(by=by, household=household,
                                  head={"name": "=HYPERLINK(\"http://x\",\"点此\")",
                                        "id_number": new_id_number()})
    assert refused.value.field == "name"
    with pytest.raises(ServiceError) as refused:
        services.household_create(by=by, household={**household, "phone": "12345"},
                                  head={"name": "张建国", "id_number": new_id_number()})
    assert refused.value.field == "phone" and "手机号" in refused.value.message
    assert not Household.objects.exists()
    made = services.household_create(by=by, household={**household, "phone": "+86 138 0013 8000"},
                                     head={"name": " 买买提・艾力 ", "id_number": new_id_number()})
    assert made.phone == "13800138000" and made.members.get().name == "买买提·艾力"
    with pytest.raises(ServiceError):
        services.member_add(household=made, by=by,
                            data={"name": "@张三", "id_number": new_id_number(), "relation": "spouse"})
    with pytest.raises(ServiceError):
        services.member_update(member=made.members.get(), by=by, data={"name": "张\x00三"})
    with pytest.raises(ServiceError):
        services.household_update(household=made, by=by, data={"phone": "010-123"})
    # The whole shape of a name, whoever enters it (an import goes through these services).
    for not_a_name in ("户01", "甲", "张三3"):
        with pytest.raises(ServiceError, match="姓名") as refused:
            services.member_add(household=made, by=by, data={
                "name": not_a_name, "id_number": new_id_number(), "relation": "spouse"})
        assert refused.value.field == "name"
    assert Member.objects.get().name == "买买提·艾力"


def test_the_forms_say_what_a_name_and_a_phone_number_must_be(client, regions, staff, household):
    client.force_login(staff["caseworker_a"])
    form = {"region": regions["a1"].pk, "residence": "urban", "address": "兴丰大街1号"}
    page = client.post(reverse("households:edit", args=[household.pk]),
                       {**form, "phone": "12345678901"}).content.decode()
    assert "11位手机号" in page
    assert Household.objects.get().phone == "13800138000"
    head = household.members.get()
    page = client.post(reverse("households:member_edit", args=[household.pk, head.pk]),
                       {"name": "=1+1", "id_number": head.id_number, "relation": "head"}
                       ).content.decode()
    assert "姓名不能以“=”开头" in page
    assert Member.objects.get().name == "赵建国"
