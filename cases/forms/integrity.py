"""Forms of the integrity pages: recording a fraud finding, the steps on it, and the
district's export for the credit platform."""

from decimal import Decimal

from django import forms

from cases.forms.fields import date_input
from cases.models import FraudMeans, Sanction


class MonthField(forms.DateField):
    """A month (the browser's month picker): the first day of it."""

    widget = forms.DateInput(format="%Y-%m", attrs={"type": "month"})
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "年-月，如 2025-03")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


def _text(label: str, *, required: bool = True, rows: int = 2, help_text: str = ""):
    return forms.CharField(label=label, required=required, max_length=2000, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class BenefitLookupForm(forms.Form):
    number = forms.CharField(label="确认决定编号", max_length=40,
                             help_text="该家庭享受救助的确认决定（申请）编号。")


class FindingForm(forms.Form):
    means = forms.ChoiceField(label="骗取手段", choices=FraudMeans.choices, widget=forms.RadioSelect)
    facts = _text("查实的事实", rows=4,
                  help_text="写明隐瞒或虚报了什么（收入、财产、家庭成员）、伪造了什么材料，"
                            "以及如何查实（内部记录，不公示）。请勿填写身份证号、银行账号。")
    first_month = MonthField(label="骗取起始月")
    last_month = MonthField(label="骗取截止月")
    member = forms.TypedChoiceField(label="失信人员", coerce=int, required=False, empty_value=None,
                                    help_text="不选则为户主。")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "户主")] + [
            (m.pk, f"{m.name}（{m.get_relation_display()}）") for m in members]


class NoteForm(forms.Form):
    note = _text("说明", required=False)


class ReasonsForm(forms.Form):
    reasons = _text("理由")


class VerifyForm(forms.Form):
    sanction = forms.ChoiceField(label="处理", choices=Sanction.choices, widget=forms.RadioSelect,
                                 help_text="对确有骗保等失信行为的，给予批评教育或者警告。")
    panel = forms.CharField(label="参与认定的法律顾问或专家", max_length=200,
                            help_text="邀请法律顾问参与认定，或组织法律专家评议团。")
    note = _text("认定意见", required=False)


class RepaymentForm(forms.Form):
    received_on = forms.DateField(label="收款日期", widget=date_input())
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2,
                                min_value=Decimal("0.01"))
    receipt_number = forms.CharField(label="收据编号", max_length=50)


class ExportForm(forms.Form):
    again = forms.BooleanField(label="同时重新导出以前已推送的", required=False)
