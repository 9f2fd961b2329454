import datetime

import pytest
from django.core.exceptions import ValidationError

from core.idnumber import check_digit, facts, mask, normalize, validate_id_number


def error_code(value):
    with pytest.raises(ValidationError) as info:
        validate_id_number(value)
    return info.value.code


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


@pytest.mark.parametrize("number", [
    "11010519491231002X",                # the standard's example (DESIGN §7)
    with_check("11022419650312001"),     # 大兴县: code retired in 2001, still on older cards
    with_check("11011520100704002"),     # 大兴区, born after the renaming
])
def test_valid_numbers_pass(number):
    validate_id_number(number)


def test_lower_case_x_and_blanks_are_normalised():
    assert normalize(" 11010519491231002x ") == "11010519491231002X"
    validate_id_number("11010519491231002x")


def test_check_digit_follows_the_weights_of_gb11643():
    # 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 % 11 = 2 → X
    assert check_digit("11010519491231002") == "X"


def test_wrong_check_digit_is_refused_without_echoing_the_number():
    with pytest.raises(ValidationError) as info:
        validate_id_number("110105194912310021")
    assert info.value.code == "checksum"
    assert "110105" not in info.value.messages[0]
    assert "校验位" in info.value.messages[0]


@pytest.mark.parametrize("first17", ["11010519490230002", "11010519491331002", "11010519490000002"])
def test_impossible_birth_date_is_refused(first17):
    assert error_code(first17 + check_digit(first17)) == "birth_date"


def test_birth_date_in_the_future_is_refused():
    first17 = f"110105{datetime.date.today().year + 1}0101002"
    assert error_code(first17 + check_digit(first17)) == "birth_date"


@pytest.mark.parametrize("region", ["999999", "110199", "000000"])
def test_unknown_region_code_is_refused(region):
    first17 = f"{region}19800101001"
    assert error_code(first17 + check_digit(first17)) == "region"


@pytest.mark.parametrize("number", ["1101051949123100", "11010519491231002X1", ""])
def test_wrong_length_is_refused(number):
    assert error_code(number) == "length"


def test_letters_inside_the_number_are_refused():
    assert error_code("11010519491231A02X") == "format"


def test_sex_and_birth_date_come_from_the_number():
    assert facts("11010519491231002X").birth_date == datetime.date(1949, 12, 31)
    assert facts("11010519491231002X").sex == "F"  # 17th digit 2: even → woman
    assert facts(with_check("11022419650312001")).sex == "M"  # 1: odd → man


def test_mask_hides_the_birth_date():
    assert mask("11010519491231002X") == "110105********002X"
