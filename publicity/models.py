"""公示、异议、民主评议 (DESIGN §4 rules 2, 4, 6; DB §19, §24; seed 001 §(五)).

Glossary: Notice 公示 (one round, during the procedure), Objection 异议/举报,
Hearing 民主评议/听证 (one case's record), HearingSession 评议会议 (several cases heard
together, scheduled by the township), LongTermEntry 长期公示 (approved 低保 and 特困),
PolicyPage 政策公开 and SupervisionContact 监督电话/信箱 (seed 001 §(六)).
A notice stores a snapshot of exactly what may be published and nothing else.
"""

from django.conf import settings
from django.db import models


class Notice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "公示中"
        CLOSED = "closed", "已结束"
        WITHDRAWN = "withdrawn", "已撤下"

    class DayKind(models.TextChoices):
        CALENDAR = "calendar", "自然日"
        WORKING = "working", "工作日"

    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="notices")
    region = models.ForeignKey("accounts.Region", verbose_name="公示社区/村",
                               on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField("公示开始")
    min_days = models.PositiveSmallIntegerField("最少公示天数")
    day_kind = models.CharField("天数计算", max_length=10, choices=DayKind.choices)
    earliest_close = models.DateField("最早结束日期")
    closed_on = models.DateField("公示结束", null=True, blank=True)
    # What is published (DB §19): name, household size, reason, proposed outcome. No more.
    name = models.CharField("申请人姓名", max_length=50)
    household_size = models.PositiveSmallIntegerField("家庭人口")
    reason = models.CharField("致困原因", max_length=200)
    proposed_outcome = models.CharField("拟办理意见", max_length=200)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["region", "status"], name="notice_region_status")]

    def __str__(self):
        return f"公示 {self.name} {self.opened_on:%Y-%m-%d}"


class Objection(models.Model):
    class Channel(models.TextChoices):
        PUBLIC_FORM = "public_form", "网上提交"
        PHONE = "phone", "电话"
        IN_PERSON = "in_person", "当面反映"
        LETTER = "letter", "信件"

    notice = models.ForeignKey(Notice, verbose_name="公示", on_delete=models.PROTECT,
                               related_name="objections")
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    content = models.TextField("异议内容")
    contact = models.CharField("联系方式（可不填）", max_length=100, blank=True)
    received_at = models.DateTimeField("收到时间", auto_now_add=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    finding = models.TextField("核查结果", blank=True)

    class Meta:
        verbose_name = "异议/举报"
        verbose_name_plural = "异议/举报"
        ordering = ["received_at", "id"]

    def __str__(self):
        return f"异议 #{self.pk}"


class HearingSession(models.Model):
    """评议会议: the township hears several cases at one meeting (seed 001 reading note 3:
    the applicant normally does not attend)."""

    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道",
                                 on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=100)
    participants = models.TextField("参加人员",
                                    help_text="镇(街道)干部、村(居)干部、调查人员、群众代表等。")
    applications = models.ManyToManyField("cases.Application", verbose_name="评议的申请",
                                          related_name="hearing_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="安排人",
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("安排时间", auto_now_add=True)

    class Meta:
        verbose_name = "评议会议"
        verbose_name_plural = "评议会议"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"评议会议 {self.held_on:%Y-%m-%d} {self.place}"


class Hearing(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", "同意审核意见，提交审批"
        REINVESTIGATE = "reinvestigate", "重新调查核实"

    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="hearings")
    held_on = models.DateField("评议日期")
    participants = models.TextField("参加人员",
                                    help_text="镇(街道)干部、村(居)干部、调查人员、群众代表等。")
    opinions = models.TextField("评议意见")
    votes_for = models.PositiveSmallIntegerField("同意票")
    votes_against = models.PositiveSmallIntegerField("反对票")
    votes_abstain = models.PositiveSmallIntegerField("弃权票", default=0)
    minutes = models.TextField("会议记录")
    outcome = models.CharField("评议结果", max_length=20, choices=Outcome.choices)
    session = models.ForeignKey(HearingSession, verbose_name="评议会议", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="hearings")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"民主评议 {self.held_on:%Y-%m-%d}"


class LongTermEntry(models.Model):
    """长期公示: name, household size and monthly amount while the benefit lasts (DB §24)."""

    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="long_term_entries")
    region = models.ForeignKey("accounts.Region", verbose_name="公示社区/村",
                               on_delete=models.PROTECT, related_name="+")
    assistance_type = models.CharField("救助类别", max_length=20)
    name = models.CharField("姓名", max_length=50)
    household_size = models.PositiveSmallIntegerField("家庭人口")
    monthly_amount = models.DecimalField("月保障金额（元）", max_digits=10, decimal_places=2)
    opened_on = models.DateField("开始公示")
    closed_on = models.DateField("结束公示", null=True, blank=True)

    class Meta:
        verbose_name = "长期公示"
        verbose_name_plural = "长期公示"
        ordering = ["region", "name"]

    def __str__(self):
        return f"长期公示 {self.name}"


class PolicyPage(models.Model):
    """政策公开 (seed 001 §(六)): what a township publishes about applying. The district
    keeps one for itself (used by every township) and may keep one per township."""

    region = models.OneToOneField("accounts.Region", verbose_name="区县或镇/街道",
                                  on_delete=models.PROTECT, related_name="policy_page")
    conditions = models.TextField("申请条件")
    how_to_apply = models.TextField("办理程序")
    other = models.TextField("其他说明", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政策公开"
        verbose_name_plural = "政策公开"

    def __str__(self):
        return f"政策公开 · {self.region}"


class SupervisionContact(models.Model):
    """监督举报电话和信箱 of the city, the county and the township (seed 001 §(六))."""

    class Level(models.TextChoices):
        CITY = "city", "市级"
        COUNTY = "county", "区(县)级"
        TOWNSHIP = "township", "镇(街道)级"

    region = models.ForeignKey("accounts.Region", verbose_name="所属区划", on_delete=models.PROTECT,
                               related_name="+",
                               help_text="市级和区级电话登记在区县上；镇(街道)级登记在镇/街道上。")
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    name = models.CharField("名称", max_length=100)
    phone = models.CharField("电话", max_length=40, blank=True)
    mailbox = models.CharField("信箱/电子邮箱", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "监督举报电话/信箱"
        verbose_name_plural = "监督举报电话/信箱"
        ordering = ["level", "order", "id"]

    def __str__(self):
        return self.name
