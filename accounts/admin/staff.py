"""Regions, staff and their grants (a revocation keeps the grant as history)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.urls import reverse

from accounts import services
from accounts.admin.base import ScopedAdmin
from accounts.models import (
    Region,
    RegionGrant,
    User,
)
from accounts.roles import Level
from accounts.scope import has_any, regions_where, scoped
from core.errors import ServiceError


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
