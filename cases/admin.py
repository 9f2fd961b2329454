"""Settings of the procedure that a district administrator keeps: the materials checklist
per assistance type (what a one-time notification can list). Cases themselves are not
here: they change only through cases.services, from the case pages."""

from django.contrib import admin

from accounts.admin import ScopedAdmin
from cases.models import Material


@admin.register(Material)
class MaterialAdmin(ScopedAdmin):
    perm = "manage_rules"
    list_display = ["assistance_type", "order", "name", "note", "active"]
    list_filter = ["assistance_type", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name"]
