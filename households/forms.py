from django import forms
from django.utils import timezone

from households.fields import tidy_person_name, tidy_phone, validate_person_name, validate_phone
from households.models import Asset, Expenditure, Household, Income, Member


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["region", "residence", "address", "phone"]

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = communities.select_related("parent")
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}"
        self.fields["region"].empty_label = "请选择社区/村"
        self.fields["phone"].help_text = "手机号或带区号的固定电话，如 13800138000、010-69281234。"

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone:
            # The model's own check first: its message says which characters may be used.
            Household._meta.get_field("phone").run_validators(phone)
            phone = tidy_phone(phone)
            validate_phone(phone)
        return phone


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "id_number", "relation", "disability", "health", "health_note",
                  "self_care", "employment", "employment_group", "public_role"]
        help_texts = {
            "id_number": "18位，末位可为X；出生日期和性别由身份证号自动得出。",
            "public_role": "本人为村(居)委会成员、党政机关或事业单位工作人员的，须备案审查。",
        }
        widgets = {"id_number": forms.TextInput(attrs={"autocomplete": "off",
                                                        "inputmode": "text"})}

    def clean_name(self):
        name = tidy_person_name(self.cleaned_data["name"])
        validate_person_name(name)
        return name

    def validate_unique(self):
        # The service checks that a person belongs to one household and says where;
        # the model form's generic "already exists" would say less.
        pass


class HeadForm(MemberForm):
    """The head entered together with a new household: relation is fixed to 户主."""

    class Meta(MemberForm.Meta):
        fields = [f for f in MemberForm.Meta.fields if f != "relation"]


class MakeHeadForm(forms.Form):
    """更换户主: another member becomes the head; the former head gets a relation."""

    member = forms.ModelChoiceField(label="新户主", queryset=Member.objects.none(),
                                    empty_label="请选择成员")
    former_head_relation = forms.ChoiceField(
        label="原户主与新户主的关系",
        choices=[("", "请选择")] + [(value, label) for value, label in Member.Relation.choices
                                   if value != Member.Relation.HEAD])

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.exclude(relation=Member.Relation.HEAD)


class _HouseholdRecordForm(forms.ModelForm):
    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        if "member" in self.fields:
            self.fields["member"].queryset = household.members.all()
            self.fields["member"].empty_label = "全家共有"


class IncomeForm(_HouseholdRecordForm):
    class Meta:
        model = Income
        fields = ["member", "category", "amount", "months", "note"]


class AssetForm(_HouseholdRecordForm):
    class Meta:
        model = Asset
        fields = ["member", "kind", "description", "value", "quantity"]


class ExpenditureForm(_HouseholdRecordForm):
    class Meta:
        model = Expenditure
        fields = ["member", "category", "schooling", "pension_share", "amount", "incurred_on",
                  "note"]
        widgets = {"incurred_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker stops at today; the service refuses later dates anyway.
        self.fields["incurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        # Blank means "not tuition / not pension"; the model's clean() asks when it matters.
        self.fields["schooling"].choices = [("", "（非学费不填）")] + Expenditure.Schooling.choices
        self.fields["pension_share"].choices = ([("", "（非养老保险费不填）")]
                                                + Expenditure.PensionShare.choices)
