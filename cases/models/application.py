"""救助申请 and its state machine (DESIGN §4).

Glossary: Application 救助申请 (a case), CaseEvent 流转记录 (the append-only audit of
every step), NumberSequence (case and batch numbers per township and year).

The steps below say *what* may happen and when (guards), who may do it and how it is
named; cases.services is the only code that runs them: it checks the user's right,
locks the row, runs the transition, saves and writes the CaseEvent in one transaction.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField

from cases import guards, steps
from cases.guards import Guard
from cases.models.choices import (
    BEFORE_DECISION,
    OBJECTION_STATES,
    OPEN_STATES,
    AssistanceType,
    Hardship,
    Proposal,
    State,
)
from cases.models.events import StepEvent
from cases.steps import step


class Application(ConcurrentTransitionMixin, models.Model):
    number = models.CharField("申请编号", max_length=30, unique=True)
    household = models.ForeignKey("households.Household", verbose_name="申请家庭",
                                  on_delete=models.PROTECT, related_name="applications")
    # The applicant's community when the case began: the region every scope check uses.
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村",
                               on_delete=models.PROTECT, related_name="applications")
    assistance_type = models.CharField("救助类别", max_length=20, choices=AssistanceType.choices)
    hardship = models.CharField("致困类别（公示）", max_length=20, choices=Hardship.choices,
                                default=Hardship.OTHER)
    reason = models.TextField("致困情况（内部记录，不公示）")
    state = FSMField("状态", default=State.NEW, choices=State.choices, protected=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人",
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="受理人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    investigation_due = models.DateField("入户调查开始时限", null=True, blank=True)
    decision_due = models.DateField("办结时限", null=True, blank=True)
    due_provisional = models.BooleanField("时限为暂算", default=False)

    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField("审核时间", null=True, blank=True)
    proposal = models.CharField("审核意见", max_length=10, choices=Proposal.choices, blank=True)
    proposed_amount = models.DecimalField("拟保障金额（元/月）", max_digits=10, decimal_places=2,
                                          null=True, blank=True)
    proposal_reasons = models.TextField("审核理由", blank=True)
    hearing_skip_reason = models.TextField("未组织民主评议的理由", blank=True)

    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("审批日期", null=True, blank=True)
    monthly_amount = models.DecimalField("月保障金额（元）", max_digits=10, decimal_places=2,
                                         null=True, blank=True)
    start_month = models.DateField("发放起始月", null=True, blank=True)
    decision_reasons = models.TextField("审批意见/不予确认理由", blank=True)
    # cases.benefit.Calculation as a dict: set at proposal, replaced at the decision and
    # kept from then on, so a later change of the standard does not rewrite it.
    calculation = models.JSONField("测算明细", default=dict, blank=True)
    refusal_notice_due = models.DateField("不予确认通知时限", null=True, blank=True)

    filing_batch = models.ForeignKey("cases.FilingBatch", verbose_name="备案批次", null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="applications")
    # DB §11: a cadre or a close relative in the household → registered separately.
    mandatory_review = models.BooleanField("须备案审查", default=False)
    # Who makes it one: [{"member", "relation", "cadre", "category", "post"}], names only
    # (households.selectors.cadre_links), taken at acceptance and again at filing.
    review_basis = models.JSONField("备案审查依据", default=list, blank=True)
    # Working days from acceptance to the decision, kept for the statistics.
    decision_workdays = models.PositiveSmallIntegerField("受理至决定工作日数", null=True,
                                                         blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "救助申请"
        verbose_name_plural = "救助申请"
        indexes = [
            models.Index(fields=["region", "state", "-id"], name="case_region_state"),
            models.Index(fields=["state", "decision_due"], name="case_state_due"),
            models.Index(fields=["state", "-id"], name="case_state_recent"),
            # The statistics refresh reads one month at a time (filing.services).
            models.Index(fields=["accepted_on"], name="case_accepted_on"),
            models.Index(fields=["decided_on"], name="case_decided_on"),
            # The district's review register and its workbench count (filing.selectors).
            models.Index(fields=["region", "state"], name="case_mandatory_review",
                         condition=models.Q(mandatory_review=True)),
        ]

    def __str__(self):
        return self.number

    # --- derived facts -----------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_open and self.decision_due and self.decision_due < today)

    @property
    def decision(self) -> str:
        """审批决定 as the file states it; empty before the decision."""
        if not self.decided_on:
            return ""
        return "确认" if self.monthly_amount is not None else "不予确认"

    # --- steps (DESIGN §4). Each is declared once, here: its source and target states,
    # guards, the role it needs, the people who may not take it (受理、审核、审批三分离),
    # its label and hint, its timeline entry. cases.services runs it, cases.offers offers
    # it on the case page, the workbench and the drawn procedure read it. A step with
    # target=None records something on the file without changing the state. Bodies stay
    # empty: services set the fields.

    @step(state, source=State.NEW, target=State.REFERRED, perm="refer_cases",
          guards=[guards.has_type_and_reason, guards.one_case_per_type], label="上报",
          event="社区上报", offer=None)
    def refer(self):
        """代为申请/发现报告: a community's application, waiting for the township."""

    @step(state, source=[State.NEW, State.REFERRED], target=State.INVESTIGATING,
          perm="handle_cases",
          guards=[guards.has_type_and_reason, guards.one_case_per_type, guards.has_authorization],
          label="受理", event="受理", style="primary", tile="待受理",
          hint="受理后开始计算办结时限，并向区民政局提交家庭经济状况核对。")
    def accept(self):
        """受理: starts the deadlines; the verification request goes to the district."""

    @step(state, source=State.REFERRED, target=State.RETURNED, perm="handle_cases",
          label="退回补正", event="退回补正（一次性告知）", offer="return",
          hint="一次性告知：把所有缺少的材料一次勾选完整。")
    def return_for_materials(self):
        """退回补正, with a one-time notification of everything missing."""

    @step(state, source=State.RETURNED, target=State.REFERRED, perm="refer_cases",
          label="补正后重新提交", event="补正后重新提交", style="primary", tile="退回补正")
    def resubmit(self):
        """补正后重新提交."""

    @step(state, source=[State.REFERRED, State.RETURNED, State.INVESTIGATING], target=None,
          perm="refer_cases", label="上传材料", event="上传材料",
          refusal="申请当前为「{state}」，不能再补充材料。",
          denied="您没有为该申请上传材料的权限。")
    def attach(self):
        """补充材料 while the case is still being put together or investigated."""

    @step(state, source=State.INVESTIGATING, target=None, perm="handle_cases",
          label="录入入户调查", event="录入入户调查",
          refusal="只有在调查核实阶段才能录入入户调查。",
          hint="至少2名工作人员入户，调查表由调查人员和在场家庭成员签字。")
    def home_investigation(self):
        """入户调查 (rule 3): at least two investigators, the signed form."""

    @step(state, source=State.INVESTIGATING, target=None, perm="verify_economic_status",
          label="录入核对结果", event="录入核对结果", offer="verification",
          refusal="申请当前为「{state}」，核对结果只能在调查核实阶段录入。",
          hint="数据比对系统不可用时，由区级核对人员根据核对结果人工录入。")
    def verification_result(self):
        """核对报告 entered by hand by the district."""

    @step(state, source=State.INVESTIGATING, target=State.REVIEWING, perm="handle_cases",
          guards=[guards.has_home_investigation, guards.has_verification_report],
          label="结束调查，提交审核", event="调查结束，提交审核", style="primary",
          tile="调查核实")
    def finish_investigation(self):
        """调查核实结束 (rule 3)."""

    @step(state, source=State.REVIEWING, target=State.PUBLICIZING, perm="handle_cases",
          guards=[guards.has_verification_report], not_by=("accepted_by",),
          label="提出审核意见", event="审核：拟同意", offer="propose", style="primary",
          tile="待审核", hint="拟同意的进入公示；拟不同意的直接提交审批。")
    def propose_approval(self):
        """审核：拟同意 → 公示."""

    @step(state, source=State.REVIEWING, target=State.APPROVING, perm="handle_cases",
          guards=[guards.has_verification_report], not_by=("accepted_by",),
          label="提出审核意见", event="审核：拟不同意", offer="propose")
    def propose_rejection(self):
        """审核：拟不同意 → 审批."""

    @step(state, source=OBJECTION_STATES, target=None, perm="handle_cases",
          label="登记异议", event="登记异议", offer="objection",
          hint="电话、当面或信件反映的异议在此登记；须核查处理后才能作出决定。")
    def objection(self):
        """异议 taken by phone, in person or by letter during publicity."""

    @step(state, source=OBJECTION_STATES, target=None, perm="handle_cases",
          guards=[Guard(guards.has_open_objection, quiet=True)],
          label="录入异议核查结果", event="异议核查处理", offer="handle_objection")
    def objection_handled(self):
        """异议核查处理: what the check found."""

    @step(state, source=State.PUBLICIZING, target=State.APPROVING, perm="handle_cases",
          guards=[guards.publicity_ran_minimum, guards.objections_handled,
                  guards.no_hearing_trigger],
          label="结束公示（不组织评议）", event="公示结束，未组织评议", style="primary",
          tile="公示中")
    def close_publicity(self):
        """公示结束，无须评议（记录理由）."""

    @step(state, source=[State.PUBLICIZING, State.APPROVING], target=State.HEARING,
          perm="handle_cases", label="组织民主评议", event="组织民主评议")
    def call_hearing(self):
        """组织民主评议 (mandatory under a trigger of rule 4, optional otherwise). From
        approval too: the notice stays open until the decision, so an objection can still
        arrive (DB §19)."""

    @step(state, source=State.HEARING, target=State.APPROVING, perm="handle_cases",
          guards=[guards.objections_handled], label="录入评议结果", event="评议通过，提交审批",
          offer="record_hearing", style="primary", tile="民主评议",
          hint="评议集中在镇(街道)进行，申请人一般不参加。")
    def hearing_to_approval(self):
        """评议通过，提交审批."""

    @step(state, source=State.HEARING, target=State.INVESTIGATING, perm="handle_cases",
          label="录入评议结果", event="评议：重新调查", offer="record_hearing")
    def hearing_to_reinvestigation(self):
        """评议认为需重新调查."""

    @step(state, source=State.APPROVING, target=State.CONFIRMED, perm="approve_cases",
          guards=[guards.proposal_is_approval, guards.publicity_ran_minimum,
                  guards.objections_handled, guards.objections_heard],
          not_by=("accepted_by", "proposed_by"), label="审批确认", event="审批确认",
          style="primary", tile="待审批", hint="自审批次月起发放。")
    def approve(self):
        """审批确认 (rules 5–6)."""

    @step(state, source=State.APPROVING, target=State.REJECTED, perm="approve_cases",
          guards=[guards.publicity_ran_minimum_if_publicised, guards.objections_handled,
                  guards.objections_heard],
          not_by=("accepted_by", "proposed_by"), label="不予确认", event="不予确认",
          style="danger",
          hint="须在3个工作日内书面告知理由，并告知申请行政复议或提起行政诉讼的权利。")
    def reject(self):
        """不予确认, with reasons; the written notice is due within 3 working days."""

    @step(state, source=State.APPROVING, target=State.REVIEWING, perm="approve_cases",
          not_by=("accepted_by", "proposed_by"), label="退回重新审核", event="退回重新审核")
    def send_back(self):
        """退回重新审核, with a reason."""

    @step(state, source=State.CONFIRMED, target=State.FILED, perm="handle_cases",
          label="备案", event="报送备案", offer=None, tile="待报送备案")
    def file(self):
        """备案 (rule 7): on the filing page, many cases at once."""

    @step(state, source=State.NEW, target=State.FILED, perm="handle_cases",
          guards=[guards.one_case_per_type], label="导入在保对象", event="原系统在保对象导入",
          offer=None)
    def import_existing(self):
        """A household already on benefits in the previous system, brought in as filed."""

    @step(state, source=[State.FILED, State.RECTIFYING], target=None, perm="review_filings",
          label="备案审查入户核查", event="备案审查入户核查", offer=None,
          action="mandatory_review",
          refusal="申请当前为「{state}」，尚未备案，不能备案审查入户核查。")
    def review_visit(self):
        """备案审查: the district's home visit of a flagged case (DB §11)."""

    @step(state, source=[State.FILED, State.RECTIFYING], target=None, perm="review_filings",
          label="抽查核查", event="抽查核查", offer=None,
          refusal="申请当前为「{state}」，尚未备案，不能抽查核查。")
    def spot_check(self):
        """抽查: the district's check of a sampled case."""

    @step(state, source=State.FILED, target=State.RECTIFYING, perm="review_filings",
          label="发起整改", event="区级发起整改", style="danger")
    def open_rectification(self):
        """区级发现问题，退回整改."""

    @step(state, source=State.RECTIFYING, target=None, perm="handle_cases",
          label="答复整改情况", event="答复整改", style="primary",
          refusal="该申请没有待答复的整改。")
    def answer_rectification(self):
        """The township's answer; it can be corrected until the district decides."""

    @step(state, source=State.RECTIFYING, target=State.FILED, perm="review_filings",
          guards=[guards.rectification_answered], label="整改销号", event="整改销号",
          style="primary")
    def close_rectification(self):
        """整改完成，区级销号."""

    @step(state, source=State.RECTIFYING, target=None, perm="review_filings",
          label="退回重新整改", event="退回重新整改",
          style="danger", refusal="申请当前为「{state}」，没有可退回的整改。")
    def return_rectification(self):
        """退回重新整改: this round ends as returned, a new round opens."""

    @step(state, source=BEFORE_DECISION, target=State.WITHDRAWN, perm="handle_cases",
          label="申请人撤回", event="申请人撤回", style="danger",
          refusal="申请当前为「{state}」，已作出决定，不能撤回。",
          hint="记录申请人撤回的意思表示（书面申请、时间）。")
    def withdraw(self):
        """撤回 at the applicant's request, before a decision."""

    def step_event(self, **event) -> "CaseEvent":
        """The audit row of a step just taken, unsaved (cases.services.machinery)."""
        return CaseEvent(application=self, **event)


class CaseEvent(StepEvent):
    """流转记录: who moved the case, when, from which state to which, and why.

    Append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
    `data` holds what the step decided (amounts, lists of missing materials), never
    ID numbers or other personal details.
    """

    application = models.ForeignKey(Application, verbose_name="救助申请",
                                    on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=20, choices=State.choices)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices)

    class Meta(StepEvent.Meta):
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"

    def __str__(self):
        return f"{self.application_id} {self.action}"

    @property
    def label(self) -> str:
        """The timeline's entry, as the step declares it."""
        name = steps.by_action(Application, self.action)
        return steps.info(getattr(Application, name)).event if name else self.action


class NumberSequence(models.Model):
    """The last number given per township and year, for case and batch numbers."""

    prefix = models.CharField(max_length=30, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last}"
