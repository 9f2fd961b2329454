"""Administration for district administrators: regions, staff and their grants.

Access follows the region grants (manage_staff / manage_rules), not Django's global
model permissions, and every list is limited to the administrator's district. Grants
and rules go through accounts.services so the guardian permission rows stay in step
and each change is audited (操作审计, read-only here).
Households and cases are deliberately not here: they have one way in, the app's pages.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join

from accounts import services
from accounts.models import (
    AuditEntry,
    CalendarDay,
    CalendarYear,
    Region,
    RegionGrant,
    Rule,
    User,
)
from accounts.roles import Level, Role
from accounts.rules import RULES
from accounts.scope import has_any, regions_where, scoped
from core.errors import ServiceError, show_on


def _is_admin(request) -> bool:
    return has_any(request.user, "manage_staff") or has_any(request.user, "manage_rules")


admin.site.site_header = "社会救助审核确认 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "区划、人员与授权"
admin.site.has_permission = lambda request: request.user.is_active and _is_admin(request)


class ScopedAdmin(admin.ModelAdmin):
    perm = "manage_staff"

    def has_module_permission(self, request):
        return has_any(request.user, self.perm)

    has_view_permission = has_add_permission = has_change_permission = (
        lambda self, request, obj=None: has_any(request.user, self.perm)
    )

    def has_delete_permission(self, request, obj=None):
        return False


class RegionAdminForm(forms.ModelForm):
    acting_user: User  # set by RegionAdmin.get_form

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.acting_user.is_superuser:
            # Districts are the top of the tree; only the system's superuser adds one.
            if cleaned.get("level") == Level.DISTRICT or not cleaned.get("parent"):
                raise forms.ValidationError(
                    "您只能在本辖区内新增镇(街道)或社区(村)：请选择上级区划。新增区/县请联系系统超级管理员。")
        return cleaned


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    form = RegionAdminForm
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return regions_where(request.user, self.perm).select_related("parent")

    def get_readonly_fields(self, request, obj=None):
        # Codes nest (a child's code starts with its parent's) and grants hang on them:
        # an administrator renames a region but does not move or recode it.
        if obj is not None and not request.user.is_superuser:
            return ["code", "level", "parent"]
        return []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            # A new region goes under a district or township within the administrator's reach.
            kwargs["queryset"] = regions_where(request.user, self.perm).exclude(
                level=Level.COMMUNITY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class StaffAdmin(ScopedAdmin, UserAdmin):
    list_display = ["username", "full_name", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        if request.user.is_superuser:
            return User.objects.all()
        # Staff with a grant in force in reach, and staff with none in force anywhere
        # (newcomers, and those whose grants were all revoked) so they can be granted.
        in_reach = regions_where(request.user, self.perm)
        active = RegionGrant.objects.active().filter(user=OuterRef("pk"))
        return User.objects.filter(
            Q(Exists(active.filter(region__in=in_reach))) | ~Q(Exists(active)),
            is_superuser=False)


class RegionGrantAdminForm(forms.ModelForm):
    acting_user: User  # set by RegionGrantAdmin.get_form

    class Meta:
        model = RegionGrant
        fields = ["user", "region", "role"]

    def clean(self):
        cleaned = super().clean()
        # On the change form user and region are read-only: they come from the grant.
        user = cleaned.get("user") or (self.instance.user if self.instance.pk else None)
        region = cleaned.get("region") or (self.instance.region if self.instance.pk else None)
        role = cleaned.get("role")
        if (self.instance.pk is None and user and region
                and RegionGrant.objects.active().filter(user=user, region=region).exists()):
            # The model's constraint applies to grants in force only (revoked_at is not
            # on this form, so the form would not check it): a second one is an error.
            raise forms.ValidationError(
                "该工作人员在此区划已有有效授权：请打开该授权修改岗位。")
        if user and region and role:
            # The checks grant_role makes, here, so that a refusal saves nothing and says why.
            try:
                services.check_grant(user=user, region=region, role=role,
                                     by=self.acting_user)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from None
        return cleaned

    def _post_clean(self):
        # The model's clean() repeats the level check in fewer words: once refused, stop.
        if not self.errors:
            super()._post_clean()


class GrantStatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "有效"), ("revoked", "已撤销")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(RegionGrant)
class RegionGrantAdmin(ScopedAdmin):
    """Grants in force and revoked ones: revoking ("删除") keeps the row as history,
    marks it revoked and takes its permissions away (services.revoke_grant)."""

    form = RegionGrantAdminForm
    list_display = ["user", "region", "role", "granted_by", "granted_at", "status",
                    "revoked_by", "revoked_at"]
    list_filter = [GrantStatusFilter, "role"]
    autocomplete_fields = ["user", "region"]
    fields = ["user", "region", "role"]
    actions = ["revoke_selected"]

    @admin.display(description="状态")
    def status(self, obj):
        return "有效" if obj.is_active else "已撤销"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related(
            "user", "region", "granted_by", "revoked_by")
        return scoped(queryset, user=request.user, perm=self.perm)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would say 删除; it revokes
        return actions

    @admin.action(description="撤销所选授权", permissions=["delete"])
    def revoke_selected(self, request, queryset):
        revoked = 0
        for grant in queryset.filter(revoked_at__isnull=True):
            services.revoke_grant(grant=grant, by=request.user)
            revoked += 1
        self.message_user(request, f"已撤销 {revoked} 项授权，原记录保留在历史中。")

    def has_change_permission(self, request, obj=None):
        # A revoked grant is history: it is read, not changed; grant again instead.
        if obj is not None and not obj.is_active:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A grant is one person on one region; only its role changes (grant_role handles
        # that). Another person or region is another grant.
        return ["user", "region"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_active:
            return False
        return has_any(request.user, self.perm)

    def save_model(self, request, obj, form, change):
        # The form's clean() made grant_role's checks: a refusal never gets here.
        grant = services.grant_role(user=obj.user, region=obj.region, role=obj.role,
                                    by=request.user)
        obj.pk, obj.granted_by, obj.granted_at = grant.pk, grant.granted_by, grant.granted_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.revoke_grant(grant=obj, by=request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(request, f"已撤销授权“{obj_display}”，原记录保留在历史中。")
        return HttpResponseRedirect(reverse("admin:accounts_regiongrant_changelist"))


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


# How the audit's values read: keys and codes in Chinese.
AUDIT_KEYS = {"user": "工作人员", "role": "岗位", "key": "规则", "region": "区划",
              "value": "取值", "valid_from": "起始日期", "valid_to": "截止日期",
              "source": "依据"}


def describe(data: dict):
    if not data:
        return "—"

    def shown(key, value):
        if value is None:
            return "无"
        if key == "role" and value in Role.values:
            return Role(value).label
        if key == "key" and value in RULES:
            return RULES[value].label
        return value

    return format_html_join("", "<div>{}：{}</div>", (
        (AUDIT_KEYS.get(key, key), shown(key, value)) for key, value in data.items()))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """操作审计, read only: a district administrator reads the entries of regions in
    their district (by region code prefix); entries without a region (national rules,
    system-wide) only a superuser reads."""

    list_display = ["at", "actor_shown", "action", "target", "old_shown", "new_shown",
                    "reason"]
    list_filter = ["action"]
    search_fields = ["target"]
    date_hierarchy = "at"
    list_select_related = ["actor", "region"]

    @admin.display(description="操作人", ordering="actor")
    def actor_shown(self, obj):
        return obj.actor or "系统"

    @admin.display(description="原值")
    def old_shown(self, obj):
        return describe(obj.old)

    @admin.display(description="新值")
    def new_shown(self, obj):
        return describe(obj.new)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        in_reach = regions_where(request.user, "manage_staff") | regions_where(
            request.user, "manage_rules")
        return queryset.filter(region__in=in_reach)

    def has_module_permission(self, request):
        return has_any(request.user, "manage_staff") or has_any(request.user, "manage_rules")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
