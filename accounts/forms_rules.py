"""设置新值: one rule's new value, its effective month, the region's own source and why."""

import datetime

from django import forms
from django.utils import timezone

from accounts.rule_specs import RuleSpec
from accounts.selectors_rules import CHOICE_LABELS, is_amount, rule_range, rule_unit
from accounts.services import RULE_REASON_REQUIRED


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


class RuleValueForm(forms.Form):
    value = forms.CharField(label="新值", max_length=100)
    effective_month = forms.DateField(
        label="生效月份", input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"required": "请选择生效月份。", "invalid": "请按“2027-01”的格式填写生效月份。"},
        help_text="自该月1日起执行，不能早于今天。")
    source = forms.CharField(
        label="依据（本区文件）", max_length=200,
        error_messages={"required": "请填写本区的依据文件（名称和文号）。"},
        help_text="本区发布该标准的文件名称和文号，将显示在测算说明中。")
    reason = forms.CharField(
        label="修改理由", widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": RULE_REASON_REQUIRED},
        help_text="必填，将与原值、新值一起记入操作审计。")

    def __init__(self, *args, spec: RuleSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        unit = rule_unit(spec)
        if spec.kind is bool:
            self.fields["value"] = forms.ChoiceField(label="新值", choices=[("true", "是"), ("false", "否")])
        elif isinstance(spec.kind, tuple):
            self.fields["value"] = forms.ChoiceField(
                label="新值", choices=[(code, CHOICE_LABELS.get(code, code)) for code in spec.kind])
        else:
            self.fields["value"].label = f"新值（{unit}）" if unit else "新值"
            self.fields["value"].widget.attrs["inputmode"] = "decimal"
        self.fields["value"].help_text = f"允许范围：{rule_range(spec)}。"
        self.fields["value"].error_messages["required"] = "请填写新值。"
        if not self.is_bound:
            self.initial.setdefault("effective_month", self.earliest_month())

    @staticmethod
    def earliest_month() -> datetime.date:
        today = timezone.localdate()
        return today if today.day == 1 else _first_of_next_month(today)

    def clean_value(self):
        raw = self.cleaned_data["value"]
        if self.spec.kind is bool:
            raw = raw == "true"
        try:
            value = self.spec.parse(raw)
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(f"{self.spec.label}的取值无效：{exc}。") from None
        if is_amount(self.spec) and float(value) <= 0:
            raise forms.ValidationError(f"{self.spec.label}应为大于0的金额（元），如 1450。")
        return value

    def clean_effective_month(self):
        month = self.cleaned_data["effective_month"]
        if month.day != 1:
            raise forms.ValidationError("生效月份应为某月1日，请只选择年月。")
        earliest = self.earliest_month()
        if month < earliest:
            raise forms.ValidationError(f"生效月份不能早于今天：最早为{earliest:%Y年%m月}。")
        return month
