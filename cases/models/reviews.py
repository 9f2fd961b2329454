"""复查: the periodic review of a benefit (定期核查, DB §31) and the reviews a change opens
(a death, a change the household reports, a self-care reassessment), and the district's
review round for a township (年审).

A review re-runs the economic-status verification and the calculation (状态 待核查 →
已核对测算), then ends in a decision: continue, adjust, gradual exit or stop. Continuing
changes no one's money and the caseworker decides it; an adjustment, a gradual exit or a
stop is proposed by the caseworker (待审批) and decided by the township's approver, who
may not be the proposer (受理、审核、审批三分离, DESIGN §4 rule 5), or sent back.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField

from cases import guards, steps
from cases.models.events import StepEvent
from cases.steps import step


class ReviewKind(models.TextChoices):
    PERIODIC = "periodic", "定期核查"
    ROUND = "round", "年审"
    DEATH = "death", "家庭成员死亡"
    CHANGE = "change", "家庭报告变化"
    SELF_CARE = "self_care", "自理能力复评"


class ReviewState(models.TextChoices):
    OPEN = "open", "待核查"
    CHECKED = "checked", "已核对测算"
    PROPOSED = "proposed", "待审批"
    DECIDED = "decided", "已完成"


# Not decided yet: a benefit has at most one of these (the constraint below).
OPEN_REVIEW_STATES = [ReviewState.OPEN, ReviewState.CHECKED, ReviewState.PROPOSED]


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "继续享受"
    ADJUST = "adjust", "调整金额"
    EXIT = "exit", "渐退"
    STOP = "stop", "停止发放"


# The outcomes that change the household's money: proposed, then approved (rule 5).
NEEDS_APPROVAL = (ReviewOutcome.ADJUST, ReviewOutcome.EXIT, ReviewOutcome.STOP)


class ReviewRound(models.Model):
    """年审: the district reviews every benefit of a township in one batch."""

    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道",
                                 on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=50)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人",
                                  on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    due_on = models.DateField("完成时限")
    total = models.PositiveIntegerField("户数", default=0)

    class Meta:
        verbose_name = "年审"
        verbose_name_plural = "年审"
        ordering = ["-opened_at"]

    def __str__(self):
        return self.name


class Review(ConcurrentTransitionMixin, models.Model):
    benefit = models.ForeignKey("cases.Benefit", verbose_name="在保记录", on_delete=models.PROTECT,
                                related_name="reviews")
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村",
                               on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("核查类型", max_length=20, choices=ReviewKind.choices)
    state = FSMField("状态", default=ReviewState.OPEN, choices=ReviewState.choices,
                     protected=True)
    round = models.ForeignKey(ReviewRound, verbose_name="年审", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="reviews")
    opened_on = models.DateField("开始日期")
    due_on = models.DateField("完成时限")
    note = models.TextField("起因", blank=True)  # what the household reported, the death
    member = models.ForeignKey("households.Member", verbose_name="涉及成员", null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    verification = models.ForeignKey("verification.VerificationRequest", verbose_name="核对",
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # cases.benefit.Calculation as a dict, taken when the review was checked.
    calculation = models.JSONField("测算明细", default=dict, blank=True)
    checked_at = models.DateTimeField("核对测算时间", null=True, blank=True)
    outcome = models.CharField("核查结论", max_length=10, choices=ReviewOutcome.choices,
                               blank=True)
    new_amount = models.DecimalField("调整后金额", max_digits=10, decimal_places=2, null=True,
                                     blank=True)
    exit_months = models.PositiveSmallIntegerField("渐退期（月）", null=True, blank=True)
    # Why the amount proposed departs from the calculation's total (empty when it does not).
    deviation = models.TextField("与测算结果不同的理由", blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField("提出日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    reasons = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = "复查"
        verbose_name_plural = "复查"
        ordering = ["due_on", "id"]
        constraints = [
            # One review at a time per benefit: a second reason folds into the open one
            # (open: OPEN_REVIEW_STATES, a proposal waiting for approval included).
            models.UniqueConstraint(fields=["benefit"], condition=~Q(state="decided"),
                                    name="one_open_review_per_benefit",
                                    violation_error_message="该在保对象已有未完成的核查。"),
        ]
        indexes = [
            models.Index(fields=["region", "state", "due_on"], name="review_queue"),
            models.Index(fields=["round", "state"], name="review_round_progress"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state != ReviewState.DECIDED and self.due_on < today

    @step(state, source=[ReviewState.OPEN, ReviewState.CHECKED], target=ReviewState.CHECKED,
          perm="handle_cases", label="核对测算", event="重新核对和测算", offer=None,
          hint="按家庭现在的申报重新进行经济状况核对和收入测算。")
    def recheck(self):
        """Verification and calculation again, from the household's current data."""

    @step(state, source=ReviewState.CHECKED, target=ReviewState.DECIDED, perm="handle_cases",
          label="继续享受", event="核查结论：继续享受", offer=None, style="primary",
          guards=[guards.review_has_calculation],
          refusal="该核查当前为「{state}」，不能作出继续享受的结论。")
    def decide_continue(self):
        """Continue as before: no one's money changes, the caseworker decides it alone."""

    @step(state, source=ReviewState.CHECKED, target=ReviewState.PROPOSED, perm="handle_cases",
          label="提出核查意见", event="提出核查意见，报审批", offer=None, style="primary",
          guards=[guards.review_has_calculation],
          refusal="该核查当前为「{state}」，不能提出核查意见。")
    def propose(self):
        """Adjust, gradual exit or stop: proposed with the amount, months and reasons."""

    @step(state, source=ReviewState.PROPOSED, target=ReviewState.DECIDED, perm="approve_cases",
          label="审批同意", event="审批核查意见", offer=None, style="primary",
          not_by=("proposed_by",), refusal="该核查当前为「{state}」，不能审批。",
          denied="只有该镇(街道)的审批人可以审批核查意见。")
    def decide(self):
        """The approver agrees; the benefit's steps carry the proposal out."""

    @step(state, source=ReviewState.PROPOSED, target=ReviewState.CHECKED, perm="approve_cases",
          label="退回重新核查", event="退回经办人重新核查", offer=None,
          refusal="该核查当前为「{state}」，不能退回。",
          denied="只有该镇(街道)的审批人可以退回核查意见。")
    def send_back(self):
        """The approver sends the proposal back to the caseworker, with a reason."""

    def step_event(self, **event) -> "ReviewEvent":
        return ReviewEvent(review=self, **event)


class ReviewEvent(StepEvent):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=20, choices=ReviewState.choices)
    to_state = models.CharField("新状态", max_length=20, choices=ReviewState.choices)

    class Meta(StepEvent.Meta):
        verbose_name = "复查记录"
        verbose_name_plural = "复查记录"

    def __str__(self):
        return f"{self.review_id} {self.action}"

    # Audit rows that are not steps of the review: its opening, a further reason joining it.
    RECORDS = {"open": "开始核查", "reason_added": "补充核查事由"}

    @property
    def label(self) -> str:
        name = steps.by_action(Review, self.action)
        if name:
            return steps.info(getattr(Review, name)).event
        return self.RECORDS.get(self.action, self.action)
