"""在保: a household's benefit of one type while it is paid, and its life after the
decision (DESIGN §4 "Dynamic management"; DB §31–34; SL §48).

Glossary: Benefit 在保记录 (one household, one type; its steps are declared below),
BenefitPeriod 发放期间 (the amount paid for a run of months: the roster, the statistics
and a fraud recovery read these), BenefitEvent 变更记录 (append-only: every change with
its reason and the decision behind it), Views 听取意见 (SL §48: the household heard before
a cut or a stop), WorkRefusal 拒绝就业记录 (DB §34), SelfCareAssessment 自理能力评估
(TK §21–23).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField

from cases import guards, steps
from cases.models.choices import IN_PAYMENT, AssistanceType, BenefitState, ReviewCycle
from cases.models.events import StepEvent
from cases.steps import step


class Benefit(ConcurrentTransitionMixin, models.Model):
    household = models.ForeignKey("households.Household", verbose_name="家庭",
                                  on_delete=models.PROTECT, related_name="benefits")
    # The community the case was decided in: the region every scope check uses.
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村",
                               on_delete=models.PROTECT, related_name="benefits")
    assistance_type = models.CharField("救助类别", max_length=20, choices=AssistanceType.choices)
    # The confirmation (or the import) it began with.
    application = models.OneToOneField("cases.Application", verbose_name="确认决定",
                                       on_delete=models.PROTECT, related_name="benefit")
    state = FSMField("状态", default=BenefitState.PAYING, choices=BenefitState.choices,
                     protected=True)
    monthly_amount = models.DecimalField("月保障金额（元）", max_digits=10, decimal_places=2)
    start_month = models.DateField("发放起始月")
    # The last month paid, once a stop or a gradual exit has been decided.
    last_month = models.DateField("最后发放月", null=True, blank=True)
    review_months = models.PositiveSmallIntegerField("核查周期", choices=ReviewCycle.choices,
                                                     default=ReviewCycle.YEARLY)
    next_review_on = models.DateField("下次定期核查", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "在保记录"
        verbose_name_plural = "在保记录"
        constraints = [
            # One household, one benefit of a type in payment (one family, one 低保).
            models.UniqueConstraint(fields=["household", "assistance_type"],
                                    condition=Q(state__in=["paying", "exiting"]),
                                    name="one_benefit_per_household_and_type",
                                    violation_error_message="该家庭已有同类在保记录。"),
        ]
        indexes = [
            models.Index(fields=["region", "state"], name="benefit_region_state"),
            models.Index(fields=["next_review_on"], name="benefit_review_due",
                         condition=Q(state="paying")),
        ]

    def __str__(self):
        return f"{self.get_assistance_type_display()} {self.application.number}"

    @property
    def number(self) -> str:
        return self.application.number

    # --- steps (DB §31–34, SL §48). Declared once, run by cases.services.benefits.

    @step(state, source=IN_PAYMENT, target=None, perm="handle_cases", label="听取意见",
          event="听取家庭意见", offer=None,
          hint="减发、停发前须听取家庭成员的陈述、申辩意见（或记录其拒绝陈述）。")
    def hear_views(self):
        """SL §48: the household's views, before a cut or a stop."""

    # Changing the money is the township's decision: its approver takes these steps (at a
    # review's approval, or directly), the caseworker prepares them (views, refusals).
    @step(state, source=IN_PAYMENT, target=None, perm="approve_cases", label="调整金额",
          event="调整保障金额", offer=None, guards=[guards.views_heard_if_cut])
    def adjust(self):
        """增发、减发: a new amount from the month the rule says."""

    @step(state, source=BenefitState.PAYING, target=BenefitState.EXITING, perm="approve_cases",
          label="渐退", event="进入渐退期", offer=None, guards=[guards.views_heard])
    def begin_exit(self):
        """渐退 (DB §33): paid for the region's months, then stopped by itself."""

    @step(state, source=BenefitState.EXITING, target=BenefitState.STOPPED, perm="handle_cases",
          label="渐退期满停保", event="渐退期满，停止发放", offer=None)
    def end_exit(self):
        """The gradual exit has run its months (the scheduled sweep)."""

    @step(state, source=IN_PAYMENT, target=BenefitState.STOPPED, perm="approve_cases",
          label="停保", event="停止发放", offer=None, style="danger",
          guards=[guards.views_heard])
    def stop(self):
        """停发: with the household's views recorded and a written notice."""

    @step(state, source=IN_PAYMENT, target=None, perm="handle_cases", label="登记拒绝就业",
          event="登记无正当理由拒绝就业", offer=None)
    def work_refusal(self):
        """DB §34: a member refused suitable work without good reason."""

    @step(state, source=IN_PAYMENT, target=None, perm="approve_cases", label="减发本人部分",
          event="减发拒绝就业人员本人部分", offer=None,
          guards=[guards.third_work_refusal, guards.views_heard])
    def cut_share(self):
        """DB §34, ZX §45: the third refusal cuts that person's share, not the household's."""

    @step(state, source=IN_PAYMENT, target=None, perm="handle_cases", label="录入自理能力评估",
          event="自理能力评估", offer=None)
    def assess_self_care(self):
        """TK §21–23: six daily activities; the care line follows the result."""

    @step(state, source=IN_PAYMENT, target=None, perm="handle_cases",
          label="照料护理随评估调整", event="照料护理（失能护理补贴）随自理能力评估调整", offer=None,
          guards=[guards.views_heard_if_cut])
    def follow_care_line(self):
        """The care line set by the rules for the assessed level (TK §21–23; seed 001 §(三)):
        the assessment decides it, the caseworker records it."""

    def step_event(self, **event) -> "BenefitEvent":
        return BenefitEvent(benefit=self, **event)


class BenefitPeriod(models.Model):
    """The amount paid for a run of months; `last_month` empty while it runs."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="periods")
    first_month = models.DateField("起始月")
    last_month = models.DateField("截止月", null=True, blank=True)
    amount = models.DecimalField("月发放金额（元）", max_digits=10, decimal_places=2)
    # [{"kind": "share"|"care"|"basic", "member": id|None, "name", "amount"}]: the parts
    # of the amount (each member's share, the care-subsidy lines).
    lines = models.JSONField("构成", default=list, blank=True)

    class Meta:
        verbose_name = "发放期间"
        verbose_name_plural = "发放期间"
        ordering = ["benefit", "first_month"]
        indexes = [models.Index(fields=["first_month", "last_month"], name="period_months")]

    def __str__(self):
        return f"{self.first_month:%Y-%m}–{self.last_month or ''} {self.amount}"

    def covers(self, month: datetime.date) -> bool:
        return self.first_month <= month and (self.last_month is None or month <= self.last_month)


class BenefitEvent(StepEvent):
    """变更记录: every change of a benefit, append-only (migration)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=20, choices=BenefitState.choices)
    to_state = models.CharField("新状态", max_length=20, choices=BenefitState.choices)
    amount_before = models.DecimalField("原金额", max_digits=10, decimal_places=2, null=True,
                                        blank=True)
    amount_after = models.DecimalField("新金额", max_digits=10, decimal_places=2, null=True,
                                       blank=True)
    effective_month = models.DateField("生效月", null=True, blank=True)
    # The decision behind it: a review (复查), or the views it rests on.
    review = models.ForeignKey("cases.Review", verbose_name="核查", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    views = models.ForeignKey("cases.Views", verbose_name="听取意见", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="used_by")

    class Meta(StepEvent.Meta):
        verbose_name = "在保变更记录"
        verbose_name_plural = "在保变更记录"

    def __str__(self):
        return f"{self.benefit_id} {self.action}"

    # Audit rows that are not steps of the benefit: its creation.
    RECORDS = {"start": "开始发放"}

    @property
    def label(self) -> str:
        name = steps.by_action(Benefit, self.action)
        if name:
            return steps.info(getattr(Benefit, name)).event
        return self.RECORDS.get(self.action, self.action)


class Views(models.Model):
    """听取意见 (SL §48; DB §32): who was heard, when, what they said, or that they
    declined; a cut or a stop rests on one not used before."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="views")
    review = models.ForeignKey("cases.Review", verbose_name="核查", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="views")
    proposed = models.CharField("拟作决定", max_length=200)
    heard_on = models.DateField("听取日期")
    person = models.CharField("陈述人", max_length=50)
    statement = models.TextField("陈述、申辩意见", blank=True)
    declined = models.BooleanField("拒绝陈述", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "听取意见"
        verbose_name_plural = "听取意见"
        ordering = ["-heard_on", "-id"]

    def __str__(self):
        return f"听取意见 {self.person} {self.heard_on}"


class WorkRefusal(models.Model):
    """DB §34: a member able to work refused suitable work without good reason."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="work_refusals")
    member = models.ForeignKey("households.Member", verbose_name="成员", on_delete=models.PROTECT,
                               related_name="+")
    refused_on = models.DateField("拒绝日期")
    offer = models.CharField("介绍的工作（单位、岗位）", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "拒绝就业记录"
        verbose_name_plural = "拒绝就业记录"
        ordering = ["refused_on", "id"]

    def __str__(self):
        return f"{self.member_id} {self.refused_on}"


class SelfCareAssessment(models.Model):
    """自理能力评估 (TK §21–23): six daily activities; four or more not managed = fully
    dependent, one to three = partly."""

    ACTIVITIES = (("eating", "自主吃饭"), ("dressing", "自主穿衣"), ("bed", "自主上下床"),
                  ("toilet", "自主如厕"), ("walking", "室内自主行走"), ("bathing", "自主洗澡"))

    member = models.ForeignKey("households.Member", verbose_name="成员", on_delete=models.PROTECT,
                               related_name="self_care_assessments")
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="assessments")
    assessed_on = models.DateField("评估日期")
    # The activities the person can NOT manage alone (codes of ACTIVITIES).
    not_managed = models.JSONField("不能自主完成的项目", default=list)
    result = models.CharField("评估结果", max_length=10)  # households.Member.SelfCare
    assessors = models.CharField("评估人员", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "自理能力评估"
        verbose_name_plural = "自理能力评估"
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"{self.member_id} {self.assessed_on} {self.result}"
