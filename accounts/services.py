"""Changes to staff, their grants and the rules. Every grant goes through grant_role,
every revocation through revoke_grant, every rule row through rule_save; each writes
its AuditEntry (old and new value) in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.audit import audit_record
from accounts.models import SYSTEM_USERNAME, AuditAction, Region, RegionGrant, Rule, User
from accounts.roles import ROLE_LEVEL, ROLE_PERMISSIONS, Role
from accounts.scope import user_can
from core.errors import ServiceError

RULE_REASON_REQUIRED = "请填写修改理由（如依据的文件或会议纪要），它将记入操作审计。"


def _require_manage_staff(user: User | None, region: Region) -> None:
    if user is not None and not user_can(user, "manage_staff", region):
        raise ServiceError("您没有管理该区划工作人员授权的权限。")


def check_grant(*, user: User, region: Region, role: str, by: User | None) -> None:
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
    _require_manage_staff(by, region)


@transaction.atomic
def grant_role(*, user: User, region: Region, role: str, by: User | None) -> RegionGrant:
    """Give `user` the role `role` on `region` (and so on its subtree).

    A person has one grant in force per region: granting another role changes it (old
    role → new role in the audit); granting the role they already hold changes nothing.
    A revoked grant stays as history and a new grant is a new row.
    `granted_by=None` is the system itself (demo data, migrations).
    """
    check_grant(user=user, region=region, role=role, by=by)
    role = Role(role)
    grant, created = RegionGrant.objects.select_for_update().get_or_create(
        user=user, region=region, revoked_at__isnull=True,
        defaults={"role": role, "granted_by": by},
    )
    old_role = None if created else Role(grant.role)
    if old_role is not None and old_role != role:
        _remove_role_permissions(grant)
        grant.role = role
        grant.granted_by = by
        grant.save(update_fields=["role", "granted_by"])
    for codename in ROLE_PERMISSIONS[role]:
        assign_perm(f"accounts.{codename}", user, region)
    if old_role != role:
        audit_record(action=AuditAction.GRANT_ROLE, by=by, region=region,
                     target=_grant_target(grant),
                     old={"user": user.username, "role": old_role and old_role.value},
                     new={"user": user.username, "role": role.value})
    return grant


@transaction.atomic
def revoke_grant(*, grant: RegionGrant, by: User | None, reason: str = "") -> None:
    """End `grant`: its permissions go at once, the row stays (revoked) as history."""
    _require_manage_staff(by, grant.region)
    locked = RegionGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.revoked_at is not None:
        raise ServiceError(f"该授权已于{timezone.localtime(locked.revoked_at):%Y-%m-%d %H:%M}撤销。")
    _remove_role_permissions(locked)
    locked.revoked_at, locked.revoked_by = timezone.now(), by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    grant.revoked_at, grant.revoked_by = locked.revoked_at, locked.revoked_by
    audit_record(action=AuditAction.REVOKE_GRANT, by=by, region=locked.region,
                 target=_grant_target(locked),
                 old={"user": locked.user.username, "role": locked.role},
                 new={"user": locked.user.username, "role": None}, reason=reason)


def _grant_target(grant: RegionGrant) -> str:
    return f"RegionGrant:{grant.pk}"


def _remove_role_permissions(grant: RegionGrant) -> None:
    for codename in ROLE_PERMISSIONS[Role(grant.role)]:
        remove_perm(f"accounts.{codename}", grant.user, grant.region)


def check_rule_right(*, region: Region | None, by: User) -> None:
    """Why `by` may not keep a rule row of `region`, as a ServiceError.

    Regional rows: manage_rules on the region (district administrators, roles.py).
    National rows (no region): only the system's superuser.
    """
    if region is None:
        if not (by.is_active and by.is_superuser):
            raise ServiceError("全国默认值只能由系统超级管理员修改：请选择适用区划。",
                               field="region")
    elif not user_can(by, "manage_rules", region):
        raise ServiceError(f"您没有维护“{region.name}”规则参数的权限。", field="region")


@transaction.atomic
def rule_save(*, rule: Rule, by: User, reason: str) -> Rule:
    """Create or change one rule row, with who, when, why and its old and new value.

    A change that leaves every field as it was writes nothing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(RULE_REASON_REQUIRED, field="reason")
    before = None
    if rule.pk is not None:
        before = Rule.objects.select_for_update().get(pk=rule.pk)
        check_rule_right(region=before.region, by=by)  # also where the row came from
    check_rule_right(region=rule.region, by=by)
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages)) from None
    old = _rule_snapshot(before) if before else {}
    new = _rule_snapshot(rule)
    if old == new:
        return rule
    rule.save()
    audit_record(action=AuditAction.RULE_CHANGE if before else AuditAction.RULE_CREATE,
                 by=by, region=rule.region, target=f"Rule:{rule.pk} {rule.key}",
                 old=old, new=new, reason=reason)
    return rule


def _rule_snapshot(rule: Rule) -> dict:
    return {
        "key": rule.key,
        "region": rule.region.code if rule.region_id else None,
        "value": rule.value,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "source": rule.source,
    }


def system_user() -> User:
    """The actor of the scheduled jobs (a gradual exit that ends, a review that falls due)
    in audit rows. Inactive with no usable password: nobody signs in as it."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"full_name": "系统（定时任务）", "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
