"""The forms of a case's steps (what cases.offers puts on the case page) and of
starting a case. Each carries the state the user saw, so that a step on a case
someone just moved is refused clearly."""

from django import forms

from cases.forms.fields import UploadField, date_input
from cases.models import AssistanceType, CaseDocument, Hardship, Material
from cases.selectors import case_calculation
from publicity.models import Hearing, Objection
from verification.models import HomeInvestigation


class ActionForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, application=None, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            self.fields["expected_state"].initial = application.state


class NewApplicationForm(forms.Form):
    assistance_type = forms.ChoiceField(label="申请救助类别", choices=AssistanceType.choices)
    hardship = forms.ChoiceField(label="致困类别", choices=Hardship.choices,
                                 help_text="公示时只显示这一类别。")
    reason = forms.CharField(label="致困情况（内部记录，不公示）",
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=500,
                             help_text="写明家庭困难的具体情况，供调查和审核参考。")
    authorization = UploadField(
        label="签字的《社会救助申请及核对授权书》", required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf",
                                               "capture": "environment"}),
        help_text="打印后由申请人和共同生活的家庭成员签字或按指印，拍照或扫描上传。受理时必须具备。")
    evidence = UploadField(label="其他证明材料（可选）", required=False)

    def __init__(self, *args, at_window: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if at_window:  # rule 1: the window accepts only with the signed authorization
            field = self.fields["authorization"]
            field.required = True
            field.error_messages["required"] = (
                "受理时必须上传申请人签字（或按指印）的《社会救助申请及核对授权书》照片或扫描件。")


class ReturnForm(ActionForm):
    missing = forms.ModelMultipleChoiceField(
        label="缺少的材料（一次性全部勾选）", queryset=Material.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="补正说明", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        if application is not None:
            self.fields["missing"].queryset = Material.objects.filter(
                assistance_type=application.assistance_type, active=True)


class ResubmitForm(ActionForm):
    kind = forms.ChoiceField(label="补交材料类别", choices=CaseDocument.Kind.choices)
    file = UploadField(label="补交的材料", required=False)
    note = forms.CharField(label="补正说明", required=False,
                           help_text="上传材料或写明已补正的内容，至少一项。")


class ConfirmForm(ActionForm):
    """A step with nothing to fill in."""


class HomeInvestigationForm(ActionForm):
    visited_on = forms.DateField(label="入户日期", widget=date_input())
    investigators = forms.CharField(label="调查人员", max_length=200,
                                    help_text=HomeInvestigation._meta.get_field("investigators").help_text)
    third_party = forms.CharField(label="第三方机构（如委托）", max_length=100, required=False)
    findings = forms.CharField(label="调查情况", widget=forms.Textarea(attrs={"rows": 3}))
    signed_form = UploadField(label="签字的调查表（照片或扫描件）")


class VerificationResultForm(ActionForm):
    summary = forms.CharField(label="核对结论", widget=forms.Textarea(attrs={"rows": 3}))
    has_warning = forms.BooleanField(label="有预警", required=False)
    warnings = forms.CharField(label="预警事项", required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


def calculated_total(application):
    return case_calculation(application).total_amount


class ProposeForm(ActionForm):
    decision = forms.ChoiceField(label="审核意见", widget=forms.RadioSelect,
                                 choices=[("approve", "拟同意"), ("reject", "拟不同意")])
    amount = forms.DecimalField(label="拟保障金额（元/月）", required=False, min_value=0,
                                decimal_places=2, max_digits=10,
                                help_text="默认为测算结果；调整金额须在理由中说明。")
    reasons = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        if application is not None and not self.is_bound:
            self.fields["amount"].initial = calculated_total(application)


class ClosePublicityForm(ActionForm):
    skip_reason = forms.CharField(label="不组织民主评议的理由",
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  initial="公示期满无异议，核对无预警，不在集中行动期间。")


class ReasonForm(ActionForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(ActionForm):
    reason = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HearingForm(ActionForm):
    held_on = forms.DateField(label="评议日期", widget=date_input())
    participants = forms.CharField(label="参加人员", widget=forms.Textarea(attrs={"rows": 2}))
    opinions = forms.CharField(label="评议意见", widget=forms.Textarea(attrs={"rows": 2}))
    votes_for = forms.IntegerField(label="同意票", min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label="反对票", min_value=0, max_value=1000)
    votes_abstain = forms.IntegerField(label="弃权票", min_value=0, max_value=1000, initial=0)
    minutes = forms.CharField(label="会议记录", widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label="评议结果", choices=Hearing.Outcome.choices,
                                widget=forms.RadioSelect)


class ObjectionForm(ActionForm):
    channel = forms.ChoiceField(label="渠道", choices=[
        c for c in Objection.Channel.choices if c[0] != Objection.Channel.PUBLIC_FORM])
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}))
    contact = forms.CharField(label="反映人联系方式（可不填）", required=False)
    repeat = forms.BooleanField(label="确认另行登记（与已登记的异议内容相同）", required=False)


class HandleObjectionForm(ActionForm):
    objection = forms.ModelChoiceField(label="异议", queryset=Objection.objects.none())
    finding = forms.CharField(label="核查结果", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        if application is not None:
            self.fields["objection"].queryset = Objection.objects.filter(
                notice__application=application, handled_at__isnull=True)
            self.fields["objection"].label_from_instance = (
                lambda o: f"{o.received_at:%m-%d} {o.get_channel_display()}：{o.content[:30]}")
            pending = list(self.fields["objection"].queryset[:2])
            if len(pending) == 1 and not self.is_bound:
                self.fields["objection"].initial = pending[0].pk


class ApproveForm(ActionForm):
    amount = forms.DecimalField(label="月保障金额（元）", min_value=0, decimal_places=2,
                                max_digits=10)
    reasons = forms.CharField(label="审批意见（调整金额时必填）", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        if application is not None and not self.is_bound:
            calculated = calculated_total(application)
            self.fields["amount"].initial = (calculated if calculated is not None
                                             else application.proposed_amount)
            if calculated is not None and calculated != application.proposed_amount:
                self.fields["amount"].help_text = (
                    f"测算结果 {calculated} 元；审核意见（已公示）{application.proposed_amount} 元。"
                    "与其中任一不同时须写明理由。")


class RejectForm(ActionForm):
    reasons = forms.CharField(label="不予确认的理由（将写入书面通知）",
                              widget=forms.Textarea(attrs={"rows": 3}))


class RectificationForm(ActionForm):
    finding = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(label="整改时限（工作日）", min_value=1, max_value=60, required=False,
                              help_text="留空则按本区规定的整改时限。")


class ReturnRectificationForm(ActionForm):
    reason = forms.CharField(label="整改不到位之处", widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(label="重新整改时限（工作日）", min_value=1, max_value=60,
                              required=False, help_text="留空则按本区规定的整改时限。")


class AnswerForm(ActionForm):
    answer = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 2}))
    file = UploadField(label="整改材料（可选）", required=False)


class AttachForm(ActionForm):
    kind = forms.ChoiceField(label="材料类别", choices=CaseDocument.Kind.choices)
    file = UploadField(label="文件")
