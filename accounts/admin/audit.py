"""操作审计, read only and limited to the administrator's district."""

from django.contrib import admin
from django.utils.html import format_html_join

from accounts.models import (
    AuditEntry,
)
from accounts.roles import Role
from accounts.rules import RULES
from accounts.scope import has_any, regions_where

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
