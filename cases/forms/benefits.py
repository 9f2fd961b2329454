"""Forms of the benefit pages (在保): the household heard, a change reported, a refusal of
work and the cut of that person's share, a self-care assessment, a direct adjustment or
stop, a review's decision and the district's review round. The services check the rules
(cases.services.benefits, .reviews, .rounds); these forms only parse what was typed."""

from django import forms
from django.utils import timezone

from cases.forms.fields import date_input
from cases.models import ReviewKind, ReviewOutcome, SelfCareAssessment

TEXTAREA = {"rows": 2}


def _member_choices(members, blank: str | None = None) -> list:
    choices = [(m.pk, f"{m.name}（{m.get_relation_display()}）") for m in members]
    return [("", blank), *choices] if blank is not None else choices


class MemberFormMixin:
    """A `member` field whose choices are the household's members."""

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.choices = _member_choices(members, None if field.required else "（不涉及具体成员）")


class ViewsForm(forms.Form):
    # The review whose decision waits for these views (from the review page's link).
    review = forms.IntegerField(widget=forms.HiddenInput, required=False)
    proposed = forms.CharField(label="拟作出的决定", max_length=200,
                               help_text="如“拟停发低保金”“拟减发至每月800元”。")
    heard_on = forms.DateField(label="听取日期", widget=date_input())
    person = forms.CharField(label="陈述人", max_length=50, help_text="家庭成员姓名。")
    statement = forms.CharField(label="陈述、申辩意见", required=False,
                                widget=forms.Textarea(attrs=TEXTAREA))
    declined = forms.BooleanField(label="家庭拒绝陈述", required=False)

    def __init__(self, *args, person: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heard_on"].initial = timezone.localdate()
        self.fields["person"].initial = person


class ChangeForm(MemberFormMixin, forms.Form):
    kind = forms.ChoiceField(label="变化类型", widget=forms.RadioSelect, choices=[
        (ReviewKind.CHANGE, "家庭报告变化（收入、人口、就业等）"),
        (ReviewKind.DEATH, "家庭成员死亡"),
        (ReviewKind.SELF_CARE, "自理能力变化（须重新评估）")])
    member = forms.TypedChoiceField(label="涉及成员", coerce=int, required=False,
                                    empty_value=None)
    note = forms.CharField(label="变化情况", widget=forms.Textarea(attrs=TEXTAREA),
                           help_text="写明哪位成员、何时、什么变化；登记后进入待核查。")


class WorkRefusalForm(MemberFormMixin, forms.Form):
    member = forms.TypedChoiceField(label="拒绝就业的成员", coerce=int)
    refused_on = forms.DateField(label="拒绝日期", widget=date_input())
    offer = forms.CharField(label="介绍的工作（单位、岗位）", max_length=200)


class CutShareForm(MemberFormMixin, forms.Form):
    member = forms.TypedChoiceField(label="减发谁的本人部分", coerce=int)
    reasons = forms.CharField(label="减发理由（写入书面通知）", widget=forms.Textarea(attrs=TEXTAREA))


class SelfCareForm(MemberFormMixin, forms.Form):
    member = forms.TypedChoiceField(label="评估对象", coerce=int)
    not_managed = forms.MultipleChoiceField(
        label="不能自主完成的项目", required=False, widget=forms.CheckboxSelectMultiple,
        choices=SelfCareAssessment.ACTIVITIES,
        help_text="勾选4项及以上为完全失能，1至3项为部分失能，未勾选为生活自理。")
    assessed_on = forms.DateField(label="评估日期", widget=date_input())
    assessors = forms.CharField(label="评估人员", max_length=100, help_text="至少2人。")


class AdjustForm(forms.Form):
    amount = forms.DecimalField(label="调整后月保障金额（元）", max_digits=10, decimal_places=2,
                                min_value=0)
    reasons = forms.CharField(label="调整理由（写入书面通知）", widget=forms.Textarea(attrs=TEXTAREA))


class StopForm(forms.Form):
    reasons = forms.CharField(label="停发理由（写入书面通知）", widget=forms.Textarea(attrs=TEXTAREA))


class DecideForm(forms.Form):
    """The caseworker's conclusion: 继续享受 decided at once; the others proposed to the
    approver."""

    outcome = forms.ChoiceField(label="核查结论", choices=ReviewOutcome.choices,
                                widget=forms.RadioSelect,
                                help_text="继续享受由经办人直接作出；调整金额、渐退、停止发放"
                                          "报镇(街道)审批人审批。")
    amount = forms.DecimalField(label="调整后月保障金额（元）", max_digits=10, decimal_places=2,
                                min_value=0, required=False, help_text="选择“调整金额”时填写。")
    deviation = forms.CharField(label="与测算结果不同的理由", required=False,
                                widget=forms.Textarea(attrs=TEXTAREA),
                                help_text="调整后金额与本次测算结果不同时必须写明。")
    exit_months = forms.IntegerField(label="渐退期（月）", min_value=1, max_value=6,
                                     required=False)  # DB §33; the region's rule may be less
    reasons = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs=TEXTAREA),
                              help_text="调整、渐退或停发须写明理由，理由将写入书面通知。")

    def __init__(self, *args, exit_limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if exit_limit:
            self.fields["exit_months"].max_value = exit_limit
            self.fields["exit_months"].widget.attrs["max"] = exit_limit
            self.fields["exit_months"].help_text = (f"选择“渐退”时填写，本地规定1至{exit_limit}个月；"
                                                    "不填按最长期限。")

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ReviewOutcome.ADJUST and data.get("amount") is None:
            self.add_error("amount", "选择“调整金额”时请填写调整后的月保障金额。")
        return data


class ApproveForm(forms.Form):
    """The approver's decision on a proposal: agree, or send it back with a reason."""

    reason = forms.CharField(label="退回理由", required=False, widget=forms.Textarea(attrs=TEXTAREA),
                             help_text="退回重新核查时必须写明。")


class RoundForm(forms.Form):
    township = forms.ModelChoiceField(label="镇/街道", queryset=None, empty_label="请选择")
    name = forms.CharField(label="年审名称", max_length=50, help_text="如“2026年度低保年审”。")
    due_on = forms.DateField(label="完成时限", widget=date_input())

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
