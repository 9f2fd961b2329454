"""入户调查 and 家庭经济状况核对 (DESIGN §5; DB §16, §17).

Glossary: HomeInvestigation 入户调查记录, VerificationRequest 核对请求 (and its result,
the 核对报告). The district runs the check; until the data-source adapters exist a
district reviewer enters the result by hand, which stays for when sources are down.
"""

from django.conf import settings
from django.db import models

from accounts.files import RandomName


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

    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="verifications")
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
