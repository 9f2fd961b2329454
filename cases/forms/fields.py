"""Form fields the case forms share: ISO date inputs and uploads."""

from django import forms

from core.files import validate_upload


def date_input():
    # ISO format: a browser's date field shows nothing for a localised date.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class UploadField(forms.FileField):
    default_validators = [validate_upload]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,application/pdf", "capture": "environment"}))
        super().__init__(*args, **kwargs)
