"""The one way to read region-scoped data.

Every list and every object lookup of households (and later cases, filings, ...)
goes through `scoped` or `get_scoped_or_404`. A user reaches the regions they hold a
permission on through django-guardian, plus everything below them. There is no
second path: views never call `Model.objects` for region-scoped models.

A superuser is an administrator, not a reader of family files: the superuser shortcut
covers only the administration permissions below. For personal data (households, cases)
a superuser needs a region grant like anyone else.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Region, RegionUserObjectPermission, User

# What a superuser may do everywhere without a grant: keep regions, staff and rules.
SUPERUSER_PERMISSIONS = frozenset({"manage_staff", "manage_rules"})


def _superuser_for(user: User, perm: str) -> bool:
    return user.is_active and user.is_superuser and perm in SUPERUSER_PERMISSIONS


def granted_codes(user: User, perm: str) -> list[str]:
    """Codes of the regions on which `user` holds `perm` directly (cached per user object)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_region_scope_cache", {})
    if perm not in cache:
        cache[perm] = sorted(
            RegionUserObjectPermission.objects.filter(
                user=user, permission__codename=perm, permission__content_type__app_label="accounts"
            ).values_list("content_object__code", flat=True)
        )
    return cache[perm]


def regions_where(user: User, perm: str) -> QuerySet[Region]:
    """Every region `user` may act on with `perm`: the granted ones and their subtrees."""
    if _superuser_for(user, perm):
        return Region.objects.all()
    codes = granted_codes(user, perm)
    if not codes:
        return Region.objects.none()
    condition = Q()
    for code in codes:
        condition |= Q(code__startswith=code)
    return Region.objects.filter(condition)


def user_can(user: User, perm: str, region: Region) -> bool:
    """Whether `user` holds `perm` on `region` or on a region above it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if _superuser_for(user, perm):
        return True
    return any(code in granted_codes(user, perm) for code in region.ancestor_codes())


def has_any(user: User, perm: str) -> bool:
    """Whether `user` holds `perm` anywhere (for navigation)."""
    return user.is_active and (_superuser_for(user, perm) or bool(granted_codes(user, perm)))


def scoped(queryset: QuerySet, *, user: User, perm: str, region_field: str = "region") -> QuerySet:
    """`queryset` limited to rows whose `region_field` lies in the user's reach for `perm`."""
    if _superuser_for(user, perm):
        return queryset
    return queryset.filter(**{f"{region_field}__in": regions_where(user, perm)})


def scoped_any(queryset: QuerySet, *, user: User, perms: tuple[str, ...],
               region_field: str = "region") -> QuerySet:
    """`queryset` limited to rows in the user's reach for any of `perms`."""
    if any(_superuser_for(user, perm) for perm in perms):
        return queryset
    condition = Q(pk__in=[])
    for perm in perms:
        if granted_codes(user, perm):
            condition |= Q(**{f"{region_field}__in": regions_where(user, perm)})
    return queryset.filter(condition)


def get_scoped_or_404(queryset: QuerySet, *, user: User, perm: str,
                      region_field: str = "region", **lookup):
    """One object in the user's reach, or 404: an object outside it does not exist for them."""
    try:
        return scoped(queryset, user=user, perm=perm, region_field=region_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
