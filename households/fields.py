import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from core.idnumber import normalize, validate_id_number


class IDNumberFormField(forms.CharField):
    """Accepts a number as people paste it ("1101 0519 4912 3100 2x"): blanks go and a
    trailing x is upper-cased before any validation. No maxlength on the input, which would
    cut a pasted number short; the model's validator says exactly what is wrong."""

    def __init__(self, *, max_length=None, **kwargs):
        # The model's 18 characters hold after normalising; validate_id_number checks them.
        super().__init__(max_length=None, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if value else value


class IDNumberField(models.CharField):
    """A resident ID number. Every model stores ID numbers through this field only.

    Callers read and write plain strings; how the value is stored (today: normalized
    text under a unique index; later: encrypted with a keyed hash for lookups) can change
    here without touching them.
    """

    description = "Resident identity card number (GB 11643)"
    default_validators = [validate_id_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("verbose_name", "身份证号")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": IDNumberFormField, **kwargs})

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalize(value) if value else value


# --- names and phone numbers ------------------------------------------------------------------
# A name or a number that reaches a spreadsheet (rosters, exports) must not start a formula
# there, and must be what its label says. The forms and the services both check (the services
# are what imports go through); the forms also tidy what people type.

NAME_MIN, NAME_MAX = 2, 30
NAME_DOTS = "・•‧∙"  # what keyboards and copied documents give for the · of 买买提·艾力
FORMULA_STARTS = "=+-@"
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")


def _is_han(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in HAN_RANGES)


def tidy_person_name(value: str) -> str:
    """A name as typed, tidied: full-width letters made plain, the variants of the middle
    dot made ·, blanks around it and at the ends gone, runs of blanks one space."""
    value = unicodedata.normalize("NFKC", value or "")
    for dot in NAME_DOTS:
        value = value.replace(dot, "·")
    value = re.sub(r"[ \t\u3000]+", " ", value).strip()
    return re.sub(r" ?· ?", "·", value)


def validate_safe_name(value: str) -> None:
    """What every stored name holds, whoever writes it (the services check it): it does not
    start a spreadsheet formula (=, +, - or @), has no control characters, at most 30."""
    if value[:1] in FORMULA_STARTS:
        raise ValidationError(f"姓名不能以“{value[:1]}”开头。", code="formula")
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise ValidationError("姓名含有不可见的控制字符，请重新输入。", code="control")
    if not value or len(value) > NAME_MAX:
        raise ValidationError(f"姓名应为{NAME_MIN}至{NAME_MAX}个字。", code="length")


def validate_person_name(value: str) -> None:
    """A person's name as the forms take it: Chinese characters, letters, the middle dot
    and spaces, 2 to 30 characters, and safe (validate_safe_name)."""
    validate_safe_name(value)
    if not NAME_MIN <= len(value) <= NAME_MAX:
        raise ValidationError(f"姓名应为{NAME_MIN}至{NAME_MAX}个字。", code="length")
    if not all(_is_han(char) or char.isalpha() or char in "· " for char in value) or (
            value[0] in "· " or value[-1] in "· " or "··" in value):
        raise ValidationError("姓名只能由汉字、字母、间隔号“·”和空格组成，如 张建国、买买提·艾力。",
                              code="shape")


def tidy_phone(value: str) -> str:
    """A phone number as typed, tidied: full-width digits plain, blanks gone, any dash a -,
    a mobile's +86 gone."""
    value = unicodedata.normalize("NFKC", value or "")
    value = re.sub(r"[\u2010-\u2015\u2212]", "-", re.sub(r"\s+", "", value))
    return re.sub(r"^(?:\+86|0086)-?(?=1[3-9])", "", value)  # a mobile with the country code


def validate_phone(value: str) -> None:
    """A Chinese mobile number (11 digits, 13x–19x) or a landline with its area code
    (010-69281234, 0571-8702345)."""
    if not (MOBILE.fullmatch(value) or LANDLINE.fullmatch(value)):
        raise ValidationError("联系电话应为11位手机号（如 13800138000）或带区号的固定电话"
                              "（如 010-69281234）。", code="phone")
