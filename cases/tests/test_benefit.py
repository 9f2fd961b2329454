"""The benefit calculation, checked against examples worked by hand.

Every example uses an urban standard of 1,000 yuan a month (rural 800) and the national
defaults otherwise: rehabilitation cap 3,000 a year, employment cost 30 % of the
standard, near-threshold 1.5 × standard, care subsidy 300, expenditure window 12 months,
financial assets up to 24 months of the standard per person, rounding to the fen.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Rule
from accounts.rules import RULES
from cases import selectors, services
from cases.benefit import _months_before, calculate
from cases.benefit_facts import Earning, Expense, Facts, Holding, Person, household_facts
from core.errors import ServiceError
from households import services as household_services
from households.models import Expenditure, ExpenditureCategory, Income, IncomeCategory

D = Decimal
APPLIED = datetime.date(2026, 6, 15)
IN_WINDOW = datetime.date(2026, 1, 10)


def rules(**overrides):
    values = {key: (D(str(spec.national)) if spec.kind is Decimal and spec.national is not None
                    else spec.national) for key, spec in RULES.items()}
    values.update(dibao_standard_urban=D("1000"), dibao_standard_rural=D("800"))
    values.update(overrides)
    return values


def people(*names, **attrs_by_name):
    return tuple(Person(key=i, name=name, **attrs_by_name.get(name, {}))
                 for i, name in enumerate(names, start=1))


def wage(person, amount, months=12, counted=True, category="工资性收入"):
    return Earning(person=person, category=category, counted=counted, amount=D(amount),
                   months=months)


def expense(category, amount, *, person_key=None, person="", on=IN_WINDOW, schooling=None,
            pension_share=None):
    """A rigid expenditure as the entry form records it now: tuition at a domestic school
    and the person's own pension contribution unless said otherwise ("" = not recorded)."""
    labels = {"medical": "医疗费用", "rehabilitation": "康复费用", "education": "学费",
              "pension": "养老保险个人缴费", "other": "其他刚性支出"}
    if schooling is None:
        schooling = "domestic" if category == "education" else ""
    if pension_share is None:
        pension_share = "personal" if category == "pension" else ""
    return Expense(person_key=person_key, person=person, category=category,
                   label=labels[category], amount=D(amount), incurred_on=on, schooling=schooling,
                   pension_share=pension_share)


def calc(facts, kind="dibao", **rule_overrides):
    return calculate(facts, kind, rules(**rule_overrides), APPLIED)


def test_plain_gap_is_computed_from_the_unrounded_per_capita_income():
    # 3 people; one wage of 12,000 over 12 months → 1,000 a month.
    # per capita = 1,000 ÷ 3 = 333.333…, shown as 333.33;
    # gap = 1,000 × 3 − 1,000 = 2,000 exactly (not (1,000 − 333.33) × 3 = 2,000.01).
    facts = Facts("urban", people("甲", "乙", "丙"), earnings=(wage("甲", "12000"),))
    result = calc(facts)
    assert result.per_capita == "333.33"
    assert result.eligible is True
    assert result.benefit == "2000.00" and result.total == "2000.00"
    # Nothing to round up: 2,000 stays 2,000 when the region rounds up to the yuan.
    assert calc(facts, benefit_rounding="yuan_up").benefit == "2000.00"


def test_three_people_with_2800_net_get_exactly_200():
    # 3 people, standard 1,000; wage 33,600 / 12 = 2,800 a month.
    # per capita 933.333…; gap = 1,000 × 3 − 2,800 = 200 (a rounded 933.33 would give 200.01).
    facts = Facts("urban", people("甲", "乙", "丙"), earnings=(wage("甲", "33600"),))
    result = calc(facts, benefit_rounding="fen")
    assert result.eligible is True
    assert result.per_capita == "933.33"
    assert result.benefit == "200.00" and result.total == "200.00"
    gap = next(line for line in result.lines if line.item == "低保金（补差）")
    assert gap.rule.startswith("1000 × 3人 − 2800.00") and "保留到分" in gap.rule
    assert gap.source.startswith("社会救助暂行办法第十条")


def test_one_fen_below_the_standard_in_total_is_eligible_though_it_shows_as_1000():
    # 3 people; wage 35,999.88 / 12 = 2,999.99 a month; per capita 999.99666… < 1,000,
    # shown as 1,000.00 (a rounded figure would have judged it not below the standard).
    # gap = 3,000 − 2,999.99 = 0.01.
    facts = Facts("urban", people("甲", "乙", "丙"), earnings=(wage("甲", "35999.88"),))
    result = calc(facts, benefit_rounding="fen")
    assert result.per_capita == "1000.00"
    assert result.eligible is True
    assert result.benefit == "0.01"
    assert result.near_threshold is False
    # 3,000 a month: exactly at the standard, not eligible.
    at = calc(Facts("urban", facts.people, earnings=(wage("甲", "36000"),)), benefit_rounding="fen")
    assert at.eligible is False and at.benefit == "0"


def test_monthly_figures_that_do_not_divide_evenly_still_add_up_exactly():
    # 3 people: a wage of 24,000 a year (2,000 a month) and three incomes of 4,000 a year
    # (333.333… a month each): 3,000 a month exactly, so at the standard. Added in this
    # order as decimals to 28 digits they come to 2,999.999…9, and rounded up to the yuan
    # the gap would pay 1 yuan to a household that is not eligible.
    facts = Facts("urban", people("甲", "乙", "丙"),
                  earnings=(wage("甲", "24000"), *(wage(name, "4000") for name in "甲乙丙")))
    result = calc(facts, benefit_rounding="yuan_up")
    assert result.income == "3000.00"
    assert result.eligible is False and result.benefit == "0"


@pytest.mark.parametrize("rounding, benefit", [
    ("fen", "166.17"), ("yuan_up", "167.00"), ("yuan_half_up", "166.00")])
def test_the_gap_is_rounded_once_as_the_region_says(rounding, benefit):
    # 1 person; wage 10,006 / 12 = 833.8333… a month; gap = 1,000 − 833.8333… = 166.1666…
    facts = Facts("urban", people("甲"), earnings=(wage("甲", "10006"),))
    result = calc(facts, benefit_rounding=rounding)
    assert result.benefit == benefit == result.total
    line = next(line for line in result.lines if line.item == "低保金（补差）")
    assert line.amount == benefit and line.rule.startswith("1000 × 1人 − 833.83")


@pytest.mark.parametrize("rounding, benefit", [
    ("fen", "199.50"), ("yuan_up", "200.00"), ("yuan_half_up", "200.00")])
def test_half_a_yuan_is_rounded_up(rounding, benefit):
    # 2 people; wage 21,606 / 12 = 1,800.50; gap = 2,000 − 1,800.50 = 199.50.
    facts = Facts("urban", people("甲", "乙"), earnings=(wage("甲", "21606"),))
    assert calc(facts, benefit_rounding=rounding).benefit == benefit


def test_rehabilitation_over_the_cap_counts_only_the_cap():
    # 2 people; wage 24,000 / 12 = 2,000 a month.
    # rehabilitation 4,800 for 乙 within the year → capped at 3,000 → 3,000 / 12 = 250.
    # net = 2,000 − 250 = 1,750; per capita 875; gap = (1,000 − 875) × 2 = 250.
    facts = Facts("urban", people("甲", "乙"), earnings=(wage("甲", "24000"),),
                  expenses=(expense("rehabilitation", "3000", person_key=2, person="乙"),
                            expense("rehabilitation", "1800", person_key=2, person="乙")))
    result = calc(facts)
    assert result.deductions == "250.00"
    assert result.per_capita == "875.00"
    assert result.benefit == "250.00"
    line = next(line for line in result.lines if "康复" in line.item)
    assert "超过上限按3000元计" in line.rule and line.amount == "250.00"


def test_rehabilitation_cap_is_per_person():
    # Two disabled members, 3,600 and 1,200: min(3,600, 3,000) + 1,200 = 4,200 → 350 a month.
    # wage 18,000 / 12 = 1,500; net 1,150; per capita 575; gap (1,000 − 575) × 2 = 850.
    facts = Facts("urban", people("甲", "乙"), earnings=(wage("甲", "18000"),),
                  expenses=(expense("rehabilitation", "3600", person_key=1, person="甲"),
                            expense("rehabilitation", "1200", person_key=2, person="乙")))
    result = calc(facts)
    assert result.deductions == "350.00"
    assert result.benefit == "850.00"


def test_employment_cost_for_an_eligible_member():
    # 2 people; 甲 is a new graduate in work earning 18,000 / 12 = 1,500 a month.
    # employment cost = 30 % × 1,000 = 300; net 1,200; per capita 600; gap (1,000 − 600) × 2 = 800.
    facts = Facts("urban", people("甲", "乙", 甲={"employment": "employed",
                                                  "employment_group": "new_graduate"}),
                  earnings=(wage("甲", "18000"),))
    result = calc(facts)
    assert result.deductions == "300.00"
    assert result.per_capita == "600.00"
    assert result.benefit == "800.00"


def test_employment_cost_refused_to_an_ineligible_member():
    # Same household, but 甲 belongs to none of the three groups: no deduction.
    # per capita = 1,500 / 2 = 750; gap (1,000 − 750) × 2 = 500.
    # 乙 was released from prison but has no work: no deduction either.
    facts = Facts("urban", people("甲", "乙", 甲={"employment": "employed"},
                                 乙={"employment_group": "released_prisoner"}),
                  earnings=(wage("甲", "18000"),))
    result = calc(facts)
    assert result.deductions == "0.00"
    assert result.benefit == "500.00"
    refused = [line.item for line in result.lines if line.kind == "excluded"]
    assert "不扣减就业成本：甲" in refused and "不扣减就业成本：乙" in refused


def test_several_deductions_add_up():
    # 4 people. Income: wage 36,000/12 = 3,000 + business 6,000/12 = 500 → 3,500 a month.
    # Deductions a month: medical 6,000/12 = 500; tuition 4,800/12 = 400;
    # pension 1,200/12 = 100; rehabilitation 2,400 (under the cap)/12 = 200;
    # employment cost of 丁, a discharged soldier in work: 0.3 × 1,000 = 300.
    # total 1,500; net 2,000; per capita 500; gap (1,000 − 500) × 4 = 2,000.
    facts = Facts(
        "urban",
        people("甲", "乙", "丙", "丁", 丁={"employment": "flexible",
                                         "employment_group": "discharged_military"}),
        earnings=(wage("甲", "36000"), wage("丁", "6000", category="经营净收入")),
        expenses=(expense("medical", "6000"), expense("education", "4800"),
                  expense("pension", "1200"), expense("rehabilitation", "2400", person_key=2,
                                                      person="乙")))
    result = calc(facts)
    assert result.income == "3500.00"
    assert result.deductions == "1500.00"
    assert result.per_capita == "500.00"
    assert result.benefit == "2000.00"
    assert len([line for line in result.lines if line.kind == "deduction"]) == 5


def test_income_the_rules_do_not_count():
    # 2 people. Counted: wage 12,000/12 = 1,000. Not counted (DB §13): scholarship 6,000,
    # 优待抚恤金 2,400. per capita 1,000 / 2 = 500; gap (1,000 − 500) × 2 = 1,000.
    facts = Facts("urban", people("甲", "乙"), earnings=(
        wage("甲", "12000"), wage("乙", "6000", counted=False, category="奖学金"),
        wage("甲", "2400", counted=False, category="优待抚恤金")))
    result = calc(facts)
    assert result.income == "1000.00"
    assert result.benefit == "1000.00"
    assert [line.item for line in result.lines if line.kind == "excluded"] == [
        "不计入收入：乙·奖学金", "不计入收入：甲·优待抚恤金"]


def test_income_exactly_at_the_standard_is_not_eligible():
    # DB §3 and SL §9 say 低于 (below) the standard. 2 people, wage 24,000/12 = 2,000,
    # per capita 1,000 = the standard → not eligible; the gap would be 0 anyway.
    # It is, however, near the threshold (1,000 ≤ 1,000 < 1,500).
    facts = Facts("urban", people("甲", "乙"), earnings=(wage("甲", "24000"),))
    result = calc(facts)
    assert result.per_capita == "1000.00"
    assert result.eligible is False
    assert result.benefit == "0" and result.total == "0"
    assert result.near_threshold is True
    # One fen below the standard is eligible: 23,999.76/12 = 1,999.98 → 999.99 each,
    # gap (1,000 − 999.99) × 2 = 0.02.
    below = Facts("urban", people("甲", "乙"), earnings=(wage("甲", "23999.76"),))
    assert calc(below).eligible is True and calc(below).benefit == "0.02"


def test_the_near_threshold_line_is_judged_on_the_exact_per_capita_income():
    # 3 people; wage 53,999.88 / 12 = 4,499.99 a month; per capita 1,499.9966… < 1,500,
    # shown as 1,500.00: near the threshold, and a low-income household.
    facts = Facts("urban", people("甲", "乙", "丙"), earnings=(wage("甲", "53999.88"),))
    assert calc(facts).near_threshold is True
    assert calc(facts, kind="low_income").eligible is True
    # 4,500 a month is 1,500 each: neither.
    at = Facts("urban", facts.people, earnings=(wage("甲", "54000"),))
    assert calc(at).near_threshold is False
    assert calc(at, kind="low_income").eligible is False


def test_near_threshold_household():
    # 1 person, wage 14,400/12 = 1,200: above 1,000 but below 1.5 × 1,000 = 1,500.
    facts = Facts("urban", people("甲"), earnings=(wage("甲", "14400"),))
    dibao = calc(facts)
    assert dibao.eligible is False and dibao.near_threshold is True
    assert any(line.item == "低保边缘" for line in dibao.lines)
    low_income = calc(facts, kind="low_income")
    assert low_income.eligible is True
    assert low_income.total == ""  # no cash formula: the caseworker sets the amount
    # 1,500 exactly is no longer near the threshold.
    assert calc(Facts("urban", people("甲"), earnings=(wage("甲", "18000"),))).near_threshold is False


def test_care_subsidy_for_a_fully_disabled_member_of_an_urban_family():
    # 2 people; 乙 is grade-1 disabled and fully dependent. Pension 9,600/12 = 800 a month.
    # per capita 400; gap (1,000 − 400) × 2 = 1,200; care subsidy 300; total 1,500.
    disabled = {"disability": "1", "self_care": "full"}
    facts = Facts("urban", people("甲", "乙", 乙=disabled),
                  earnings=(wage("甲", "9600", category="转移净收入（养老金、赡养费等）"),))
    result = calc(facts)
    assert result.benefit == "1200.00"
    assert result.care_subsidy == "300"
    assert result.total == "1500.00"
    # The same family in the countryside gets no care subsidy (seed 001 §(三): 城镇):
    # per capita 400 against the rural 800: gap (800 − 400) × 2 = 800.
    rural = calc(Facts("rural", facts.people, earnings=facts.earnings))
    assert rural.total == "800.00" and rural.care_subsidy == "0"
    # Fully dependent but neither seriously ill nor severely disabled: no subsidy.
    mild = calc(Facts("urban", people("甲", "乙", 乙={"disability": "3", "self_care": "full"}),
                      earnings=facts.earnings))
    assert mild.total == "1200.00"


def test_expenses_outside_the_window_are_not_deducted():
    # Applied 2026-06-15: the window is the 12 months back, 2025-06-15 itself excluded.
    # Medical 3,000 on 2025-06-15 is outside; 1,200 on 2025-06-16 is inside → 1,200/12 = 100.
    # wage 14,400/12 = 1,200; net 1,100; 1 person; not below 1,000 → not eligible.
    facts = Facts("urban", people("甲"), earnings=(wage("甲", "14400"),),
                  expenses=(expense("medical", "3000", on=datetime.date(2025, 6, 15)),
                            expense("medical", "1200", on=datetime.date(2025, 6, 16))))
    result = calc(facts)
    assert result.deductions == "100.00"
    assert result.per_capita == "1100.00" and result.eligible is False


def test_a_longer_medical_window_spreads_medical_costs_only():
    # A region counts medical costs over 24 months: 4,800 → 200 a month. Tuition stays a
    # yearly amount: 2,400/12 = 200. wage 12,000/12 = 1,000; net 600; 1 person; gap 400.
    facts = Facts("urban", people("甲"), earnings=(wage("甲", "12000"),),
                  expenses=(expense("medical", "4800", on=datetime.date(2024, 12, 1)),
                            expense("education", "2400")))
    result = calc(facts, expenditure_window_months=24)
    assert result.deductions == "400.00" and result.benefit == "400.00"


def test_deductions_never_make_income_negative():
    # wage 2,400/12 = 200 a month; medical 12,000/12 = 1,000 a month → net max(0, −800) = 0.
    # 2 people; gap = (1,000 − 0) × 2 = 2,000.
    facts = Facts("urban", people("甲", "乙"), earnings=(wage("甲", "2400"),),
                  expenses=(expense("medical", "12000"),))
    result = calc(facts)
    assert result.per_capita == "0.00"
    assert result.benefit == "2000.00"


def test_other_expenditures_only_where_the_county_allows_them():
    # wage 12,000/12 = 1,000; other expenditure 2,400/12 = 200. 1 person.
    facts = Facts("urban", people("甲"), earnings=(wage("甲", "12000"),),
                  expenses=(expense("other", "2400"),))
    assert calc(facts).per_capita == "1000.00"  # not deducted: not eligible
    allowed = calc(facts, deduct_other_expenditure=True)
    assert allowed.per_capita == "800.00" and allowed.benefit == "200.00"


def test_tuition_abroad_and_the_employer_or_government_pension_share_are_not_deducted():
    # 2 people; wage 24,000 / 12 = 2,000 a month. Deducted: domestic tuition 2,400 / 12 =
    # 200 and 甲's own pension contribution 600 / 12 = 50 → net 1,750, per capita 875,
    # gap 2,000 − 1,750 = 250. Not deducted (note 5(3)(4)): 乙's tuition abroad 30,000,
    # the employer's 1,200 and the government's 360.
    facts = Facts("urban", people("甲", "乙"), earnings=(wage("甲", "24000"),), expenses=(
        expense("education", "2400", person_key=2, person="乙"),
        expense("education", "30000", person_key=2, person="乙", schooling="abroad"),
        expense("pension", "600", person_key=1, person="甲"),
        expense("pension", "1200", person_key=1, person="甲", pension_share="employer"),
        expense("pension", "360", person_key=1, person="甲", pension_share="government")))
    result = calc(facts)
    assert result.deductions == "250.00"
    assert result.benefit == "250.00"
    refused = {line.item: line for line in result.lines if line.kind == "excluded"}
    abroad = refused["不扣减：学费（乙·自费出国就读、留学）"]
    assert abroad.amount == "0.00" and "30000元" in abroad.rule
    assert "自费出国就读、留学的学费不在扣减范围内" in abroad.rule
    assert abroad.source == RULES["expenditure_window_months"].source
    for part in ("单位缴费", "政府补贴"):
        line = refused[f"不扣减：养老保险个人缴费（甲·{part}）"]
        assert "由政府补贴的部分或单位缴纳的部分不列入扣减范围" in line.rule
        assert line.source == RULES["expenditure_window_months"].source
    # Nothing deductible left in a category: no deduction line for it at all.
    only_abroad = calc(Facts("urban", facts.people, earnings=facts.earnings, expenses=(
        expense("education", "30000", person_key=2, person="乙", schooling="abroad"),)))
    assert only_abroad.deductions == "0.00"
    assert not [line for line in only_abroad.lines if line.kind == "deduction"]


def test_tuition_entered_before_the_school_was_asked_is_deducted_with_a_warning():
    # A row from before the form asked where the student studies: deducted as before
    # (2,400 / 12 = 200), and the calculation asks to check it.
    facts = Facts("urban", people("甲"), earnings=(wage("甲", "12000"),),
                  expenses=(expense("education", "2400", schooling=""),
                            expense("pension", "600", pension_share="")))
    result = calc(facts)
    assert result.deductions == "250.00"
    warnings = [line for line in result.lines if line.kind == "warning"]
    assert [line.item for line in warnings] == ["请核实：学费", "请核实：养老保险个人缴费"]
    assert "1笔登记时未注明就读类型" in warnings[0].rule
    assert "如属自费出国就读、留学，应删除该笔支出" in warnings[0].rule


def test_financial_assets_over_the_limit_make_the_household_ineligible():
    # 2 people, no income, deposits 60,000 → 30,000 each > 24 × 1,000 = 24,000.
    facts = Facts("urban", people("甲", "乙"), holdings=(Holding("deposit", D("60000")),))
    result = calc(facts)
    assert result.eligible is False and result.benefit == "0"
    # 48,000 → 24,000 each: at the limit passes; gap (1,000 − 0) × 2 = 2,000.
    assert calc(Facts("urban", facts.people, holdings=(Holding("deposit", D("48000")),))
                ).benefit == "2000.00"
    # 3 people, 72,000.01 → 24,000.0033… each: over the limit, though shown as 24,000.00.
    over = calc(Facts("urban", people("甲", "乙", "丙"),
                      holdings=(Holding("deposit", D("72000.01")),)))
    assert over.eligible is False
    assert any(line.item == "财产：人均金融资产超过上限" for line in over.lines)
    # A car fails the default limit of no vehicle.
    car = calc(Facts("urban", facts.people, holdings=(Holding("vehicle", D("20000")),)))
    assert car.eligible is False


def test_tekun_basic_living_standard():
    # 1 person, no income: 1.3 × 1,000 = 1,300 a month.
    result = calc(Facts("urban", people("甲")), kind="tekun")
    assert result.eligible is True and result.total == "1300.00"


def test_tekun_income_is_judged_on_the_exact_per_capita_income():
    # 3 people, 2,999.99 a month: 999.99666… each is below 1,000 though shown as 1,000.00.
    facts = Facts("urban", people("甲", "乙", "丙"), earnings=(wage("甲", "35999.88"),))
    assert calc(facts, kind="tekun").eligible is True
    at = Facts("urban", facts.people, earnings=(wage("甲", "36000"),))
    assert calc(at, kind="tekun").eligible is False


def test_types_without_a_formula_leave_the_amount_to_the_caseworker():
    result = calc(Facts("urban", people("甲")), kind="temporary")
    assert result.eligible is None and result.total == ""


def test_a_missing_standard_says_what_to_set():
    result = calculate(Facts("urban", people("甲")), "dibao",
                       rules(dibao_standard_urban=None), APPLIED)
    assert result.total == ""
    assert "未设置城市低保标准" in result.problems[0]


@pytest.mark.parametrize("day, months, expected", [
    (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
    (datetime.date(2026, 6, 15), 12, datetime.date(2025, 6, 15)),
    (datetime.date(2024, 2, 29), 12, datetime.date(2023, 2, 28)),
])
def test_window_start(day, months, expected):
    assert _months_before(day, months) == expected


# --- the calculation in the procedure -----------------------------------------------------


@pytest.fixture
def standard(regions):
    return Rule.objects.create(key="dibao_standard_urban", region=regions["district"],
                               value="1000", valid_from=datetime.date(2020, 1, 1))


@pytest.fixture
def earning_household(household, staff):
    # 1 person, wage 7,200 a year → 600 a month; gap (1,000 − 600) × 1 = 400.
    household_services.record_add(household=household, by=staff["caseworker_a"], model=Income,
                                  data={"member": household.members.get(), "months": 12,
                                        "category": IncomeCategory.objects.get(code="wage"),
                                        "amount": D("7200")})
    return household


def test_a_stored_row_marked_not_deductible_is_listed_but_not_deducted(household, staff):
    # A row that bypassed the entry form (e.g. written before the form refused such rows)
    # still computes correctly: 1 person, wage 7,200 → 600 a month; the employer's
    # pension share of 1,200 is not deducted, the person's own 240 is (20 a month).
    member = household.members.get()
    household_services.record_add(household=household, by=staff["caseworker_a"], model=Income,
                                  data={"member": member, "months": 12, "amount": D("7200"),
                                        "category": IncomeCategory.objects.get(code="wage")})
    pension = ExpenditureCategory.objects.get(code="pension")
    for share, amount in (("employer", "1200"), ("personal", "240")):
        Expenditure.objects.create(household=household, member=member, category=pension,
                                   amount=D(amount), incurred_on=IN_WINDOW, pension_share=share)
    result = calc(household_facts(household))
    assert result.deductions == "20.00"
    assert result.benefit == "420.00"  # 1,000 − (600 − 20)
    assert any(line.item == f"不扣减：{pension.name}（{member.name}·单位缴费）" for line in result.lines)


def test_the_proposal_and_the_decision_default_to_the_calculation(build, earning_household, standard,
                                                                   team):
    app = build.investigated(build.accepted())
    with pytest.raises(ServiceError, match=r"拟保障金额（500.00元）与测算结果（400.00元）不同"):
        services.application_propose(application=app, by=team["reviewer"], approve=True,
                                     amount="500")
    app = services.application_propose(application=app, by=team["reviewer"], approve=True)
    assert app.proposed_amount == D("400.00")
    assert app.calculation["total"] == "400.00"
    build.publicity_elapsed(app)
    app = services.application_close_publicity(application=app, by=team["reviewer"],
                                               skip_reason="无异议")
    with pytest.raises(ServiceError, match="请写明调整理由"):
        services.application_approve(application=app, by=team["approver"], amount="450")
    app = services.application_approve(application=app, by=team["approver"])
    assert app.monthly_amount == D("400.00")
    decided = app.calculation

    # The district raises its standard: the decision keeps the calculation it was made on.
    Rule.objects.create(key="dibao_standard_urban", region=standard.region, value="1200",
                        valid_from=timezone.localdate())
    app.refresh_from_db()
    assert selectors.case_calculation(app).total == "400.00" == decided["total"]
    assert selectors.case_calculation(app, on=timezone.localdate()).total == "600.00"


def test_an_override_with_a_reason_is_recorded(build, earning_household, standard, team):
    app = services.application_propose(application=build.investigated(build.accepted()),
                                       by=team["reviewer"], approve=True, amount="450",
                                       reasons="另有护理支出未能提供票据，经评议酌情上调")
    assert app.proposed_amount == D("450.00")
    event = app.events.get(action="propose_approval")
    assert event.data == {"proposal": "approve", "amount": "450.00", "calculated": "400.00"}


def test_approval_against_an_ineligible_calculation_needs_a_reason(build, household, staff,
                                                                   standard, team):
    household_services.record_add(household=household, by=staff["caseworker_a"], model=Income,
                                  data={"member": household.members.get(), "months": 12,
                                        "category": IncomeCategory.objects.get(code="wage"),
                                        "amount": D("24000")})
    app = build.investigated(build.accepted())
    with pytest.raises(ServiceError, match="测算结果为不符合条件"):
        services.application_propose(application=app, by=team["reviewer"], approve=True,
                                     amount="100")


def test_the_case_page_shows_the_itemised_calculation(client, build, earning_household, standard,
                                                      team):
    app = build.accepted()
    client.force_login(team["acceptor"])
    page = client.get(f"/cases/{app.pk}/").content.decode()
    assert "收入测算" in page and "家庭月人均收入" in page
    assert "600.00" in page and "400.00" in page


def test_the_approver_cannot_silently_drop_the_publicised_amount(build, earning_household, standard,
                                                                team):
    app = services.application_propose(application=build.investigated(build.accepted()),
                                       by=team["reviewer"], approve=True, amount="450",
                                       reasons="护理支出另计")
    build.publicity_elapsed(app)
    app = services.application_close_publicity(application=app, by=team["reviewer"],
                                               skip_reason="无异议")
    with pytest.raises(ServiceError, match=r"与公示的拟保障金额（450.00元）不同"):
        services.application_approve(application=app, by=team["approver"])
    app = services.application_approve(application=app, by=team["approver"], amount="450",
                                       reasons="同意审核意见：护理支出另计")
    assert app.monthly_amount == D("450.00")


def test_a_community_assistant_sees_neither_the_calculation_nor_the_findings(
        client, build, earning_household, standard, team):
    app = build.accepted()
    client.force_login(team["assistant"])
    page = client.get(f"/cases/{app.pk}/").content.decode()
    assert "收入测算" not in page and "核对报告" not in page and "600.00" not in page
