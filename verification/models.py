"""入户调查 and 家庭经济状况核对 (DESIGN §5; DB §16, §17).

Glossary: HomeInvestigation 入户调查记录, VerificationRequest 核对请求 (and its result,
the 核对报告), ImportBatch 数据导入批次 (one agency file, versioned per district and
source), SourceRecord 比对数据 (one row of it), VerificationJob 批量核对 (a whole
township, in chunks). The district runs the check through the data-source adapters
(verification.adapters); a district reviewer can still enter a result by hand when the
sources are down.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.files import RandomName
from verification.sources import SOURCE_CHOICES


class HomeInvestigation(models.Model):
    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="home_investigations")
    visited_on = models.DateField("入户日期")
    # DB §16: at least two staff; or an independent third party with its own report.
    investigators = models.CharField("调查人员", max_length=200,
                                     help_text="至少2人，用顿号或逗号分隔。")
    third_party = models.CharField("第三方机构", max_length=100, blank=True,
                                   help_text="委托第三方调查时填写机构名称，并上传其报告。")
    findings = models.TextField("调查情况", help_text="居住、生活、就业、收入和财产的实际情况。")
    signed_form = models.FileField("签字的调查表（照片或扫描件）",
                                   upload_to=RandomName("investigations"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "入户调查记录"
        verbose_name_plural = "入户调查记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"入户调查 {self.visited_on:%Y-%m-%d}"

    def investigator_names(self) -> list[str]:
        return split_names(self.investigators)


def split_names(text: str) -> list[str]:
    for separator in "，,；;/ 　":
        text = text.replace(separator, "、")
    return [name for name in (part.strip() for part in text.split("、")) if name]


class VerificationRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "已提交"
        IN_PROGRESS = "in_progress", "区级核对中"
        COMPLETED = "completed", "已出具报告"

    class Source(models.TextChoices):
        MANUAL = "manual", "人工录入"
        AUTOMATIC = "automatic", "数据比对"

    # A case's request has its application; a batch job's request has only the household.
    application = models.ForeignKey("cases.Application", verbose_name="救助申请", null=True,
                                    blank=True, on_delete=models.PROTECT,
                                    related_name="verifications")
    household = models.ForeignKey("households.Household", verbose_name="家庭", null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey("verification.VerificationJob", verbose_name="批量核对", null=True,
                            blank=True, on_delete=models.PROTECT, related_name="requests")
    # The signed 授权书 the request rests on (DB §17: 经申请人及家庭成员授权).
    authorization = models.ForeignKey("cases.CaseDocument", verbose_name="核对授权书",
                                      null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices,
                              default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人",
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("提交时间", auto_now_add=True)
    picked_up_at = models.DateTimeField("开始核对时间", null=True, blank=True)
    completed_at = models.DateTimeField("出具时间", null=True, blank=True)
    result_source = models.CharField("结果来源", max_length=20, choices=Source.choices,
                                     blank=True)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField("核对结论", blank=True)
    has_warning = models.BooleanField("有预警", default=False)
    warnings = models.TextField("预警事项", blank=True)
    # verification.compare.Report as a dict: the lines per member and source, the
    # declared figures compared against, and the rule values used.
    report = models.JSONField("核对报告", default=dict, blank=True)
    # The ImportBatch ids the report read: with them the report can be reproduced.
    batch_ids = models.JSONField("使用的数据批次", default=list, blank=True)
    # member key → the ID number looked up, so that the report can be reproduced after
    # a member left or a number was corrected. Never shown on a page.
    lookup_ids = models.JSONField("比对所用身份证号", default=dict, blank=True)

    class Meta:
        verbose_name = "核对请求"
        verbose_name_plural = "核对请求"
        ordering = ["-requested_at", "-id"]
        indexes = [
            # The sweep that requeues requests nobody took looks only at these.
            models.Index(fields=["requested_at"], condition=models.Q(status="requested"),
                         name="verification_waiting"),
        ]

    def __str__(self):
        return f"核对 #{self.pk} {self.get_status_display()}"


class ImportBatch(models.Model):
    """One file an agency delivered, imported whole or not at all. Each import is a new
    version for its district and source; lookups read the newest version, and reports
    name the versions they read."""

    district = models.ForeignKey("accounts.Region", verbose_name="区县", on_delete=models.PROTECT,
                                 related_name="+")
    source = models.CharField("数据来源", max_length=30, choices=SOURCE_CHOICES)
    version = models.PositiveIntegerField("版本")
    data_date = models.DateField("数据截至日期")
    filename = models.CharField("文件名", max_length=200)
    file_format = models.CharField("格式", max_length=20)
    row_count = models.PositiveIntegerField("行数")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人",
                                    on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据导入批次"
        verbose_name_plural = "数据导入批次"
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "source", "version"],
                                    name="one_version_per_source"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} 第{self.version}版"


class SourceRecord(models.Model):
    """One row of an imported file; the columns per source are in verification.sources."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records")
    id_number = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50)
    label = models.CharField("标识", max_length=100, blank=True)
    status = models.CharField("状态/类别", max_length=30, blank=True)
    amount = models.DecimalField("金额", max_digits=14, decimal_places=2, null=True, blank=True)
    amount2 = models.DecimalField("金额2", max_digits=14, decimal_places=2, null=True,
                                  blank=True)

    class Meta:
        verbose_name = "比对数据"
        verbose_name_plural = "比对数据"
        indexes = [models.Index(fields=["batch", "id_number"], name="record_batch_person")]

    def __str__(self):
        return f"{self.batch} #{self.pk}"


class VerificationJob(models.Model):
    """批量核对: every household of a township, in chunks processed by the workers."""

    class Status(models.TextChoices):
        RUNNING = "running", "核对中"
        COMPLETED = "completed", "已完成"
        FAILED = "failed", "部分失败"

    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道",
                                 on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices,
                              default=Status.RUNNING)
    total = models.PositiveIntegerField("家庭数", default=0)
    done = models.PositiveIntegerField("已核对", default=0)
    warned = models.PositiveIntegerField("有预警", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人",
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量核对"
        verbose_name_plural = "批量核对"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"批量核对 #{self.pk}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 100


class JobChunk(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    job = models.ForeignKey(VerificationJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField("序号")
    household_ids = models.JSONField("家庭")
    status = models.CharField("状态", max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.CharField("错误", max_length=200, blank=True)
    queued_at = models.DateTimeField("提交时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量核对分块"
        verbose_name_plural = "批量核对分块"
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="one_chunk_per_index")]

    def __str__(self):
        return f"{self.job} / {self.index}"
