"""Administration for district administrators: regions, staff and their grants.

Access follows the region grants (manage_staff / manage_rules), not Django's global
model permissions, and every list is limited to the administrator's district. Grants
go through accounts.services so the guardian permission rows stay in step.
Households and cases are deliberately not here: they have one way in, the app's pages.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q

from accounts import services
from accounts.errors import ServiceError
from accounts.models import CalendarDay, CalendarYear, Region, RegionGrant, Rule, User
from accounts.rules import RULES
from accounts.scope import has_any, regions_where, scoped


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


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return regions_where(request.user, self.perm).select_related("parent")


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
        in_reach = regions_where(request.user, self.perm)
        return User.objects.filter(
            Q(grants__region__in=in_reach) | Q(grants__isnull=True), is_superuser=False
        ).distinct()


@admin.register(RegionGrant)
class RegionGrantAdmin(ScopedAdmin):
    list_display = ["user", "region", "role", "granted_by", "granted_at"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "region"]
    fields = ["user", "region", "role"]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), user=request.user, perm=self.perm)

    def has_delete_permission(self, request, obj=None):
        return has_any(request.user, self.perm)

    def save_model(self, request, obj, form, change):
        try:
            services.grant_role(user=obj.user, region=obj.region, role=obj.role,
                                granted_by=request.user)
        except ServiceError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)

    def delete_model(self, request, obj):
        services.revoke_grant(grant=obj, revoked_by=request.user)

    def delete_queryset(self, request, queryset):
        for grant in queryset:
            services.revoke_grant(grant=grant, revoked_by=request.user)


class RuleForm(forms.ModelForm):
    key = forms.ChoiceField(label="规则", choices=[(k, f"{spec.label}（{k}）")
                                                  for k, spec in RULES.items()])

    class Meta:
        model = Rule
        fields = ["key", "region", "valid_from", "valid_to", "value", "source"]


@admin.register(Rule)
class RuleAdmin(ScopedAdmin):
    """Regional values of the rules; the national rows are shown but only a superuser
    changes them."""

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
