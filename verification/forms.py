from django import forms
from django.utils import timezone

from verification.sources import SOURCE_CHOICES

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    source = forms.ChoiceField(label="数据来源", choices=SOURCE_CHOICES)
    data_date = forms.DateField(label="数据截至日期", initial=timezone.localdate,
                                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    file = forms.FileField(label="数据文件（.csv 或 .xlsx；CSV 可为 UTF-8 或 GBK 编码）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("文件超过50MB，请按区域拆分后分别导入。")
        return upload


class JobForm(forms.Form):
    township = forms.ModelChoiceField(label="镇/街道", queryset=None, empty_label=None)

    def __init__(self, *args, townships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
