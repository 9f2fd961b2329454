"""What every admin of 系统管理 shares: access by region grants, lists limited to the
administrator's district."""

from django.contrib import admin

from accounts.scope import has_any


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
