"""The rules that vary by region and period, with their national defaults and sources.

`rule_value(key, region, on)` answers from accounts.models.Rule: the most specific
region's row in force on that date (community over township over district over the
national row). The national rows are seeded by a migration from RULES (rule_specs); a
district administrator adds regional rows in 系统管理 → 规则参数.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import Region, Rule
from accounts.rule_specs import RULES, RuleSpec

__all__ = ["NATIONAL_FROM", "RULES", "RuleSpec", "rule_row", "rule_sources", "rule_value",
           "rule_values", "seed_national_rules"]

NATIONAL_FROM = datetime.date(2021, 7, 1)  # DB (民发〔2021〕57号) in force


def seed_national_rules(rule_model) -> None:
    """The national rows (no region); takes the model so a migration can pass its own."""
    for key, spec in RULES.items():
        if spec.national is not None:
            rule_model.objects.get_or_create(
                key=key, region=None, valid_from=NATIONAL_FROM,
                defaults={"value": spec.national, "source": spec.source})


def rule_value(key: str, region: Region | None, on: datetime.date | None = None):
    """The value of `key` for `region` on `on` (today by default)."""
    row = rule_row(key, region, on)
    value = row.value if row is not None else RULES[key].national
    if RULES[key].kind is Decimal and value is not None:
        return Decimal(str(value))
    return value


def _rows_in_force(region: Region | None, on: datetime.date | None) -> dict[str, Rule]:
    """Each rule's row in force for `region` on `on`, in one query: the most specific
    region's (longer code), then the latest start. A rule without any row is absent."""
    on = on or timezone.localdate()
    places = Q(region__isnull=True)
    if region is not None:
        places |= Q(region__code__in=region.ancestor_codes())
    rows = (Rule.objects.filter(places, key__in=list(RULES), valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on)).select_related("region"))
    best: dict[str, Rule] = {}
    for row in rows:
        rank = (len(row.region.code) if row.region_id else 0, row.valid_from)
        current = best.get(row.key)
        if current is None or rank > (len(current.region.code) if current.region_id else 0,
                                      current.valid_from):
            best[row.key] = row
    return best


def rule_values(region: Region | None, on: datetime.date | None = None) -> dict[str, Any]:
    """Every rule's value for `region` on `on`, in one query (for calculations and batch
    jobs that read many rules for the same place)."""
    best = _rows_in_force(region, on)
    values = {}
    for key, spec in RULES.items():
        value = best[key].value if key in best else spec.national
        if spec.kind is Decimal and value is not None:
            value = Decimal(str(value))
        values[key] = value
    return values


def rule_sources(region: Region | None, on: datetime.date | None = None) -> dict[str, str]:
    """Every rule's legal source as in force for `region` on `on`: the source of the row
    whose value applies (a district's own document for its own row), else the national
    spec's. A citation printed beside a rule's value comes from here, never from code."""
    best = _rows_in_force(region, on)
    return {key: (best[key].source if key in best and best[key].source else spec.source)
            for key, spec in RULES.items()}


def rule_row(key: str, region: Region | None, on: datetime.date | None = None) -> Rule | None:
    on = on or timezone.localdate()
    if key not in RULES:
        raise KeyError(key)
    places = Q(region__isnull=True)
    if region is not None:
        places |= Q(region__code__in=region.ancestor_codes())
    rows = (Rule.objects.filter(places, key=key, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .select_related("region"))
    # Most specific region first (longer code), then the latest start.
    return max(rows, key=lambda r: (len(r.region.code) if r.region_id else 0, r.valid_from),
               default=None)
