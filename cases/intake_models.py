"""一门受理、协同办理 (seed 002 四(二); seed 004 §二(三)1; seed 001 §(八); SL §50).

Glossary: Agency 承办单位名录 (departments, the district window, social organisations;
district data), Registration 社会救助窗口受理事项登记 (every request at the window or
found by a community, with its first-inquiry staff member 首问负责人), Handover 转办/转介
(a transfer slip 转办单 to a department or the district window, or a referral 转介 to a
social organisation, each with a deadline and the written feedback 情况反馈),
UrgentAid 先行救助 (urgent temporary aid paid first, the paperwork after).

Imported into cases.models so that Django registers them with the cases app.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from households.fields import IDNumberField


class Agency(models.Model):
    """承办单位: where a registration can go. Kept by the district (系统管理)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "政府部门"
        DISTRICT_WINDOW = "district_window", "区社会救助综合服务窗口"
        ORGANISATION = "organisation", "社会组织、慈善或志愿服务机构"

    district = models.ForeignKey("accounts.Region", verbose_name="区/县", on_delete=models.PROTECT,
                                 related_name="agencies")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    duties = models.CharField("承办事项", max_length=300,
                              help_text="如：医疗救助、就业救助、住房救助、心理疏导、照料护理")
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位名录"
        ordering = ["district", "kind", "name"]

    def __str__(self):
        return self.name


class RequestCategory(models.TextChoices):
    """申请救助类别 at the window: the township's own types, and the others it passes on
    (seed 002 四 部门职责)."""

    DIBAO = "dibao", "最低生活保障"
    TEKUN = "tekun", "特困人员救助供养"
    KUNBU = "kunbu", "生活困难补助"
    LOW_INCOME = "low_income", "低收入家庭救助"
    EDU_FRESHMAN = "edu_freshman", "高等教育新生入学救助"
    HEATING = "heating", "采暖救助"
    TEMPORARY = "temporary", "临时救助"
    MEDICAL = "medical", "医疗救助"
    EDUCATION = "education", "教育救助"
    HOUSING = "housing", "住房救助"
    EMPLOYMENT = "employment", "就业救助"
    DISASTER = "disaster", "受灾人员救助"
    DISABILITY = "disability", "残疾人生活补助和康复"
    SERVICE = "service", "非物质救助（照料、心理疏导、资源链接）"
    OTHER = "other", "其他"


class Registration(models.Model):
    """社会救助窗口受理事项登记表 (seed 002 四(二)2): one request, from the window or from
    a community's 发现报告, until it is handled, transferred, referred or closed."""

    class Channel(models.TextChoices):
        WINDOW = "window", "窗口受理"
        COMMUNITY = "community", "社区(村)发现报告"

    class Status(models.TextChoices):
        OPEN = "open", "待处置"
        MEETING = "meeting", "提交联席会议"
        HANDLED = "handled", "已受理（本镇街办理）"
        TRANSFERRED = "transferred", "已转办，待反馈"
        REFERRED = "referred", "已转介，待反馈"
        CLOSED = "closed", "已办结"

    number = models.CharField("登记编号", max_length=30, unique=True)
    channel = models.CharField("来源", max_length=10, choices=Channel.choices)
    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道", on_delete=models.PROTECT,
                                 related_name="+")
    # The community the family lives in when known: the scope a community assistant reads.
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村", on_delete=models.PROTECT,
                               related_name="registrations")
    registered_at = models.DateTimeField("登记时间", default=timezone.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人",
                                      on_delete=models.PROTECT, related_name="+")
    # 首问负责: the first staff member stays the contact until the request ends.
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="首问负责人",
                                on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField("申请人姓名", max_length=50)
    applicant_id = IDNumberField(verbose_name="申请人身份证号", blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    hardship = models.TextField("遭遇困难情况")
    category = models.CharField("申请救助类别", max_length=20, choices=RequestCategory.choices)
    due = models.DateField("处置时限")
    due_provisional = models.BooleanField("时限为暂算", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    application = models.ForeignKey("cases.Application", verbose_name="受理的申请", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    meeting_on = models.DateField("联席会议日期", null=True, blank=True)
    meeting_outcome = models.TextField("联席会议结果", blank=True)
    outcome = models.TextField("办结情况", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "窗口受理事项登记"
        verbose_name_plural = "窗口受理事项登记"
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["township", "status", "due"], name="registration_open_due")]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.MEETING)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Not yet disposed of (handled, transferred, referred or closed) by its due date."""
        return self.is_open and self.due < (today or timezone.localdate())


class Handover(models.Model):
    """转办单 (to a department or the district window) or 转介 (to a social organisation):
    sent with a deadline; the receiving side's written feedback closes it."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "转办"
        REFERRAL = "referral", "转介"

    registration = models.ForeignKey(Registration, verbose_name="登记", on_delete=models.PROTECT,
                                     related_name="handovers")
    kind = models.CharField("方式", max_length=10, choices=Kind.choices)
    number = models.CharField("转办单号", max_length=30, unique=True)
    agency = models.ForeignKey(Agency, verbose_name="承办单位", on_delete=models.PROTECT,
                               related_name="handovers")
    request = models.TextField("转办事项/需要的服务")
    sent_at = models.DateTimeField("转出时间", auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人",
                                on_delete=models.PROTECT, related_name="+")
    due = models.DateField("反馈时限")
    due_provisional = models.BooleanField("时限为暂算", default=False)
    feedback = models.TextField("情况反馈", blank=True)
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    feedback_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "转办/转介"
        verbose_name_plural = "转办/转介"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["feedback_on", "due"], name="handover_open_due")]

    def __str__(self):
        return self.number

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.feedback_on is None and self.due < (today or timezone.localdate())


class UrgentAid(models.Model):
    """先行救助 (SL §50): small and urgent temporary aid paid first, below the region's
    amount; the paperwork (the temporary-aid case) follows by its deadline."""

    household = models.ForeignKey("households.Household", verbose_name="家庭",
                                  on_delete=models.PROTECT, related_name="urgent_aid")
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村",
                               on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("先行救助金额（元）", max_digits=10, decimal_places=2)
    reason = models.TextField("急难情况")
    paid_on = models.DateField("发放日期")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人",
                                   on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField("登记时间", auto_now_add=True)
    paperwork_due = models.DateField("补办手续时限")
    application = models.ForeignKey("cases.Application", verbose_name="补办的临时救助申请",
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="urgent_aid")

    class Meta:
        verbose_name = "先行救助"
        verbose_name_plural = "先行救助"
        ordering = ["-paid_on", "-id"]

    def __str__(self):
        return f"先行救助 {self.amount}元"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.application_id is None and self.paperwork_due < (today or timezone.localdate())
