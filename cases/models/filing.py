"""FilingBatch 备案批次 (confirmed cases reported to the district) and Rectification
整改 (a district finding on a filed case, the township's answer, the closing)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class FilingBatch(models.Model):
    """备案批次: confirmed cases a township reports to the district, with its approvers
    (seed 001 §(四): 将审批人员名单报县级民政部门备案)."""

    number = models.CharField("批次号", max_length=30, unique=True)
    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道",
                                 on_delete=models.PROTECT, related_name="filing_batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人",
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("报送时间", auto_now_add=True)
    approvers = models.JSONField("审批人员名单", default=list)

    class Meta:
        verbose_name = "备案批次"
        verbose_name_plural = "备案批次"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number


class Rectification(models.Model):
    """整改: a district finding on a filed case, the township's answer, the closing.

    When the district does not accept an answer it sends the case back again: that
    round ends as `returned` and a new round opens with its own deadline, so every
    finding, answer and verdict stays on the file."""

    class Outcome(models.TextChoices):
        CLOSED = "closed", "已销号"
        RETURNED = "returned", "退回重新整改"

    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="rectifications")
    finding = models.TextField("问题")
    source = models.CharField("来源", max_length=60, blank=True)  # e.g. 抽查 CC-110115-2026-01
    round = models.PositiveSmallIntegerField("轮次", default=1)
    due = models.DateField("整改时限")
    due_provisional = models.BooleanField("时限为暂算", default=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人",
                                  on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    answer = models.TextField("整改情况", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, blank=True)
    verdict = models.TextField("区级意见", blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="区级审核人", null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "整改"
        verbose_name_plural = "整改"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["closed_at", "due"], name="rectification_open_due")]

    def __str__(self):
        return f"整改 #{self.pk}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Overdue while the township has not answered by the deadline."""
        today = today or timezone.localdate()
        return self.closed_at is None and self.answered_at is None and self.due < today
