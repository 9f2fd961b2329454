from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.roles import PERMISSIONS, ROLE_LEVEL, Level, Role
from accounts.rule_specs import RULES

CODE_LENGTH = {Level.DISTRICT: 6, Level.TOWNSHIP: 9, Level.COMMUNITY: 12}


class Region(models.Model):
    """区划: district 区/县 → township 镇/街道 → community 社区/村.

    Codes are the official ones (GB/T 2260 for districts, the 9- and 12-digit statistical
    codes below) and nest: a child's code starts with its parent's. A subtree is
    therefore `code LIKE '<code>%'`, with no recursive query.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )

    class Meta:
        verbose_name = "区划"
        verbose_name_plural = "区划"
        ordering = ["code"]
        permissions = list(PERMISSIONS.items())

    def __str__(self):
        return self.name

    def clean(self):
        expected = CODE_LENGTH.get(self.level)
        if expected and (len(self.code) != expected or not self.code.isdigit()):
            raise ValidationError(
                {"code": f"{self.get_level_display()}的区划代码应为{expected}位数字。"})
        if self.level == Level.DISTRICT:
            if self.parent_id:
                raise ValidationError({"parent": "区/县是最高一级，不能有上级区划。"})
            return
        if not self.parent_id:
            raise ValidationError({"parent": "请选择上级区划。"})
        parent_level = Level.DISTRICT if self.level == Level.TOWNSHIP else Level.TOWNSHIP
        if self.parent.level != parent_level:
            raise ValidationError({"parent": f"上级区划应为{parent_level.label}。"})
        if not self.code.startswith(self.parent.code):
            raise ValidationError({"code": f"区划代码应以上级区划代码 {self.parent.code} 开头。"})

    @property
    def full_name(self) -> str:
        names = [r.name for r in self.lineage()]
        return "".join(names)

    def lineage(self) -> list["Region"]:
        """This region and its ancestors, top first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def ancestor_codes(self) -> list[str]:
        """Codes of this region and every region above it (prefixes of its code)."""
        return [self.code[:n] for n in CODE_LENGTH.values() if n <= len(self.code)]

    def township(self) -> "Region | None":
        return next((r for r in self.lineage() if r.level == Level.TOWNSHIP), None)


SYSTEM_USERNAME = "system"  # the scheduled jobs' actor in audit rows; cannot sign in


class User(AbstractUser):
    """Staff member. What a user may do and where comes from RegionGrant, not from here."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_system(self) -> bool:
        """The scheduled jobs' actor (accounts.services.system_user): inactive, no password."""
        return self.username == SYSTEM_USERNAME and not self.is_active


class GrantQuerySet(models.QuerySet):
    def active(self):
        """Grants in force: not revoked. A revoked grant stays as history only."""
        return self.filter(revoked_at__isnull=True)


class RegionGrant(models.Model):
    """授权: one role for one staff member on one region (and so on its subtree).

    The guardian permission rows of the role are written by accounts.services alongside
    this row, in the same transaction; this row says why they exist. Revoking keeps the
    row (with revoked_at / revoked_by) and removes the permission rows: only
    `RegionGrant.objects.active()` (or `user.grants.active()`) is what a user may do.
    """

    user = models.ForeignKey(User, verbose_name="工作人员", on_delete=models.CASCADE,
                             related_name="grants")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT,
                               related_name="grants")
    role = models.CharField("岗位", max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(User, verbose_name="授权人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(User, verbose_name="撤销人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = "区划授权"
        verbose_name_plural = "区划授权"
        constraints = [
            # One grant in force per person and region; revoked ones are history beside it.
            models.UniqueConstraint(
                fields=["user", "region"], condition=models.Q(revoked_at__isnull=True),
                name="one_active_grant_per_user_region",
                violation_error_message="该工作人员在此区划已有有效授权：请打开该授权修改岗位。"),
        ]

    def __str__(self):
        revoked = "（已撤销）" if self.revoked_at else ""
        return f"{self.user} · {self.region} · {self.get_role_display()}{revoked}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self):
        level = ROLE_LEVEL.get(self.role)
        if level and self.region_id and self.region.level != level:
            raise ValidationError(
                {"region": f"{self.get_role_display()}只能授权在{level.label}一级。"}
            )


# django-guardian with direct foreign keys: permission rows point at Region itself,
# so scoping a query is a plain join instead of a generic (content type, text id) lookup.
class RegionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class Rule(models.Model):
    """规则参数: the value of one rule for a region (and its subtree) over a period.

    Standards, caps, percentages, deadlines and sampling ratios live here, never as
    literals in code. The row without a region is the national value; a district,
    township or community row overrides it for its subtree from `valid_from` on.
    Keys and their meaning are listed in accounts/rules.py.
    """

    key = models.CharField("规则", max_length=50, db_index=True)
    region = models.ForeignKey(Region, verbose_name="适用区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="rules",
                               help_text="留空表示全国默认值。")
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期", null=True, blank=True,
                                help_text="不含当日；留空表示长期有效。")
    value = models.JSONField("取值")
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = "规则参数"
        ordering = ["key", "region__code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "region", "valid_from"],
                                    condition=models.Q(region__isnull=False),
                                    name="one_regional_rule_per_start"),
            models.UniqueConstraint(fields=["key", "valid_from"],
                                    condition=models.Q(region__isnull=True),
                                    name="one_national_rule_per_start"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "全国"
        return f"{self.key} · {where} · {self.valid_from:%Y-%m-%d} 起"

    def clean(self):
        spec = RULES.get(self.key)
        if spec is None:
            raise ValidationError({"key": "未知的规则，请从列表中选择。"})
        if self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": "截止日期应晚于起始日期。"})
        try:
            self.value = spec.parse(self.value)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"value": f"{spec.label}的取值无效：{exc}"}) from None


class AuditAction(models.TextChoices):
    """What an AuditEntry records. A new kind of change gets its code and label here,
    so that the audit page names it in Chinese and can filter by it."""

    GRANT_ROLE = "grant_role", "授予/变更岗位"
    REVOKE_GRANT = "revoke_grant", "撤销授权"
    RULE_CREATE = "rule_create", "新增规则参数"
    RULE_CHANGE = "rule_change", "修改规则参数"
    URGENT_AID_PAID = "urgent_aid_paid", "发放先行救助"


class AuditEntry(models.Model):
    """操作审计: one change a supervisor may ask about, with its old and new value.

    Written by accounts.audit.audit_record inside the transaction of the change itself
    (Zulip's RealmAuditLog), never by a signal. Append-only: on PostgreSQL a trigger
    refuses UPDATE and DELETE (migration 0010). `region` says where the change applies
    and so who may read it; `old` and `new` never hold ID numbers, health, disability
    or bank data.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text="留空表示系统自动操作。")
    action = models.CharField("操作", max_length=40, choices=AuditAction.choices,
                              db_index=True)
    region = models.ForeignKey(Region, verbose_name="区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    target = models.CharField("对象", max_length=200)
    old = models.JSONField("原值", default=dict, blank=True)
    new = models.JSONField("新值", default=dict, blank=True)
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = "操作审计"
        verbose_name_plural = "操作审计"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule is in CalendarDay. Deadlines that reach a
    year not listed here are provisional (counted Monday to Friday, with a warning)."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=200)
    loaded_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day that differs from Monday-to-Friday: a holiday on a weekday, or a make-up
    working day (调休) on a weekend. Every other day of a covered year is ordinary."""

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日/调休"
        verbose_name_plural = "节假日/调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'调休上班' if self.is_workday else self.name or '放假'}"
