import re
import unicodedata

from django import forms

from accounts.models import Region
from cases.forms import UploadField, date_input
from cases.models import AssistanceType, Hardship, RequestCategory
from households.fields import IDNumberFormField


class RegistrationForm(forms.Form):
    region = forms.ModelChoiceField(label="所在社区(村)", queryset=None, empty_label=None)
    applicant_name = forms.CharField(label="申请人姓名", max_length=50)
    applicant_id = IDNumberFormField(label="申请人身份证号", required=False,
                                     help_text="用于查找已有的家庭档案；不清楚可暂不填写。")
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    category = forms.ChoiceField(label="申请救助类别", choices=RequestCategory.choices)
    hardship = forms.CharField(label="遭遇困难情况", max_length=1000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if regions is not None and regions.count() == 1:
            self.fields["region"].widget = forms.HiddenInput()
            self.fields["region"].initial = regions.first().pk


class HandleForm(forms.Form):
    household = forms.ModelChoiceField(label="申请家庭", queryset=None, empty_label=None)
    assistance_type = forms.ChoiceField(label="救助类别", choices=AssistanceType.choices)
    hardship = forms.ChoiceField(label="致困类别（公示）", choices=Hardship.choices)
    reason = forms.CharField(label="致困情况（内部记录，不公示）", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    authorization = UploadField(label="签字的《社会救助申请及核对授权书》",
                                help_text="拍照或扫描上传；受理时必须具备。")

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households


class HandoverForm(forms.Form):
    agency = forms.ModelChoiceField(label="承办单位", queryset=None, empty_label=None)
    request = forms.CharField(label="转办事项/需要的服务", max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class FeedbackForm(forms.Form):
    received_on = forms.DateField(label="收到反馈日期", widget=date_input())
    feedback = forms.CharField(label="书面反馈内容", max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingOutcomeForm(forms.Form):
    held_on = forms.DateField(label="会议日期", widget=date_input())
    outcome = forms.CharField(label="会议确定的解决方案", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    outcome = forms.CharField(label="办结情况", max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class UrgentAidForm(forms.Form):
    id_number = IDNumberFormField(label="家庭成员身份证号",
                                  help_text="按身份证号找到该家庭的档案；没有档案的请先登记家庭档案。")
    amount = forms.DecimalField(label="先行救助金额（元）", max_digits=10, decimal_places=2,
                                min_value=0)
    paid_on = forms.DateField(label="发放日期", widget=date_input())
    reason = forms.CharField(label="急难情况", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(forms.Form):
    def clean_id_suffix(self):
        value = unicodedata.normalize("NFKC", self.cleaned_data["id_suffix"]).strip().upper()
        if not re.fullmatch(r"\d{5}[\dX]", value):
            raise forms.ValidationError("请输入身份证号的最后六位：数字，末位可为X。")
        return value

    number = forms.CharField(label="申请编号", max_length=30,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    id_suffix = forms.CharField(label="申请人身份证号后六位", min_length=6, max_length=6,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "inputmode": "text"}))


class LegacyImportForm(forms.Form):
    township = forms.ModelChoiceField(label="镇/街道", queryset=None, empty_label=None)
    file = forms.FileField(label="原系统导出的在保对象文件（.xlsx 或 .csv）")

    def __init__(self, *args, townships=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["township"].queryset = Region.objects.filter(pk__in=[t.pk for t in townships])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("文件超过20MB，请按社区拆分后分别导入。")
        return upload
