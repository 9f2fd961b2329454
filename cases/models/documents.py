"""Material 申请材料 (the checklist per assistance type, for the one-time notification
一次性告知) and CaseDocument 档案材料 (uploaded scans of a case)."""

from django.conf import settings
from django.db import models

from cases.models.choices import AssistanceType, DocumentKind
from core.files import RandomName


class Material(models.Model):
    """申请材料清单 per assistance type: what the one-time notification picks from.

    SL §62: never list what the economic-status check can obtain by itself."""

    assistance_type = models.CharField("救助类别", max_length=20, choices=AssistanceType.choices)
    name = models.CharField("材料名称", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["assistance_type", "order", "id"]

    def __str__(self):
        return self.name


class CaseDocument(models.Model):
    """档案材料: a photo or scan attached to the case, served only to users who may see it."""

    Kind = DocumentKind

    application = models.ForeignKey("cases.Application", verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    file = models.FileField("文件", upload_to=RandomName("cases"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人",
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "档案材料"
        verbose_name_plural = "档案材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.get_kind_display()
