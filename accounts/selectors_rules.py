"""Reads of the rules page (政策标准与参数): every rule with the value in force for a
district, one rule's rows by period, and its history from the audit. Only for holders of
manage_rules on the district (accounts.scope); the views check it before they read."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import AuditAction, AuditEntry, Region, Rule, User
from accounts.rule_specs import RULES, RuleSpec
from accounts.scope import user_can

# The groups of RULES, in its order: (the first key of a group, its heading).
GROUPS = [
    ("investigation_start_days", "办理时限与公示"),
    ("dibao_standard_urban", "保障标准与收入计算"),
    ("financial_assets_limit_months", "家庭经济状况核对"),
    ("spot_check_ratio_dibao", "区级监督：抽查与整改"),
    ("intake_disposal_days", "一门受理"),
    ("review_months_stable", "确认后的管理：核查、变更、退出"),
    ("prompt_repayment_days", "诚信管理"),
]

# What the codes of a rule with a fixed set of values mean (RuleSpec.kind is a tuple).
CHOICE_LABELS = {
    "calendar": "自然日", "working": "工作日",
    "proposal": "审核意见后公示", "acceptance": "受理时即公示",
    "fen": "保留到分", "yuan_up": "进到元", "yuan_half_up": "四舍五入到元",
}
FIELD_LABELS = {"value": "取值", "valid_from": "起始日期", "valid_to": "截止日期（不含当日）",
                "source": "依据"}
_UNIT = re.compile(r"（([^（）]*)）$")


def _has_unit(spec: RuleSpec) -> bool:
    return spec.kind in (int, Decimal) and _UNIT.search(spec.label) is not None


def rule_unit(spec: RuleSpec) -> str:
    """The unit in a number's label, its last bracket (元/人·月, 工作日…), or what the kind
    implies."""
    if _has_unit(spec):
        return _UNIT.search(spec.label).group(1)
    if spec.kind is bool:
        return "是/否"
    if isinstance(spec.kind, tuple):
        return "选项"
    return ""


def rule_name(spec: RuleSpec) -> str:
    """The label without its unit."""
    return _UNIT.sub("", spec.label) if _has_unit(spec) else spec.label


def is_amount(spec: RuleSpec) -> bool:
    """A standard or a cap in yuan: it must be a positive amount."""
    return spec.kind is Decimal and "元" in rule_unit(spec)


def rule_range(spec: RuleSpec) -> str:
    if spec.kind is bool:
        return "是 或 否"
    if isinstance(spec.kind, tuple):
        return "、".join(CHOICE_LABELS.get(code, code) for code in spec.kind)
    if spec.kind is str:
        return "文字，不能为空"
    if spec.minimum is None and is_amount(spec):
        return "大于0"
    low = spec.minimum if spec.minimum is not None else 0
    text = f"{low} 至 {spec.maximum}" if spec.maximum is not None else f"不小于 {low}"
    return text + ("的整数" if spec.kind is int else "")


def show_value(spec: RuleSpec, value: Any) -> str:
    if value is None:
        return "未设置"
    if spec.kind is bool:
        return "是" if value else "否"
    if isinstance(spec.kind, tuple):
        return CHOICE_LABELS.get(value, str(value))
    return str(value)


@dataclass
class RuleLine:
    """One rule as the list shows it, with the row in force for the district (if any)."""

    key: str
    spec: RuleSpec
    row: Rule | None
    district: Region

    @property
    def name(self) -> str:
        return rule_name(self.spec)

    @property
    def unit(self) -> str:
        return rule_unit(self.spec)

    @property
    def allowed(self) -> str:
        return rule_range(self.spec)

    @property
    def value(self) -> str:
        return show_value(self.spec, self.row.value if self.row else self.spec.national)

    @property
    def origin(self) -> str:
        if self.row is None or self.row.region_id is None:
            return "全国默认"
        if self.row.region_id == self.district.pk:
            return "本区规定"
        return self.row.region.name

    @property
    def source(self) -> str:
        return self.row.source if self.row and self.row.source else self.spec.source


def _check(user: User, district: Region) -> None:
    if not user_can(user, "manage_rules", district):
        raise PermissionDenied("只有区民政局管理员可以查看和维护本区的政策标准与参数。")


def _in_force(on: datetime.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def rule_overview(*, fetched_by: User, district: Region, on: datetime.date) -> list[tuple]:
    """(heading, [RuleLine]) for every group of RULES: the value in force for `district` on
    `on` (its own row over the national one; one query for all rules)."""
    _check(fetched_by, district)
    places = Q(region__isnull=True) | Q(region__code__in=district.ancestor_codes())
    best: dict[str, Rule] = {}
    for row in Rule.objects.filter(places, _in_force(on), key__in=list(RULES)).select_related("region"):
        rank = (len(row.region.code) if row.region_id else 0, row.valid_from)
        held = best.get(row.key)
        if held is None or rank > (len(held.region.code) if held.region_id else 0, held.valid_from):
            best[row.key] = row
    starts = dict(GROUPS)
    groups: list[tuple] = []
    for key, spec in RULES.items():
        if key in starts or not groups:
            groups.append((starts.get(key, ""), []))
        groups[-1][1].append(RuleLine(key, spec, best.get(key), district))
    return groups


def rule_periods(*, fetched_by: User, district: Region, key: str) -> QuerySet[Rule]:
    """The district's rows of `key` and the national ones, the latest period first."""
    _check(fetched_by, district)
    return (Rule.objects.filter(Q(region=district) | Q(region__isnull=True), key=key)
            .select_related("region").order_by("region_id", "-valid_from"))


def rule_history(*, fetched_by: User, district: Region, key: str) -> list[dict]:
    """Who changed `key` for the district (or nationally), when, old → new, and why."""
    _check(fetched_by, district)
    spec = RULES[key]
    entries = (AuditEntry.objects
               .filter(Q(region=district) | Q(region__isnull=True), new__key=key,
                       action__in=[AuditAction.RULE_CREATE, AuditAction.RULE_CHANGE])
               .select_related("actor", "region"))
    history = []
    for entry in entries:
        changes = []
        for field, label in FIELD_LABELS.items():
            old, new = entry.old.get(field), entry.new.get(field)
            if field == "value":
                old, new = show_value(spec, old) if entry.old else None, show_value(spec, new)
            if old != new:
                empty = "长期" if field == "valid_to" else "—"
                changes.append({"label": label, "old": old or ("—" if not entry.old else empty),
                                "new": new or empty})
        history.append({"entry": entry, "changes": changes,
                        "where": entry.region.name if entry.region_id else "全国"})
    return history
