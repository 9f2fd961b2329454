"""Changes to staff and their grants. Every grant goes through grant_role."""

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from accounts.errors import ServiceError
from accounts.models import Region, RegionGrant, User
from accounts.roles import ROLE_LEVEL, ROLE_PERMISSIONS, Role


def _require_manage_staff(user: User | None, region: Region) -> None:
    from accounts.scope import user_can  # local: scope imports models only

    if user is not None and not user_can(user, "manage_staff", region):
        raise ServiceError("您没有管理该区划工作人员授权的权限。")


def check_grant(*, user: User, region: Region, role: str, granted_by: User | None) -> None:
    """Why `granted_by` may not give `user` the role `role` on `region`, as a ServiceError.

    grant_role calls it; so does the admin form, so that a refusal is a form error there.
    """
    try:
        role = Role(role)
    except ValueError:
        raise ServiceError("请选择岗位。") from None
    level = ROLE_LEVEL[role]
    if region.level != level:
        raise ServiceError(f"{role.label}只能授权在{level.label}一级，“{region.name}”不是。")
    _require_manage_staff(granted_by, region)


@transaction.atomic
def grant_role(*, user: User, region: Region, role: str, granted_by: User | None) -> RegionGrant:
    """Give `user` the role `role` on `region` (and so on its subtree).

    `granted_by=None` is the system itself (demo data, migrations).
    """
    check_grant(user=user, region=region, role=role, granted_by=granted_by)
    role = Role(role)
    grant, created = RegionGrant.objects.select_for_update().get_or_create(
        user=user, region=region, defaults={"role": role, "granted_by": granted_by}
    )
    if not created and grant.role != role:
        _remove_role_permissions(grant)
        grant.role = role
        grant.granted_by = granted_by
        grant.save(update_fields=["role", "granted_by"])
    for codename in ROLE_PERMISSIONS[role]:
        assign_perm(f"accounts.{codename}", user, region)
    return grant


@transaction.atomic
def revoke_grant(*, grant: RegionGrant, revoked_by: User | None) -> None:
    _require_manage_staff(revoked_by, grant.region)
    _remove_role_permissions(grant)
    grant.delete()


def _remove_role_permissions(grant: RegionGrant) -> None:
    for codename in ROLE_PERMISSIONS[Role(grant.role)]:
        remove_perm(f"accounts.{codename}", grant.user, grant.region)
