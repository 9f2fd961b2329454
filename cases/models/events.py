"""What every step's audit row holds, for the case (CaseEvent) and for the window
registration (RegistrationEvent): which step, who, when, why, and what it decided.
Append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (core.db.append_only)."""

from django.conf import settings
from django.db import models


class StepEvent(models.Model):
    action = models.CharField("操作", max_length=40)  # the step (transition) that ran
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人",
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.TextField("理由/说明", blank=True)
    data = models.JSONField("内容", default=dict, blank=True)  # never ID numbers

    class Meta:
        abstract = True
        ordering = ["at", "id"]
