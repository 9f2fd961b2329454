"""Forms of the pages that act on several cases: filing and hearing meetings."""

from django import forms

from cases.forms.fields import date_input
from publicity.models import Hearing


class FilingForm(forms.Form):
    cases = forms.TypedMultipleChoiceField(label="选择备案的申请", coerce=int,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(c.pk, c.number) for c in candidates]


class HearingSessionForm(forms.Form):
    held_on = forms.DateField(label="会议日期", widget=date_input())
    place = forms.CharField(label="地点", max_length=100, initial="镇(街道)会议室")
    participants = forms.CharField(
        label="参加人员", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="镇(街道)干部、村(居)干部、调查人员、群众代表等；申请人一般不参加。")
    applications = forms.MultipleChoiceField(label="列入评议的申请", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(str(c.pk), c.number) for c in candidates]


class SessionHearingForm(forms.Form):
    opinions = forms.CharField(label="评议意见", widget=forms.Textarea(attrs={"rows": 2}))
    votes_for = forms.IntegerField(label="同意票", min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label="反对票", min_value=0, max_value=1000)
    votes_abstain = forms.IntegerField(label="弃权票", min_value=0, max_value=1000, initial=0)
    minutes = forms.CharField(label="会议记录（本件）", widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label="评议结果", choices=Hearing.Outcome.choices,
                                widget=forms.RadioSelect)
