"""Rules per region and period (changed through accounts.services.rule_save, with a
reason) and the holiday calendar."""

from django import forms
from django.contrib import admin
from django.db.models import Q

from accounts import services
from accounts.admin.base import ScopedAdmin
from accounts.models import (
    CalendarDay,
    CalendarYear,
    Rule,
    User,
)
from accounts.rules import RULES
from accounts.scope import has_any, regions_where
from core.errors import ServiceError, show_on


class RuleForm(forms.ModelForm):
    acting_user: User  # set by RuleAdmin.get_form

    key = forms.ChoiceField(label="规则", choices=[(k, f"{spec.label}（{k}）")
                                                  for k, spec in RULES.items()])
    # Not a field of Rule: it goes into the audit entry with the old and new value.
    reason = forms.CharField(
        label="修改理由", widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": services.RULE_REASON_REQUIRED},
        help_text="必填。为何新增或修改这条规则，将与原值、新值一起记入操作审计。")

    class Meta:
        model = Rule
        fields = ["key", "region", "valid_from", "valid_to", "value", "source"]

    def clean(self):
        cleaned = super().clean()
        # rule_save's right check, here, so that a refusal is a form error and saves nothing:
        # on the region the row had (self.instance is still unchanged) and the one it gets.
        regions = [cleaned.get("region")]
        if self.instance.pk is not None:
            regions.append(self.instance.region)
        if "region" in cleaned:
            try:
                for region in regions:
                    services.check_rule_right(region=region, by=self.acting_user)
            except ServiceError as exc:
                show_on(self, exc)
        return cleaned


@admin.register(Rule)
class RuleAdmin(ScopedAdmin):
    """Regional values of the rules; the national rows are shown but only a superuser
    changes them. Every save goes through services.rule_save with the form's 修改理由,
    which audits old and new value. Rows are never deleted (ScopedAdmin refuses it):
    a value that no longer applies is ended with 截止日期, so that the history of which
    value was in force when stays complete."""

    perm = "manage_rules"
    form = RuleForm
    list_display = ["key", "label", "region", "valid_from", "valid_to", "value", "source"]
    list_filter = ["key"]
    autocomplete_fields = ["region"]

    @admin.display(description="说明")
    def label(self, obj):
        spec = RULES.get(obj.key)
        return spec.label if spec else "—"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("region")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(region__isnull=True)
                               | Q(region__in=regions_where(request.user, self.perm)))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.region_id is None:
            return request.user.is_superuser
        return has_any(request.user, self.perm)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not request.user.is_superuser:
            kwargs["queryset"] = regions_where(request.user, self.perm)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        # The form made rule_save's checks and required the reason: a refusal never gets here.
        services.rule_save(rule=obj, by=request.user, reason=form.cleaned_data["reason"])


@admin.register(CalendarYear)
class CalendarYearAdmin(ScopedAdmin):
    perm = "manage_rules"
    list_display = ["year", "source", "loaded_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin):
    """When the State Council publishes next year's schedule: enter its holidays on
    weekdays and its make-up working days, then add the year under 节假日安排年度."""

    perm = "manage_rules"
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
