"""Resident identity card numbers (公民身份号码, GB 11643-1999).

18 characters: a 6-digit address code (GB/T 2260), the birth date YYYYMMDD, a 3-digit
order code (odd for men, even for women) and a check digit (ISO 7064 MOD 11-2).
Error messages never repeat the number: they may end up in a log or on a screen.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from stdnum import numdb

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index: weighted sum mod 11
EARLIEST_BIRTH = datetime.date(1890, 1, 1)


def normalize(value: str) -> str:
    """Strip blanks (also full-width ones) and upper-case a trailing x."""
    return "".join(str(value).split()).replace("\u3000", "").replace("ｘ", "X").upper()


def may_be_id_number(text: str) -> bool:
    """Whether a search text could be (part of) an ID number and so must not be echoed.

    Names carry no digits; six or more digits are treated as a number, whole or not.
    """
    return sum(ch.isdigit() for ch in normalize(text)) >= 6


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def known_address_code(code: str) -> bool:
    """Whether GB/T 2260 has ever listed `code` as a county-level (or higher) division.

    A code that was renamed (110224 大兴县 → 110115 大兴区 in 2001) stays valid on the
    cards issued under it, and a card's code is where it was first issued, not where
    the person was born, so we do not tie the code to the birth year.
    """
    if len(code) != 6 or not code.isdigit():
        return False
    parts = dict(numdb.get("cn/loc").info(code))
    # numdb echoes an unmatched remainder with empty properties: require a listed county.
    return bool(parts.get(code[:2], {}).get("province")) and bool(
        parts.get(code[2:], {}).get("county"))


def validate_id_number(value: str) -> None:
    number = normalize(value)
    if len(number) != 18:
        raise ValidationError(f"身份证号应为18位，当前为{len(number)}位。", code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号前17位应为数字，最后一位为数字或X。", code="format")
    if not known_address_code(number[:6]):
        raise ValidationError("身份证号前6位不是已知的行政区划代码，请核对。", code="region")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号第7至14位不是有效的出生日期，请核对。",
                              code="birth_date") from None
    if not EARLIEST_BIRTH <= birth <= datetime.date.today():
        raise ValidationError("身份证号中的出生日期不在合理范围内，请核对。", code="birth_date")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不正确，请逐位核对是否抄错。", code="checksum")


@dataclass(frozen=True)
class IDFacts:
    birth_date: datetime.date
    sex: str  # "M" or "F"


def facts(number: str) -> IDFacts:
    """Birth date and sex read from a valid number."""
    number = normalize(number)
    birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return IDFacts(birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def mask(number: str) -> str:
    """Shown where a full number is not needed: 110105********002X."""
    number = normalize(number)
    return number[:6] + "*" * 8 + number[14:] if len(number) == 18 else "*" * len(number)
