"""What a new 低保 standard reaches before it is saved (the rules page's preview): the
benefits in payment in the district whose household's residence the standard is for.
Counts and sums only, so the district administrator, who reads no family's file
(accounts.roles), may see it."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum

from accounts.models import Region, User
from accounts.scope import user_can
from cases.models import IN_PAYMENT, Benefit

# The standard → the residence of the households it is for (cases.benefit: urban/rural).
STANDARD_RESIDENCE = {"dibao_standard_urban": "urban", "dibao_standard_rural": "rural"}
# The types whose monthly amount the calculation derives from the standard (cases.benefit:
# the 低保 gap, the 特困 basic living standard); the others follow their own local scales.
FOLLOWS_STANDARD = ("dibao", "tekun")


def standard_change_preview(*, fetched_by: User, region: Region, key: str) -> dict | None:
    """{"count", "total"} of the 低保 and 特困 benefits in payment under `region` that `key` applies to,
    with the sum of their current monthly amounts; None for a rule that is no standard."""
    residence = STANDARD_RESIDENCE.get(key)
    if residence is None:
        return None
    if not user_can(fetched_by, "manage_rules", region):
        raise PermissionDenied("只有区民政局管理员可以预览标准调整的影响。")
    found = (Benefit.objects.filter(region__code__startswith=region.code, state__in=IN_PAYMENT,
                                    household__residence=residence,
                                    assistance_type__in=FOLLOWS_STANDARD)
             .aggregate(count=Count("id"), total=Sum("monthly_amount")))
    return {"count": found["count"], "total": found["total"] or Decimal("0.00"),
            "residence": "城市" if residence == "urban" else "农村"}
