import datetime

from django import forms
from django.utils import timezone

from filing.models import MandatoryReview, SpotCheckItem

MAX_REGISTER_BYTES = 10 * 1024 * 1024
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class RegisterImportForm(forms.Form):
    file = forms.FileField(label="登记表文件（.xlsx 或 .csv；CSV 可为 UTF-8 或 GBK 编码）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_REGISTER_BYTES:
            raise forms.ValidationError("文件超过10MB，请检查是否选错了文件。")
        return upload


class ReviewForm(forms.Form):
    visited_on = forms.DateField(label="入户核查日期", initial=timezone.localdate, widget=DATE)
    visitors = forms.CharField(label="核查人员", max_length=100)
    findings = forms.CharField(label="入户核查情况", widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.ChoiceField(label="审查结论", choices=MandatoryReview.Conclusion.choices,
                                   widget=forms.RadioSelect)
    problem = forms.CharField(label="发现的问题（退回整改时填写）", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(label="整改时限（工作日）", min_value=1, max_value=60, required=False,
                              help_text="留空则按本区规定的整改时限。")


def _last_month():
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


class DrawForm(forms.Form):
    period_from = forms.DateField(label="备案日期自", widget=DATE, initial=_last_month)
    period_to = forms.DateField(label="备案日期至", widget=DATE,
                                initial=lambda: timezone.localdate().replace(day=1)
                                - datetime.timedelta(days=1))
    note = forms.CharField(label="说明（可选）", required=False, max_length=200)


class CheckForm(forms.Form):
    checked_on = forms.DateField(label="核查日期", initial=timezone.localdate, widget=DATE)
    method = forms.ChoiceField(label="核查方式", choices=SpotCheckItem.Method.choices)
    record = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 2}))
    finding = forms.ChoiceField(label="结论", choices=SpotCheckItem.Finding.choices,
                                widget=forms.RadioSelect)
    problem = forms.CharField(label="发现的问题（退回整改时填写）", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(label="整改时限（工作日）", min_value=1, max_value=60, required=False,
                              help_text="留空则按本区规定的整改时限。")


class RosterForm(forms.Form):
    note = forms.CharField(label="说明（更正已报送的名册时必填）", required=False, max_length=200)
