"""What each rule is: its label, kind, national default and source (RuleSpec, RULES).

Plain data without models, so that the Rule model validates a value against its spec
without importing accounts.rules (which reads Rule rows). accounts.rules re-exports
both names; callers import them from there.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class RuleSpec:
    label: str
    kind: type | tuple  # int, bool, str, Decimal, or a tuple of allowed strings
    national: Any  # None: no national value (e.g. campaigns exist only where declared)
    source: str
    minimum: Any = None  # a floor the national rule sets (e.g. 特困 spot checks ≥ 30%)
    maximum: Any = None

    def parse(self, value):
        if isinstance(self.kind, tuple):
            if value not in self.kind:
                raise ValueError(f"应为 {'、'.join(self.kind)} 之一")
            return value
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError("应为 true 或 false")
            return value
        if self.kind is int:
            number = int(value)
            if number < 0 or str(number) != str(value).strip():
                raise ValueError("应为不小于0的整数")
            if self.minimum is not None and number < self.minimum:
                raise ValueError(f"不得小于 {self.minimum}")
            if self.maximum is not None and number > self.maximum:
                raise ValueError(f"不得大于 {self.maximum}")
            return number
        if self.kind is Decimal:
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                raise ValueError("应为数字，如 1450 或 0.3") from None
            if not number.is_finite() or number < 0:
                raise ValueError("应为不小于0的数字")
            if self.minimum is not None and number < Decimal(self.minimum):
                raise ValueError(f"不得低于 {self.minimum}（{self.source}）")
            if self.maximum is not None and number > Decimal(self.maximum):
                raise ValueError(f"不得高于 {self.maximum}")
            return format(number, "f")  # JSON keeps the exact digits, never 1.45E+3
        if self.kind is str:
            text = str(value).strip()
            if not text:
                raise ValueError("不能为空")
            return text
        raise TypeError(self.kind)


RULES: dict[str, RuleSpec] = {
    "investigation_start_days": RuleSpec(
        "受理后开始入户调查（工作日）", int, 3, "审核确认办法第十五条"),
    "procedure_days": RuleSpec(
        "受理至审核确认办结时限（工作日）", int, 20,
        "审核确认办法第二十二条；2022年通知：由乡镇(街道)审核确认的为20个工作日"),
    "rejection_notice_days": RuleSpec(
        "不予确认书面通知时限（工作日）", int, 3, "审核确认办法第二十一条"),
    "publicity_min_days": RuleSpec("公示最少天数", int, 7, "审核确认办法第十九条"),
    "publicity_day_kind": RuleSpec(
        "公示天数计算方式", ("calendar", "working"), "calendar", "审核确认办法第十九条：公示期为7天"),
    "publicity_opens_at": RuleSpec(
        "公示开始时点", ("proposal", "acceptance"), "proposal",
        "审核确认办法第十九条：乡镇（街道）提出审核意见后公示；受理时即公示的，由地方规定"),
    "campaign": RuleSpec(
        "集中行动（年审、专项治理）期间，须民主评议", str, None,
        "无全国统一规定：集中行动（年审、专项治理）由县级民政部门部署"),
    "publicity_mask_given_name": RuleSpec(
        "公示时隐去名字中间的字（如 张*明）", bool, False,
        "审核确认办法第十九条（公示申请人姓名）；各地可规定部分隐去以保护隐私"),
    # --- the benefit (DESIGN §5; seed 001 reading note 5) --------------------------------
    "dibao_standard_urban": RuleSpec(
        "城市低保标准（元/人·月）", Decimal, None,
        "社会救助暂行办法第九条：由省级或设区的市级人民政府确定、公布（无全国统一值）"),
    "dibao_standard_rural": RuleSpec(
        "农村低保标准（元/人·月）", Decimal, None,
        "社会救助暂行办法第九条：由省级或设区的市级人民政府确定、公布（无全国统一值）"),
    "expenditure_window_months": RuleSpec(
        "刚性支出计算期（申请日前月数）", int, 12,
        "无全国统一规定：由县级民政部门确定，本系统默认申请前12个月。审核确认办法：因残疾、患重病等增加的"
        "刚性支出，核算家庭收入时可按规定适当扣减"),
    "rehabilitation_cap_yearly": RuleSpec(
        "残疾人康复费用年度扣减上限（元/人）", Decimal, "3000",
        "无全国统一规定：由县级民政部门确定，本系统默认3000元。审核确认办法：因残疾、患重病等增加的刚性支出，"
        "核算家庭收入时可按规定适当扣减"),
    "employment_cost_ratio": RuleSpec(
        "就业成本扣减比例（占月低保标准）", Decimal, "0.3",
        "无全国统一规定：由县级民政部门确定，本系统默认月低保标准的30%。审核确认办法：必要的就业成本，"
        "核算家庭收入时可按规定适当扣减"),
    "deduct_other_expenditure": RuleSpec(
        "扣减县级规定的其他刚性支出", bool, False,
        "无全国统一规定：由县级民政部门确定是否扣减其他刚性支出，本系统默认不扣减"),
    "near_threshold_ratio": RuleSpec(
        "低保边缘（低收入）倍数", Decimal, "1.5",
        "低收入人口认定（民政部）：低保边缘家庭人均收入一般低于当地低保标准的1.5倍，具体倍数由地方规定"),
    "care_subsidy_monthly": RuleSpec(
        "失能护理补贴（元/人·月）", Decimal, "300",
        "无全国统一规定：由县级民政部门确定，本系统默认300元/人·月（城镇低保家庭中完全失能的重病、重残人员）"),
    "tekun_basic_ratio": RuleSpec(
        "特困人员基本生活标准（低保标准的倍数）", Decimal, "1.3",
        "国发〔2016〕14号；各省规定，通常不低于当地低保标准的1.3倍"),
    "benefit_rounding": RuleSpec(
        "保障金额取整方式", ("fen", "yuan_up", "yuan_half_up"), "fen",
        "由各地规定：fen 保留到分，yuan_up 进到元，yuan_half_up 四舍五入到元"),
    # --- the verification limits (DESIGN §5; seed 001 §(四) 政策解读3) ------------------
    "financial_assets_limit_months": RuleSpec(
        "人均金融资产上限（月低保标准的倍数）", int, 24,
        "无全国统一值：默认24个月低保标准，区县应按本地规定设置"),
    "vehicles_allowed": RuleSpec(
        "允许拥有的机动车数量", int, 0, "各地规定；默认名下有机动车即预警"),
    "dwellings_allowed": RuleSpec(
        "允许拥有的住房套数", int, 1, "各地规定；默认多于1套住房即预警"),
    "business_allowed": RuleSpec(
        "允许存续的工商登记", bool, False, "各地规定；默认有存续的经营主体即预警"),
    "finding_tolerance_ratio": RuleSpec(
        "核对比对容差（高于申报的比例）", Decimal, "0.1",
        "本系统默认10%，区县可调整：查得收入或存款高于申报超过该比例即预警"),
    # --- district supervision (DESIGN §4 rule 7; seed 001 §(六); TK §16) -----------------
    **{f"spot_check_ratio_{code}": RuleSpec(
        f"抽查比例：{label}（0–1）", Decimal, national, source, minimum=minimum, maximum="1")
       for code, label, national, source, minimum in [
        ("dibao", "最低生活保障", "0.1", "无全国统一比例：本系统默认10%，区县应按本地规定设置", None),
        ("tekun", "特困人员救助供养", "0.3", "特困人员认定办法第十六条：抽查比例不低于30%", "0.3"),
        ("kunbu", "生活困难补助", "0.1", "本系统默认10%，区县应按本地规定设置", None),
        ("low_income", "低收入家庭救助", "0.1", "本系统默认10%，区县应按本地规定设置", None),
        ("edu_freshman", "高等教育新生入学救助", "0.1", "本系统默认10%，区县应按本地规定设置", None),
        ("heating", "采暖救助", "0.1", "本系统默认10%，区县应按本地规定设置", None),
        ("temporary", "临时救助", "0.1", "本系统默认10%，区县应按本地规定设置", None),
    ]},
    "rectification_days": RuleSpec(
        "整改时限（工作日）", int, 15, "无全国统一时限：本系统默认15个工作日，区县可调整"),
    "roster_due_day": RuleSpec(
        "每月报送上月救助对象名册的截止日", int, 10,
        "无全国统一规定：按月向县级民政部门报送救助对象名单和发放金额，截止日由县级民政部门确定，本系统默认10日",
        minimum=1, maximum=28),
    # --- one-door intake (seed 002 四(二); seed 004 §二(三)1 限时办理; SL §50) ------------
    "intake_disposal_days": RuleSpec(
        "窗口登记后分项处置时限（工作日）", int, 3,
        "无全国统一规定：由县级民政部门确定，本系统默认3个工作日内受理、转办或转介"),
    "handover_feedback_days": RuleSpec(
        "转办、转介后书面反馈时限（工作日）", int, 10,
        "无全国统一规定：由县级民政部门确定，本系统默认10个工作日内由承办单位书面反馈"),
    "urgent_aid_limit": RuleSpec(
        "先行救助限额（元/次）", Decimal, None,
        "社会救助法第五十条：小额、紧急的先行救助，限额由地方规定（无全国统一值）"),
    # --- after the decision: reviews, changes, exit (DB §31–34; SL §48; TK §21–23) --------
    "review_months_stable": RuleSpec(
        "定期核查周期：收入稳定家庭、特困人员（月）", int, 12,
        "审核确认办法第三十一条：对家庭成员收入来源较为固定、稳定的家庭和特困人员，每年核查一次",
        minimum=1, maximum=12),
    "review_months_irregular": RuleSpec(
        "定期核查周期：收入不固定或有劳动能力成员的家庭（月）", int, 6,
        "审核确认办法第三十一条：对收入来源不固定、家庭成员有劳动能力的家庭，每半年核查一次",
        minimum=1, maximum=12),
    "review_after_change_months": RuleSpec(
        "家庭成员死亡或报告变化后完成核查（月）", int, 3,
        "审核确认办法第三十一条：家庭人口、收入、财产状况发生变化的，及时核查（死亡：3个月内）",
        minimum=1, maximum=6),
    "review_open_days_before": RuleSpec(
        "定期核查提前开始（天）", int, 30,
        "无全国统一值：本系统默认在到期前30天列入待核查", maximum=90),
    "working_age_from": RuleSpec(
        "劳动年龄下限（周岁）", int, 16, "劳动法第十五条：禁止招用未满十六周岁的未成年人"),
    "working_age_to": RuleSpec(
        "劳动年龄上限（周岁，不含）", int, 60,
        "国发〔1978〕104号：法定退休年龄男60周岁（各地可按渐进式延迟退休规定调整）"),
    "gradual_exit_months": RuleSpec(
        "渐退期（月）", int, 6,
        "审核确认办法第三十三条：因就业收入超过标准的，可给予渐退期，一般不超过6个月",
        minimum=1, maximum=6),
    "change_effective_months": RuleSpec(
        "增发、减发、停发自决定后第几个月起生效", int, 1,
        "审核确认办法第三十二条：自作出决定的次月起（各地规定）", minimum=0, maximum=2),
    "work_refusals_before_cut": RuleSpec(
        "无正当理由拒绝就业累计几次后减发本人部分", int, 3,
        "审核确认办法第三十四条；社会救助暂行办法第四十五条：连续3次拒绝", minimum=1),
    "self_care_reassessment_days": RuleSpec(
        "自理能力变化后重新评估（工作日）", int, 10,
        "特困人员认定办法第二十二条：自理能力发生变化的，应在10个工作日内重新评估"),
    "tekun_care_full": RuleSpec(
        "特困人员照料护理标准：完全失能（元/月）", Decimal, None,
        "特困人员认定办法第二十一至二十三条；标准由地方确定（无全国统一值）"),
    "tekun_care_partial": RuleSpec(
        "特困人员照料护理标准：部分失能（元/月）", Decimal, None,
        "特困人员认定办法第二十一至二十三条；标准由地方确定（无全国统一值）"),
    "urgent_paperwork_days": RuleSpec(
        "先行救助后补办手续时限（工作日）", int, 10,
        "社会救助法第五十条：救助后补齐手续；时限由地方规定，本系统默认10个工作日"),
    # --- integrity (seed 001 §(二) 2 and its reading note 3) ----------------------------
    "prompt_repayment_days": RuleSpec(
        "及时退还骗取资金的期限（区级认定后天数）", int, 30,
        "无全国统一规定：及时退还骗取资金的期限由县级民政部门确定，本系统默认区级认定后30日", minimum=1),
}
