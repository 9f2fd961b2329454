"""The rules that vary by region and period, with their national defaults and sources.

`rule_value(key, region, on)` answers from accounts.models.Rule: the most specific
region's row in force on that date (community over township over district over the
national row). The national rows are seeded by a migration from NATIONAL below; a
district administrator adds regional rows in 系统管理 → 规则参数.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import Region, Rule


@dataclass(frozen=True)
class RuleSpec:
    label: str
    kind: type | tuple  # int, bool, or a tuple of allowed strings
    national: Any  # None: no national value (e.g. campaigns exist only where declared)
    source: str

    def parse(self, value):
        if isinstance(self.kind, tuple):
            if value not in self.kind:
                raise ValueError(f"应为 {'、'.join(self.kind)} 之一")
            return value
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError("应为 true 或 false")
            return value
        if self.kind is int:
            number = int(value)
            if number < 0 or str(number) != str(value).strip():
                raise ValueError("应为不小于0的整数")
            return number
        if self.kind is str:
            text = str(value).strip()
            if not text:
                raise ValueError("不能为空")
            return text
        raise TypeError(self.kind)


RULES: dict[str, RuleSpec] = {
    "investigation_start_days": RuleSpec(
        "受理后开始入户调查（工作日）", int, 3, "审核确认办法第十五条"),
    "procedure_days": RuleSpec(
        "受理至审核确认办结时限（工作日）", int, 20,
        "审核确认办法第二十二条；2022年通知：由乡镇(街道)审核确认的为20个工作日"),
    "rejection_notice_days": RuleSpec(
        "不予确认书面通知时限（工作日）", int, 3, "审核确认办法第二十一条"),
    "publicity_min_days": RuleSpec("公示最少天数", int, 7, "审核确认办法第十九条"),
    "publicity_day_kind": RuleSpec(
        "公示天数计算方式", ("calendar", "working"), "calendar", "审核确认办法第十九条：公示期为7天"),
    "publicity_opens_at": RuleSpec(
        "公示开始时点", ("proposal", "acceptance"), "proposal",
        "审核确认办法第十九条（审核意见后公示）；吉安市实施方案：受理时即公示"),
    "campaign": RuleSpec(
        "集中行动（年审、专项治理）期间，须民主评议", str, None, "seed 001 §(五)"),
}

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
    if row is not None:
        return row.value
    return RULES[key].national


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
