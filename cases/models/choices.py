"""The vocabulary of a case: assistance types, hardship categories, the states of the
procedure and what the public is told of each. No models here, so that guards, steps and
forms can share it without an import circle (Saleor keeps its enums the same way)."""

from django.db import models


class AssistanceType(models.TextChoices):
    # Township-confirmed types (DESIGN §2; seed 000 §三(一), seed 001 §(四), seed 003).
    DIBAO = "dibao", "最低生活保障"
    TEKUN = "tekun", "特困人员救助供养"
    KUNBU = "kunbu", "生活困难补助"
    LOW_INCOME = "low_income", "低收入家庭救助"
    EDU_FRESHMAN = "edu_freshman", "高等教育新生入学救助"
    HEATING = "heating", "采暖救助"
    TEMPORARY = "temporary", "临时救助"


class Hardship(models.TextChoices):
    """致困类别: what the publicity notice says instead of the caseworker's free text, so
    that no diagnosis or other detail reaches the notice board (DESIGN §7)."""

    ILLNESS = "illness", "因病"
    DISABILITY = "disability", "因残"
    UNEMPLOYMENT = "unemployment", "失业"
    OLD_AGE = "old_age", "年老无依"
    SINGLE_PARENT = "single_parent", "单亲抚养子女"
    EDUCATION = "education", "子女就学"
    ACCIDENT = "accident", "突发事件或意外事故"
    DISASTER = "disaster", "自然灾害"
    OTHER = "other", "其他原因"


# Seed 001 §(五): approved 低保 and 特困 stay on the long-term publicity roster.
# Paid once, in the month the benefit starts; the others are paid every month from it.
ONE_OFF_TYPES = {AssistanceType.TEMPORARY, AssistanceType.EDU_FRESHMAN, AssistanceType.HEATING}
LONG_TERM_PUBLICITY = {AssistanceType.DIBAO, AssistanceType.TEKUN}


class State(models.TextChoices):
    NEW = "new", "新建"
    REFERRED = "referred", "待受理"
    RETURNED = "returned", "退回补正"
    INVESTIGATING = "investigating", "调查核实"
    REVIEWING = "reviewing", "待审核"
    PUBLICIZING = "publicizing", "公示中"
    HEARING = "hearing", "民主评议"
    APPROVING = "approving", "待审批"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "不予确认"
    FILED = "filed", "已备案"
    RECTIFYING = "rectifying", "整改中"
    WITHDRAWN = "withdrawn", "已撤回"


# 办理进度查询 (no login): what the applicant is told of each state, nothing more.
PUBLIC_STAGE = {
    State.REFERRED: "社区已上报，待镇(街道)受理",
    State.RETURNED: "材料需补正（请按一次性告知补齐材料）",
    State.INVESTIGATING: "已受理，调查核实中",
    State.REVIEWING: "审核中",
    State.PUBLICIZING: "公示中",
    State.HEARING: "民主评议中",
    State.APPROVING: "审批中",
    State.CONFIRMED: "已审核确认",
    State.FILED: "已审核确认",
    State.RECTIFYING: "已审核确认",
    State.REJECTED: "不予确认（书面通知已送达或即将送达）",
    State.WITHDRAWN: "已撤回",
}


# States in which the procedure is still running (deadline applies).
OPEN_STATES = [State.REFERRED, State.RETURNED, State.INVESTIGATING, State.REVIEWING,
               State.PUBLICIZING, State.HEARING, State.APPROVING]


BEFORE_DECISION = [State.NEW, *OPEN_STATES]


# While a notice can be open: an objection can be registered and must be checked.
OBJECTION_STATES = [State.INVESTIGATING, State.REVIEWING, State.PUBLICIZING, State.HEARING,
                    State.APPROVING]


class DocumentKind(models.TextChoices):
    AUTHORIZATION = "authorization", "社会救助申请及核对授权书"
    IDENTITY = "identity", "身份证明"
    EVIDENCE = "evidence", "困难情况证明材料"
    STATEMENT = "statement", "情况说明（就业、收入等）"
    RECTIFICATION = "rectification", "整改材料"
    OTHER = "other", "其他"


class Proposal(models.TextChoices):
    APPROVE = "approve", "拟同意"
    REJECT = "reject", "拟不同意"


# --- benefits in force (cases.models.benefits) ---


class BenefitState(models.TextChoices):
    PAYING = "paying", "在保"
    EXITING = "exiting", "渐退中"
    STOPPED = "stopped", "已停保"
    PAID_ONCE = "paid_once", "已一次性发放"  # temporary aid and the other one-off types


IN_PAYMENT = [BenefitState.PAYING, BenefitState.EXITING]


class ReviewCycle(models.IntegerChoices):
    # DB §31: yearly for stable households and 特困 persons; every six months for
    # households with irregular income or working-age members able to work.
    YEARLY = 12, "每年核查"
    HALF_YEARLY = 6, "每半年核查"
