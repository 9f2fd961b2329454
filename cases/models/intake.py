"""一门受理、协同办理 (seed 002 四(二); seed 004 §二(三)1; seed 001 §(八); SL §50).

Glossary: Agency 承办单位名录 (departments, the district window, social organisations;
district data), Registration 社会救助窗口受理事项登记 (every request at the window or
found by a community, with its first-inquiry staff member 首问负责人), Handover 转办/转介
(a transfer slip 转办单 to a department or the district window, or a referral 转介 to a
social organisation, each with a deadline and the written feedback 情况反馈),
RegistrationEvent 登记流转记录 (the append-only audit of every step of a registration),
UrgentAid 先行救助 (urgent temporary aid paid first, the paperwork after).

A registration's steps are django_fsm transitions of `Registration.status`, each declared
once with its facts in `custom=`: `label` (the button; "不能{label}" in a refusal),
`event` (the timeline's entry), `hint`, `refusal` (a refusal of its own, `{status}`
filled in) and `offer` ("handover": offered on each open slip rather than among the ways
out). cases.services.intake runs them, the registration's page offers them, the drawn procedure
(manage.py draw_procedure) reads them.

Imported into cases.models so that Django registers them with the cases app.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.scope import user_can
from cases.models.events import StepEvent
from households.fields import IDNumberField


class Agency(models.Model):
    """承办单位: where a registration can go. Kept by the district (系统管理)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "政府部门"
        DISTRICT_WINDOW = "district_window", "区社会救助综合服务窗口"
        ORGANISATION = "organisation", "社会组织、慈善或志愿服务机构"

    district = models.ForeignKey("accounts.Region", verbose_name="区/县", on_delete=models.PROTECT,
                                 related_name="agencies")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    duties = models.CharField("承办事项", max_length=300,
                              help_text="如：医疗救助、就业救助、住房救助、心理疏导、照料护理")
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位名录"
        ordering = ["district", "kind", "name"]

    def __str__(self):
        return self.name


class RequestCategory(models.TextChoices):
    """申请救助类别 at the window: the township's own types, and the others it passes on
    (seed 002 四 部门职责)."""

    DIBAO = "dibao", "最低生活保障"
    TEKUN = "tekun", "特困人员救助供养"
    KUNBU = "kunbu", "生活困难补助"
    LOW_INCOME = "low_income", "低收入家庭救助"
    EDU_FRESHMAN = "edu_freshman", "高等教育新生入学救助"
    HEATING = "heating", "采暖救助"
    TEMPORARY = "temporary", "临时救助"
    MEDICAL = "medical", "医疗救助"
    EDUCATION = "education", "教育救助"
    HOUSING = "housing", "住房救助"
    EMPLOYMENT = "employment", "就业救助"
    DISASTER = "disaster", "受灾人员救助"
    DISABILITY = "disability", "残疾人生活补助和康复"
    SERVICE = "service", "非物质救助（照料、心理疏导、资源链接）"
    OTHER = "other", "其他"


class TownshipPermission:
    """A transition's permission (django_fsm calls it with the registration and the
    user): the user holds `perm` on the registration's township. `denied` is what the
    user is told otherwise."""

    def __init__(self, perm: str, denied: str):
        self.perm, self.denied = perm, denied

    def __call__(self, registration, user) -> bool:
        return user_can(user, self.perm, registration.township)


class FeedbackPermission(TownshipPermission):
    """情况反馈 is recorded by the township that sent the slip, or by the district, whose
    own window answers the slips sent to it (which slip is checked by cases.services.intake)."""

    def __call__(self, registration, user) -> bool:
        return super().__call__(registration, user) or user_can(
            user, "review_filings", registration.township.parent)


WINDOW = TownshipPermission("handle_cases", "只有该镇(街道)的经办人可以办理窗口登记事项。")
FEEDBACK = FeedbackPermission("handle_cases", "只有转出的镇(街道)经办人（或区窗口）可以录入反馈。")


def answers_the_last_open_slip(registration) -> bool:
    """The feedback about to be recorded answers the only slip still waiting for one."""
    return registration.handovers.filter(feedback_on__isnull=True).count() == 1


class Registration(ConcurrentTransitionMixin, models.Model):
    """社会救助窗口受理事项登记表 (seed 002 四(二)2): one request, from the window or from
    a community's 发现报告, until it is handled, transferred, referred or closed."""

    class Channel(models.TextChoices):
        WINDOW = "window", "窗口受理"
        COMMUNITY = "community", "社区(村)发现报告"

    class Status(models.TextChoices):
        OPEN = "open", "待处置"
        MEETING = "meeting", "提交联席会议"
        HANDLED = "handled", "已受理（本镇街办理）"
        TRANSFERRED = "transferred", "已转办，待反馈"
        REFERRED = "referred", "已转介，待反馈"
        CLOSED = "closed", "已办结"

    number = models.CharField("登记编号", max_length=30, unique=True)
    channel = models.CharField("来源", max_length=10, choices=Channel.choices)
    township = models.ForeignKey("accounts.Region", verbose_name="镇/街道", on_delete=models.PROTECT,
                                 related_name="+")
    # The community the family lives in when known: the scope a community assistant reads.
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村", on_delete=models.PROTECT,
                               related_name="registrations")
    registered_at = models.DateTimeField("登记时间", default=timezone.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人",
                                      on_delete=models.PROTECT, related_name="+")
    # 首问负责: the first staff member stays the contact until the request ends.
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="首问负责人",
                                on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField("申请人姓名", max_length=50)
    applicant_id = IDNumberField(verbose_name="申请人身份证号", blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    hardship = models.TextField("遭遇困难情况")
    category = models.CharField("申请救助类别", max_length=20, choices=RequestCategory.choices)
    due = models.DateField("处置时限")
    due_provisional = models.BooleanField("时限为暂算", default=False)
    status = FSMField("状态", max_length=12, choices=Status.choices, default=Status.OPEN,
                      protected=True)
    application = models.ForeignKey("cases.Application", verbose_name="受理的申请", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    meeting_on = models.DateField("联席会议日期", null=True, blank=True)
    meeting_outcome = models.TextField("联席会议结果", blank=True)
    outcome = models.TextField("办结情况", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "窗口受理事项登记"
        verbose_name_plural = "窗口受理事项登记"
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["township", "status", "due"], name="registration_open_due")]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.MEETING)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Not yet disposed of (handled, transferred, referred or closed) by its due date."""
        return self.is_open and self.due < (today or timezone.localdate())

    # --- steps (seed 002 四(二)): the three ways out (受理、转办、转介), the joint meeting,
    # 办结 and the feedback that closes the loop. Each is declared once, here. A step with
    # target=None records on the registration without changing its status. Bodies stay
    # empty: cases.services.intake sets the fields and writes the RegistrationEvent.

    @transition(status, source=[Status.OPEN, Status.MEETING], target=Status.HANDLED,
                permission=WINDOW, custom={
                    "label": "受理", "event": "受理（本镇街办理）",
                    "refusal": "该登记现为「{status}」，不能再受理。",
                    "hint": "本镇(街道)审核确认的类别：填写受理单，进入调查核实。"})
    def handle(self):
        """受理 (受理单): the township confirms this type itself; the case starts."""

    @transition(status, source=[Status.OPEN, Status.MEETING], target=Status.TRANSFERRED,
                permission=WINDOW, custom={
                    "label": "转办", "event": "转办",
                    "hint": "应由其他部门或区综合窗口承办的：填写转办单，承办单位书面反馈后录入。"})
    def transfer(self):
        """转办 (转办单) to the department responsible, or to the district window."""

    refer_facts = {"label": "转介", "event": "转介",
                   "hint": "需要照料护理、心理疏导、资源链接等非物质帮扶的：转介给社会组织。"}

    @transition(status, source=[Status.OPEN, Status.MEETING], target=Status.REFERRED,
                permission=WINDOW, custom=refer_facts)
    @transition(status, source=[Status.HANDLED, Status.REFERRED], target=None,
                permission=WINDOW, custom=refer_facts)
    def refer(self):
        """转介 to a social organisation for non-material help (seed 001 §(八)). An open
        registration then waits for the feedback; a family whose case the township handles
        stays handled, and a referred one may be referred to another organisation too."""

    del refer_facts

    @transition(status, source=Status.OPEN, target=Status.MEETING, permission=WINDOW,
                custom={"label": "提交联席会议", "event": "提交联席会议",
                        "hint": "情况复杂、部门间有争议或社会关注度高的，提交联席会议研究。"})
    def to_meeting(self):
        """提交联席会议: a complex or disputed request, or one with wide public concern."""

    @transition(status, source=Status.MEETING, target=Status.OPEN, permission=WINDOW,
                custom={"label": "录入联席会议结果", "event": "联席会议结果",
                        "hint": "录入会议确定的解决方案后，按方案受理、转办、转介或办结。"})
    def record_meeting_outcome(self):
        """The joint meeting's decision; the registration then takes the way out it
        decided. (Not `meeting_outcome`: that is the field holding it.)"""

    @transition(status, source=[Status.OPEN, Status.MEETING], target=Status.CLOSED,
                permission=WINDOW, custom={
                    "label": "办结", "event": "办结",
                    "hint": "无须受理、转办或转介的（如已解释政策、不符合条件）：写明办结情况。"})
    def close(self):
        """办结 without a case or a slip, e.g. answered with the policy and the reason."""

    @transition(status, source=[Status.TRANSFERRED, Status.REFERRED], target=Status.CLOSED,
                conditions=[answers_the_last_open_slip], permission=FEEDBACK,
                custom={"label": "录入情况反馈", "event": "情况反馈，办结", "offer": "handover"})
    def feedback(self):
        """情况反馈 on the last open slip of a transferred or referred registration: the
        request is done."""

    @transition(status, source=[Status.TRANSFERRED, Status.REFERRED, Status.HANDLED],
                target=None, permission=FEEDBACK,
                custom={"label": "录入情况反馈", "event": "情况反馈", "offer": "handover"})
    def record_feedback(self):
        """情况反馈 on a slip while another is still open, or on a referral of a family
        whose case the township handles: recorded, the status stays."""


class RegistrationEvent(StepEvent):
    """登记流转记录: who moved a registration, when, from which status to which, and why.

    Append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0009).
    cases.services.intake writes one in the transaction of every step, and one when the
    registration is made (action "register", no status before). `data` holds what the
    step decided (a slip's or a case's number, the agency), never ID numbers.
    """

    REGISTER = "register"

    registration = models.ForeignKey(Registration, verbose_name="登记", on_delete=models.PROTECT,
                                     related_name="events")
    from_status = models.CharField("原状态", max_length=12, choices=Registration.Status.choices,
                                   blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=Registration.Status.choices)

    class Meta(StepEvent.Meta):
        verbose_name = "登记流转记录"
        verbose_name_plural = "登记流转记录"

    def __str__(self):
        return f"{self.registration_id} {self.action}"

    @property
    def label(self) -> str:
        """The timeline's entry, as the step's transition declares it."""
        if self.action == self.REGISTER:
            channel = self.data.get("channel")
            return f"登记（{Registration.Channel(channel).label}）" if channel else "登记"
        method = getattr(Registration, self.action, None)
        if not hasattr(method, "_django_fsm"):
            return self.action
        return next(iter(method._django_fsm.transitions.values())).custom["event"]


class Handover(models.Model):
    """转办单 (to a department or the district window) or 转介 (to a social organisation):
    sent with a deadline; the receiving side's written feedback closes it."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "转办"
        REFERRAL = "referral", "转介"

    registration = models.ForeignKey(Registration, verbose_name="登记", on_delete=models.PROTECT,
                                     related_name="handovers")
    kind = models.CharField("方式", max_length=10, choices=Kind.choices)
    number = models.CharField("转办单号", max_length=30, unique=True)
    agency = models.ForeignKey(Agency, verbose_name="承办单位", on_delete=models.PROTECT,
                               related_name="handovers")
    request = models.TextField("转办事项/需要的服务")
    sent_at = models.DateTimeField("转出时间", auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人",
                                on_delete=models.PROTECT, related_name="+")
    due = models.DateField("反馈时限")
    due_provisional = models.BooleanField("时限为暂算", default=False)
    feedback = models.TextField("情况反馈", blank=True)
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    feedback_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "转办/转介"
        verbose_name_plural = "转办/转介"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["feedback_on", "due"], name="handover_open_due")]

    def __str__(self):
        return self.number

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.feedback_on is None and self.due < (today or timezone.localdate())


class UrgentAid(models.Model):
    """先行救助 (SL §50): small and urgent temporary aid paid first, below the region's
    amount; the paperwork (the temporary-aid case) follows by its deadline."""

    household = models.ForeignKey("households.Household", verbose_name="家庭",
                                  on_delete=models.PROTECT, related_name="urgent_aid")
    region = models.ForeignKey("accounts.Region", verbose_name="所在社区/村",
                               on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("先行救助金额（元）", max_digits=10, decimal_places=2)
    reason = models.TextField("急难情况")
    paid_on = models.DateField("发放日期")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人",
                                   on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField("登记时间", auto_now_add=True)
    paperwork_due = models.DateField("补办手续时限")
    application = models.ForeignKey("cases.Application", verbose_name="补办的临时救助申请",
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="urgent_aid")

    class Meta:
        verbose_name = "先行救助"
        verbose_name_plural = "先行救助"
        ordering = ["-paid_on", "-id"]

    def __str__(self):
        return f"先行救助 {self.amount}元"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.application_id is None and self.paperwork_due < (today or timezone.localdate())
