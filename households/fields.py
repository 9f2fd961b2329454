from django import forms
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
