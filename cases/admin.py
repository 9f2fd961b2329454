"""Settings of the procedure that a district administrator keeps: the materials checklist
per assistance type (what a one-time notification can list). Cases themselves are not
here: they change only through cases.services, from the case pages."""

from django.contrib import admin

from accounts.admin import ScopedAdmin
from accounts.roles import Level
from accounts.scope import regions_where
from cases.models import Agency, Material


@admin.register(Material)
class MaterialAdmin(ScopedAdmin):
    perm = "manage_rules"
    list_display = ["assistance_type", "order", "name", "note", "active"]
    list_filter = ["assistance_type", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name"]


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    """承办单位名录: the departments, the district window and the social organisations a
    township can transfer or refer to (seed 002 四 部门职责; seed 001 §(八))."""

    perm = "manage_rules"
    list_display = ["name", "kind", "duties", "contact", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "duties"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("district")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(district__in=regions_where(request.user, self.perm))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not request.user.is_superuser:
            kwargs["queryset"] = regions_where(request.user, self.perm).filter(
                level=Level.DISTRICT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
