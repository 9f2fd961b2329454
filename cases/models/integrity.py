"""诚信管理 (seed 001 §(二) 2 and its reading notes 1–3; DESIGN §4 "Integrity"): a
household obtained a benefit by false declaration, concealment or forgery; the township
finds the facts and confirms (查实确认), the district verifies (核实认定) or dismisses;
what was paid under false pretences is recovered; the person goes into the district's
dishonesty ledger, pushed to the public credit platform unless they repaid promptly and
the district decided not to push (reading note 3).

Glossary: FraudFinding 骗取救助认定 (its steps are declared below), Repayment 退还记录
(one instalment received; append-only), FindingEvent 认定记录 (every step: append-only),
DishonestyEntry 失信人员台账 (one per verified finding).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django_fsm import ConcurrentTransitionMixin, FSMField

from accounts.rules import rule_value
from cases import steps
from cases.guards import Guard
from cases.models.events import StepEvent
from cases.steps import step

ZERO = Decimal("0.00")


class FraudMeans(models.TextChoices):
    # Seed 001 §(二) 2: 通过虚报、隐瞒、伪造等手段骗取社会救助待遇
    FALSE_DECLARATION = "false_declaration", "虚报"
    CONCEALMENT = "concealment", "隐瞒"
    FORGERY = "forgery", "伪造"


class FindingState(models.TextChoices):
    NEW = "new", "新建"
    RECORDED = "recorded", "待镇(街道)确认"
    CONFIRMED = "confirmed", "待区级认定"
    VERIFIED = "verified", "已认定"
    DECLINED = "declined", "镇(街道)未确认"
    DISMISSED = "dismissed", "区级不予认定"


class Sanction(models.TextChoices):
    # Seed 001 §(二) 2: 给予批评教育或者警告
    CRITICISM = "criticism", "批评教育"
    WARNING = "warning", "警告"


class PushDecision(models.TextChoices):
    NONE = "", "未决定"
    PUSH = "push", "推送"
    WITHHOLD = "withhold", "不推送"


# --- guards (a message when the step may not be taken now, None when it may) -----------


def has_balance(finding):
    if finding.balance is not None and finding.balance > 0:
        return None
    return "应追回金额已全部退还或核销，没有未追回余额。"


def within_balance(finding):
    amount = getattr(finding, "_intent", {}).get("amount")
    balance = finding.balance
    if amount is None or balance is None or amount <= balance:
        return None
    return (f"退还金额{amount}元超过未追回余额{balance}元，不能多收：请核对金额，"
            "多收的款项不得登记。")


def no_write_off_pending(finding):
    if finding.write_off_requested_on is None:
        return None
    return "已有核销申请等待区民政局审批。"


def write_off_pending(finding):
    if finding.write_off_requested_on is not None:
        return None
    return "没有待审批的核销申请。"


def not_pushed(finding):
    entry = getattr(finding, "ledger_entry", None)
    if entry is not None and entry.pushed_at is not None:
        return (f"该失信信息已于{entry.pushed_at:%Y-%m-%d}推送公共信用信息平台，"
                "不能再改变推送决定。")
    return None


def _decided(finding, decision: str):
    entry = getattr(finding, "ledger_entry", None)
    if entry is not None and entry.decision == decision:
        return f"已决定{entry.get_decision_display()}。"
    return None


def push_undecided(finding):
    return _decided(finding, PushDecision.PUSH)


def withhold_undecided(finding):
    return _decided(finding, PushDecision.WITHHOLD)


def repaid_promptly(finding):
    # Reading note 3: 及时退还其骗取资金的，可不推送失信信息; "promptly" is the region's rule.
    settled = finding.settled_on()
    days = rule_value("prompt_repayment_days", finding.region, finding.verified_on)
    if settled is not None and settled <= finding.prompt_repayment_by(days):
        return None
    return (f"只有在认定后{days}日内全部退还骗取资金的，才能决定不推送失信信息"
            "（核销的不算退还）。")


class FraudFinding(ConcurrentTransitionMixin, models.Model):
    benefit = models.ForeignKey("cases.Benefit", verbose_name="在保记录", on_delete=models.PROTECT,
                                related_name="fraud_findings")
    # The benefit's community: the region every scope check uses.
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村",
                               on_delete=models.PROTECT, related_name="+")
    number = models.CharField("认定编号", max_length=40, unique=True)
    state = FSMField("状态", default=FindingState.NEW, choices=FindingState.choices,
                     protected=True)
    means = models.CharField("骗取手段", max_length=20, choices=FraudMeans.choices)
    facts = models.TextField("查实的事实")
    # The period of false pretences, first and last month (the 1st of each).
    first_month = models.DateField("骗取起始月")
    last_month = models.DateField("骗取截止月")
    # The member named; empty: the household's head.
    member = models.ForeignKey("households.Member", verbose_name="失信人员", null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="镇(街道)确认人",
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_on = models.DateField("镇(街道)确认日期", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="区级认定人",
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_on = models.DateField("区级认定日期", null=True, blank=True)
    # Reading note 2: the district involves a legal adviser or a panel of legal experts.
    panel = models.CharField("参与认定的法律顾问或专家", max_length=200, blank=True)
    sanction = models.CharField("处理", max_length=20, choices=Sanction.choices, blank=True)
    # Why the township did not confirm, or the district dismissed.
    refusal_reasons = models.TextField("未确认或不予认定的理由", blank=True)
    # Computed when the district verifies: every month paid in the period, with its amount.
    amount_due = models.DecimalField("骗取金额（应追回）", max_digits=12, decimal_places=2,
                                     null=True, blank=True)
    months = models.JSONField("骗取期间发放明细", default=list, blank=True)
    # A write-off of the remaining balance: asked by the township, approved by the district.
    write_off_reason = models.TextField("核销理由", blank=True)
    write_off_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核销申请人",
                                               null=True, blank=True, on_delete=models.PROTECT,
                                               related_name="+")
    write_off_requested_on = models.DateField("核销申请日期", null=True, blank=True)
    written_off = models.DecimalField("已核销金额", max_digits=12, decimal_places=2, default=ZERO)
    written_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核销批准人",
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    written_off_on = models.DateField("核销日期", null=True, blank=True)

    class Meta:
        verbose_name = "骗取救助认定"
        verbose_name_plural = "骗取救助认定"
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(first_month__lte=models.F("last_month")),
                                   name="fraud_period_in_order",
                                   violation_error_message="骗取起始月不能晚于截止月。"),
        ]
        indexes = [models.Index(fields=["region", "state"], name="fraud_region_state")]

    def __str__(self):
        return self.number

    @property
    def person(self):
        return self.member if self.member_id else self.benefit.household.head

    @property
    def recovered(self) -> Decimal:
        """The instalments received (annotated by the selectors, else one query)."""
        annotated = getattr(self, "recovered_sum", None)
        if annotated is not None:
            return annotated
        if not self.pk:
            return ZERO
        return self.repayments.aggregate(total=Sum("amount"))["total"] or ZERO

    @property
    def balance(self) -> Decimal | None:
        if self.amount_due is None:
            return None
        return self.amount_due - self.recovered - self.written_off

    def settled_on(self) -> datetime.date | None:
        """The day repayments alone cleared the amount due (None if they did not)."""
        if self.amount_due is None or self.written_off or self.recovered < self.amount_due:
            return None
        return self.repayments.order_by("-received_on").values_list("received_on",
                                                                    flat=True).first()

    def prompt_repayment_by(self, days: int) -> datetime.date:
        return self.verified_on + datetime.timedelta(days=days)

    # --- steps (seed 001 §(二) 2). Declared once, run by cases.services.integrity.

    @step(state, source=FindingState.NEW, target=FindingState.RECORDED, perm="handle_cases",
          label="登记骗取救助", event="镇(街道)查实登记", offer=None)
    def record(self):
        """The township's caseworker records the facts it found (查实)."""

    @step(state, source=FindingState.RECORDED, target=FindingState.CONFIRMED,
          perm="approve_cases", label="确认并报区级认定", event="镇(街道)确认，报区民政局核实认定",
          offer=None, style="primary",
          hint="镇(街道)确认查实的事实后，将有关材料报区民政局进一步核实认定。")
    def confirm(self):
        """The township confirms (确认) and reports to the district."""

    @step(state, source=FindingState.RECORDED, target=FindingState.DECLINED,
          perm="approve_cases", label="不予确认", event="镇(街道)不予确认", offer=None)
    def decline(self):
        """The township does not confirm the caseworker's record (with reasons)."""

    @step(state, source=FindingState.CONFIRMED, target=FindingState.VERIFIED,
          perm="review_filings", label="核实认定", event="区民政局核实认定", offer=None,
          style="primary",
          hint="认定后按骗取期间内实际发放的金额计算应追回金额，并列入失信人员台账。")
    def verify(self):
        """The district verifies (核实认定): the amount due and the ledger entry."""

    @step(state, source=FindingState.CONFIRMED, target=FindingState.DISMISSED,
          perm="review_filings", label="不予认定", event="区民政局不予认定", offer=None)
    def dismiss(self):
        """The district does not verify (with reasons)."""

    @step(state, source=FindingState.VERIFIED, target=None, perm="handle_cases",
          label="登记退还", event="收到退还款", offer=None,
          guards=[Guard(has_balance, quiet=True), within_balance])
    def repay(self):
        """An instalment received (date, amount, receipt number)."""

    @step(state, source=FindingState.VERIFIED, target=None, perm="handle_cases",
          label="申请核销", event="申请核销未追回余额", offer=None,
          guards=[Guard(has_balance, quiet=True), no_write_off_pending],
          hint="确实无法追回的（如当事人死亡且无遗产），写明理由，报区民政局批准后核销。")
    def request_write_off(self):
        """The township asks to write off what cannot be recovered."""

    @step(state, source=FindingState.VERIFIED, target=None, perm="review_filings",
          label="批准核销", event="批准核销", offer=None,
          guards=[Guard(write_off_pending, quiet=True), has_balance])
    def approve_write_off(self):
        """The district writes off the remaining balance."""

    @step(state, source=FindingState.VERIFIED, target=None, perm="review_filings",
          label="不批准核销", event="不批准核销，继续追缴", offer=None,
          guards=[Guard(write_off_pending, quiet=True)])
    def refuse_write_off(self):
        """The district refuses the write-off: recovery goes on."""

    @step(state, source=FindingState.VERIFIED, target=None, perm="review_filings",
          label="决定推送", event="决定推送失信信息", offer=None,
          guards=[Guard(not_pushed, quiet=True), Guard(push_undecided, quiet=True)])
    def decide_push(self):
        """Reading note 3: refusing to repay, or serious → push promptly."""

    @step(state, source=FindingState.VERIFIED, target=None, perm="review_filings",
          label="决定不推送", event="决定不推送失信信息", offer=None,
          guards=[Guard(not_pushed, quiet=True), Guard(withhold_undecided, quiet=True),
                  repaid_promptly])
    def withhold_push(self):
        """Reading note 3: repaid promptly with a good attitude → may stay unpushed."""

    @step(state, source=FindingState.VERIFIED, target=None, perm="review_filings",
          label="导出推送", event="导出推送公共信用信息平台", offer=None)
    def push(self):
        """The entry left in the export for the credit platform (with the ID number)."""

    def step_event(self, **event) -> "FindingEvent":
        return FindingEvent(finding=self, **event)


class Repayment(models.Model):
    """退还记录: one instalment received. Append-only (migration): a wrong entry is not
    edited; the balance shows what was received."""

    finding = models.ForeignKey(FraudFinding, on_delete=models.PROTECT, related_name="repayments")
    received_on = models.DateField("收款日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    receipt_number = models.CharField("收据编号", max_length=50)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "退还记录"
        verbose_name_plural = "退还记录"
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="repayment_positive"),
            models.UniqueConstraint(fields=["finding", "receipt_number"],
                                    name="one_receipt_once_per_finding",
                                    violation_error_message="该收据编号已登记。"),
        ]

    def __str__(self):
        return f"{self.receipt_number} {self.amount}"


class FindingEvent(StepEvent):
    """认定记录: every step of a finding, append-only (migration)."""

    finding = models.ForeignKey(FraudFinding, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=20, choices=FindingState.choices)
    to_state = models.CharField("新状态", max_length=20, choices=FindingState.choices)

    class Meta(StepEvent.Meta):
        verbose_name = "认定记录"
        verbose_name_plural = "认定记录"

    def __str__(self):
        return f"{self.finding_id} {self.action}"

    @property
    def label(self) -> str:
        name = steps.by_action(FraudFinding, self.action)
        return steps.info(getattr(FraudFinding, name)).event if name else self.action


class DishonestyEntry(models.Model):
    """失信人员台账: the person of a verified finding. Changes come only from the
    finding's steps (decide_push, withhold_push, push), audited as its events."""

    finding = models.OneToOneField(FraudFinding, verbose_name="骗取救助认定",
                                   on_delete=models.PROTECT, related_name="ledger_entry")
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村",
                               on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("households.Member", verbose_name="失信人员",
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)  # as it was at the verification
    entered_on = models.DateField("列入日期")
    decision = models.CharField("推送决定", max_length=10, choices=PushDecision.choices,
                                blank=True)
    decision_reasons = models.TextField("决定理由", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    pushed_at = models.DateTimeField("首次导出推送时间", null=True, blank=True)
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "失信人员台账"
        verbose_name_plural = "失信人员台账"
        ordering = ["-entered_on", "-id"]
        indexes = [models.Index(fields=["region", "pushed_at"], name="dishonesty_to_push")]

    def __str__(self):
        return f"{self.name} {self.entered_on}"
