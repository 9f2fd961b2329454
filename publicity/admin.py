"""What the district keeps for the public pages (seed 001 §(六)): the policy texts and the
supervision telephone numbers and mailboxes. Notices, objections and hearings are not
here: they change only through the case pages."""

from django.contrib import admin

from accounts.admin import ScopedAdmin
from accounts.scope import regions_where
from publicity.models import PolicyPage, SupervisionContact


class RegionScopedAdmin(ScopedAdmin):
    perm = "manage_rules"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("region")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(region__in=regions_where(request.user, self.perm))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not request.user.is_superuser:
            kwargs["queryset"] = regions_where(request.user, self.perm)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return bool(obj is None or obj.region in regions_where(request.user, self.perm))


@admin.register(PolicyPage)
class PolicyPageAdmin(RegionScopedAdmin):
    list_display = ["region", "updated_at"]


@admin.register(SupervisionContact)
class SupervisionContactAdmin(RegionScopedAdmin):
    list_display = ["region", "level", "order", "name", "phone", "mailbox"]
    list_filter = ["level"]
    list_editable = ["order"]
