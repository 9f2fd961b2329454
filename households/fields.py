from django.db import models

from households.idnumber import normalize, validate_id_number


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

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalize(value) if value else value
