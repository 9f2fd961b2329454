"""The benefit calculation (DESIGN §5; DB §12–13).

Monthly per-capita income = (counted income − allowed rigid expenditures) ÷ members,
every figure per month:

- an income row's monthly value is its amount ÷ the months it covers;
- a rigid expenditure counts when it fell within the window before the application
  date (rule `expenditure_window_months`, 12 by default) and is spread over that window;
- rehabilitation is capped per person per window (`rehabilitation_cap_yearly`);
- the employment cost is `employment_cost_ratio` × the standard per employed member who
  is a new graduate, released from prison or discharged from the military;
- the deductions add up (note 5(6)), and income after them is never below zero.

Eligibility for 低保 is income strictly *below* the standard (SL §9, DB §3: 低于当地
最低生活保障标准): a household exactly at the standard is not eligible, and its gap
would be zero anyway. The benefit is the gap (补差) × members, computed once as
standard × members − net income and only then rounded as the region's rule says.

Every decision (below the standard, near the threshold, the asset limit) is exact: the
monthly figures are fractions (12,000 ÷ 36 months stays 1,000/3, not 333.33 or
333.333…3), and "net ÷ members < line" is judged as "net < line × members", so a
per-capita figure like 999.996… is never rounded up to 1,000.00 before it is judged.
The figures in the lines are rounded to the fen for reading only.

Tuition for self-paid study abroad and the employer's or the government's share of a
pension contribution are never deducted (note 5(3)(4)); the entry form refuses them, and
a row that says so anyway is listed as 不扣减 with the reason.

`calculate` is a pure function of plain facts and a dict of rule values, so the tests
can check it by hand; `cases.benefit_facts` reads a household into those facts. The result
is an itemised explanation that is stored with the decision (cases.services).
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from accounts.rule_specs import RULES
from cases.benefit_facts import Expense, Facts, Person
from cases.benefit_result import (  # noqa: F401 - callers read the result from here
    Calculation,
    Line,
    _cents,
    _decimal,
    _round_benefit,
)
from households.models import Asset, Expenditure, Household, Member, not_deductible

CENT = Decimal("0.01")
ROUNDING_LABELS = {"fen": "保留到分", "yuan_up": "进到元", "yuan_half_up": "四舍五入到元"}
ZERO = Decimal("0")

EMPLOYMENT_COST_GROUPS = {Member.EmploymentGroup.NEW_GRADUATE,
                          Member.EmploymentGroup.RELEASED_PRISONER,
                          Member.EmploymentGroup.DISCHARGED_MILITARY}
WORKING = {Member.Employment.EMPLOYED, Member.Employment.FLEXIBLE}
SEVERE_DISABILITY = {Member.Disability.GRADE_1, Member.Disability.GRADE_2}
# Types whose monthly amount is the dibao gap, the tekun basic standard, or the care
# subsidy alone; the others are decided by their own local scales.
# Seed 001 (三) also names urban *expenditure-type* low-income families; the system does
# not yet know which low-income families are expenditure-type, so the line for them is a
# note for the caseworker (see _eligibility).
CARE_SUBSIDY_TYPES = {"dibao"}
MONTHS_PER_YEAR = 12
# Categories whose rows say which part they are (note 5(3)(4)): the Expense field that
# says it, its name, its choices, and what to do with a row that did not say.
PARTS = {
    "education": ("schooling", "就读类型", Expenditure.Schooling,
                  "如属自费出国就读、留学，应删除该笔支出"),
    "pension": ("pension_share", "缴费部分", Expenditure.PensionShare,
                "如含单位缴费或政府补贴部分，应删除后只登记个人缴费"),
}
FINANCIAL_ASSETS = {Asset.Kind.DEPOSIT, Asset.Kind.SECURITIES}

SRC_DB13 = "审核确认办法第十三条"
# A line that applies a rule cites that rule's source as in force where the case is
# (accounts.rules.rule_sources, passed in rules["_sources"]): a district's own document
# for its own row, the national rule otherwise. Medical, tuition and pension deductions
# and the window cite the window's rule.
WINDOW = "expenditure_window_months"


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # Clamp the day to the month's length (31 March − 1 month = 28/29 February).
    for candidate in range(day.day, 27, -1):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    return datetime.date(year, month, min(day.day, 28))


def _source(rules: dict, key: str) -> str:
    """The citation of rule `key`: rules["_sources"][key] (accounts.rules.rule_sources for
    the case's region), else the national spec's source."""
    return (rules.get("_sources") or {}).get(key) or RULES[key].source


def calculate(facts: Facts, assistance_type: str, rules: dict, applied_on: datetime.date,
              as_of: datetime.date | None = None) -> Calculation:
    """The itemised calculation for one household; `rules` is accounts.rules.rule_values,
    with the citations of accounts.rules.rule_sources under "_sources" (without them, the
    lines cite the national sources)."""
    as_of = as_of or applied_on
    calc = Calculation(assistance_type=assistance_type, as_of=as_of.isoformat(),
                       members=len(facts.people))
    urban = facts.residence == Household.Residence.URBAN
    standard_key = "dibao_standard_urban" if urban else "dibao_standard_rural"
    standard = rules.get(standard_key)
    if standard is None:
        calc.problems.append(f"本地未设置{'城市' if urban else '农村'}低保标准，无法测算。"
                             "请区民政局在“规则参数”中设置。")
        return calc
    if not facts.people:
        calc.problems.append("家庭没有登记成员，无法测算。")
        return calc
    calc.standard = str(standard)
    calc.add(f"{'城市' if urban else '农村'}低保标准", standard, "元/人·月，本地规定",
             _source(rules, standard_key), "info")

    income = _income(calc, facts)
    deductions = _deductions(calc, facts, rules, standard, applied_on)
    # Exact from here on: the net income a month, never below zero, is what is judged.
    net = max(Fraction(0), income - deductions)
    members = len(facts.people)
    calc.income, calc.deductions = str(_cents(income)), str(_cents(deductions))
    calc.per_capita = str(_cents(net / members))  # for reading; decisions use `net`
    calc.add("家庭月人均收入", net / members,
             f"（月收入{_cents(income)} − 月扣减{_cents(deductions)}）÷ {members}人；"
             "显示保留到分，按实际数值判断",
             "审核确认办法第十二条", "result")

    ratio = rules["near_threshold_ratio"]
    near_line = standard * ratio
    calc.near_threshold = (not _below(net, standard, members)) and _below(net, near_line, members)
    if calc.near_threshold:
        calc.add("低保边缘", None,
                 f"人均收入不低于低保标准，但低于标准的{ratio}倍（{_cents(near_line)}元）",
                 _source(rules, "near_threshold_ratio"), "warning")
    assets_ok = _asset_limits(calc, facts, rules, standard)
    _eligibility(calc, facts, assistance_type, net, standard, near_line, assets_ok, rules)
    return calc


def _below(net: Fraction, line: Decimal, members: int) -> bool:
    """Per-capita income (net ÷ members) below a per-person line, judged without rounding."""
    return net < Fraction(line) * members


def _income(calc: Calculation, facts: Facts) -> Fraction:
    total = Fraction(0)
    for earning in facts.earnings:
        who = earning.person or "家庭"
        monthly = Fraction(earning.amount) / earning.months
        if earning.counted:
            total += monthly
            calc.add(f"收入：{who}·{earning.category}", monthly,
                     f"{earning.amount}元 ÷ {earning.months}个月", earning.source, "income")
        else:
            calc.add(f"不计入收入：{who}·{earning.category}", ZERO,
                     f"{earning.amount}元不计入家庭收入", earning.source or SRC_DB13, "excluded")
    return total


def _deductions(calc: Calculation, facts: Facts, rules: dict, standard: Decimal,
                applied_on: datetime.date) -> Fraction:
    window = rules["expenditure_window_months"]
    since = _months_before(applied_on, window)
    cap = rules["rehabilitation_cap_yearly"]
    total = Fraction(0)
    in_window, outside = [], []
    for expense in facts.expenses:
        # One year back from the application date, that day excluded: 12 months exactly.
        (in_window if since < expense.incurred_on <= applied_on else outside).append(expense)
    if outside:
        calc.add("不在计算期内的支出", ZERO,
                 f"{len(outside)}笔支出不在{since:%Y-%m-%d}（不含）至{applied_on:%Y-%m-%d}之间，不扣减",
                 _source(rules, WINDOW), "excluded")

    by_category: dict[str, list[Expense]] = {}
    for expense in in_window:
        by_category.setdefault(expense.category, []).append(expense)
    simple = {"medical", "education", "pension"}
    for code, expenses in by_category.items():
        label = expenses[0].label
        if code in PARTS:
            expenses = _deductible_parts(calc, code, label, expenses, _source(rules, WINDOW))
            if not expenses:
                continue
        spent = sum((e.amount for e in expenses), ZERO)
        if code in simple:
            # Medical costs are spread over the window they were gathered in; tuition and
            # pension contributions are yearly amounts.
            months = window if code == "medical" else MONTHS_PER_YEAR
            amount = Fraction(spent) / months
            total += amount
            calc.add(f"扣减：{label}", amount, f"申请前{window}个月内合计{spent}元 ÷ {months}个月",
                     _source(rules, WINDOW), "deduction")
        elif code == "rehabilitation":
            per_person: dict[tuple, Decimal] = {}
            for e in expenses:
                per_person[(e.person_key, e.person)] = per_person.get((e.person_key, e.person),
                                                                      ZERO) + e.amount
            for (_key, name), spent_person in per_person.items():
                allowed = min(spent_person, cap)
                amount = Fraction(allowed) / MONTHS_PER_YEAR
                total += amount
                over = f"，超过上限按{cap}元计" if spent_person > cap else ""
                calc.add(f"扣减：{label}（{name or '家庭'}）", amount,
                         f"合计{spent_person}元{over}，÷ {MONTHS_PER_YEAR}个月",
                         _source(rules, "rehabilitation_cap_yearly"),
                         "deduction")
        elif rules["deduct_other_expenditure"]:
            amount = Fraction(spent) / MONTHS_PER_YEAR
            total += amount
            calc.add(f"扣减：{label}", amount, f"合计{spent}元 ÷ {MONTHS_PER_YEAR}个月（县级规定）",
                     _source(rules, "deduct_other_expenditure"), "deduction")
        else:
            calc.add(f"不扣减：{label}", ZERO, f"合计{spent}元；本地未规定其他刚性支出",
                     _source(rules, "deduct_other_expenditure"), "excluded")

    ratio = rules["employment_cost_ratio"]
    employment_source = _source(rules, "employment_cost_ratio")
    for person in facts.people:
        if person.employment not in WORKING:
            if person.employment_group in EMPLOYMENT_COST_GROUPS:
                calc.add(f"不扣减就业成本：{person.name}", ZERO, "属于可扣减人群但未就业",
                         employment_source, "excluded")
            continue
        if person.employment_group in EMPLOYMENT_COST_GROUPS:
            amount = standard * ratio
            total += Fraction(amount)
            calc.add(f"扣减：就业成本（{person.name}）", amount,
                     f"低保标准{standard} × {ratio}", employment_source, "deduction")
        else:
            calc.add(f"不扣减就业成本：{person.name}", ZERO,
                     "仅限应届毕业生、刑满释放人员、退役军人", employment_source, "excluded")
    return total


def _deductible_parts(calc: Calculation, code: str, label: str, expenses: list[Expense],
                      source: str) -> list[Expense]:
    """The tuition or pension rows that may be deducted. A part that never is (self-paid
    study abroad; the employer's or the government's share) is listed as 不扣减 with the
    reason; a row entered before the part was asked is deducted as before, with a
    warning to check it."""
    field, what, choices, advice = PARTS[code]
    kept = []
    for e in expenses:
        reason = not_deductible(code, e.schooling, e.pension_share)
        if reason:
            part = choices(getattr(e, field)).label
            calc.add(f"不扣减：{label}（{e.person or '家庭'}·{part}）", ZERO,
                     f"{e.amount}元；{reason}", source, "excluded")
        else:
            kept.append(e)
    unknown = sum(1 for e in kept if not getattr(e, field))
    if unknown:
        calc.add(f"请核实：{label}", None, f"{unknown}笔登记时未注明{what}，已按可扣减计；{advice}",
                 source, "warning")
    return kept


def _asset_limits(calc: Calculation, facts: Facts, rules: dict, standard: Decimal) -> bool:
    """Declared assets against the region's limits; the verification report checks the
    same limits against what other departments hold."""
    ok = True
    financial = sum((h.value for h in facts.holdings if h.kind in FINANCIAL_ASSETS), ZERO)
    limit = standard * rules["financial_assets_limit_months"]
    per_capita = _cents(financial / len(facts.people))  # for reading; judged exactly below
    if financial > limit * len(facts.people):
        ok = False
        calc.add("财产：人均金融资产超过上限", per_capita,
                 f"申报存款和有价证券人均{per_capita}元，上限为{rules['financial_assets_limit_months']}"
                 f"个月低保标准（{_cents(limit)}元）", _source(rules, "financial_assets_limit_months"),
                 "warning")
    for kind, key, what in ((Asset.Kind.VEHICLE, "vehicles_allowed", "机动车"),
                            (Asset.Kind.REAL_ESTATE, "dwellings_allowed", "住房")):
        count = sum(h.quantity for h in facts.holdings if h.kind == kind)
        if count > rules[key]:
            ok = False
            calc.add(f"财产：{what}超过规定", None, f"申报{count}（允许{rules[key]}）",
                     _source(rules, key), "warning")
    if not rules["business_allowed"] and any(h.kind == Asset.Kind.BUSINESS for h in facts.holdings):
        ok = False
        calc.add("财产：有工商登记的经营实体", None, "本地规定有经营实体的不符合条件",
                 _source(rules, "business_allowed"), "warning")
    return ok


def _eligibility(calc: Calculation, facts: Facts, assistance_type: str, net: Fraction,
                 standard: Decimal, near_line: Decimal, assets_ok: bool, rules: dict) -> None:
    below = _below(net, standard, calc.members)
    if assistance_type == "dibao":
        calc.eligible = below and assets_ok
        if calc.eligible:
            # (standard − net ÷ members) × members, computed once and rounded once.
            gap = Fraction(standard) * calc.members - net
            benefit = _round_benefit(_decimal(gap), rules["benefit_rounding"])
            calc.add("低保金（补差）", benefit,
                     f"{standard} × {calc.members}人 − {_cents(net)}"
                     f"（低保标准 × 人数 − 扣减后家庭月收入），"
                     f"{ROUNDING_LABELS[rules['benefit_rounding']]}",
                     "社会救助暂行办法第十条：按家庭人均收入低于当地低保标准的差额发放", "result")
        else:
            benefit = ZERO
            why = "人均收入不低于低保标准" if not below else "财产超过规定"
            calc.add("不符合低保条件", ZERO, why, "审核确认办法第三条", "result")
        calc.benefit = str(benefit)
    elif assistance_type == "low_income":
        near = _below(net, near_line, calc.members)
        calc.eligible = near and assets_ok
        calc.add("低收入家庭认定", None,
                 f"人均收入{'低于' if near else '不低于'}低保标准的"
                 f"{rules['near_threshold_ratio']}倍（{_cents(near_line)}元）",
                 _source(rules, "near_threshold_ratio"), "result")
        if facts.residence == Household.Residence.URBAN and any(_fully_dependent(p)
                                                                 for p in facts.people):
            calc.add("失能护理补贴", None,
                     f"如认定为支出型贫困低收入家庭，完全失能的重病、重残成员每人每月"
                     f"{rules['care_subsidy_monthly']}元，由经办人核定",
                     _source(rules, "care_subsidy_monthly"), "info")
        return  # no cash formula: the amount is the caseworker's
    elif assistance_type == "tekun":
        calc.eligible = below and assets_ok
        basic = _cents(standard * rules["tekun_basic_ratio"]) if calc.eligible else ZERO
        calc.benefit = str(basic)
        calc.add("特困人员基本生活费", basic,
                 f"低保标准{standard} × {rules['tekun_basic_ratio']}（按申请人一人计）；"
                 "照料护理费按自理能力另定；另须核实无劳动能力、无生活来源、无法定义务人或其无履行能力",
                 _source(rules, "tekun_basic_ratio"), "result")
    else:
        calc.add("金额", None, "该类别不按人均收入补差，按本地标准确定金额", "", "info")
        return
    care = _care_subsidy(calc, facts, assistance_type, rules) if calc.eligible else ZERO
    calc.care_subsidy = str(care)
    calc.total = str(Decimal(calc.benefit) + care)
    calc.add("每月合计", Decimal(calc.total), "保障金额 + 失能护理补贴", "", "result")


def _care_subsidy(calc: Calculation, facts: Facts, assistance_type: str, rules: dict) -> Decimal:
    """Seed 001 §(三): 300 a month for each fully disabled, seriously ill or severely
    disabled member of an urban dibao family."""
    if assistance_type not in CARE_SUBSIDY_TYPES or facts.residence != Household.Residence.URBAN:
        return ZERO
    amount = rules["care_subsidy_monthly"]
    total = ZERO
    for person in facts.people:
        if _fully_dependent(person):
            total += amount
            calc.add(f"失能护理补贴（{person.name}）", amount, "完全失能的重病、重残人员，每人每月",
                     _source(rules, "care_subsidy_monthly"), "subsidy")
    return total


def _fully_dependent(person: Person) -> bool:
    severe = person.health == Member.Health.SERIOUS or person.disability in SEVERE_DISABILITY
    return person.self_care == Member.SelfCare.FULL and severe
