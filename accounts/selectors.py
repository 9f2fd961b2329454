"""Reads of the region tree in a user's reach (through accounts.scope)."""

from django.db.models import QuerySet

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import regions_where


def districts_for(*, fetched_by: User, perm: str) -> QuerySet[Region]:
    """The districts where `fetched_by` holds `perm`, by code."""
    return regions_where(fetched_by, perm).filter(level=Level.DISTRICT).order_by("code")


def townships_for(*, fetched_by: User, perm: str) -> QuerySet[Region]:
    """The townships where `fetched_by` holds `perm` (directly or through the district)."""
    return regions_where(fetched_by, perm).filter(level=Level.TOWNSHIP).order_by("code")
