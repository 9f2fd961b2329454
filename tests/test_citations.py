"""Citations are part of the rule (issue 17, point 2): each calculation line, the roster
and the register cite the source in force for the region — the district's own row's,
else the national rule's — and no page of the Beijing demo cites another place's plan."""

import datetime
import importlib
from decimal import Decimal

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Region, RegionGrant, Rule, User
from accounts.roles import Level, Role
from accounts.rules import NATIONAL_FROM, RULES, rule_sources
from cases import selectors
from cases.benefit import calculate
from cases.benefit_facts import Expense, Facts, Person
from cases.models import Application
from cases.models.reviews import Review
from households.models import Member

D = Decimal
ON = datetime.date(2026, 6, 15)
# The places of the seed documents the first version cited: none may appear on a page of
# another region (the demo is 大兴区, Beijing).
OTHER_PLACES = ("吉安", "江西", "三堤口", "青民", "青海", "西宁", "高陵", "西安", "政策解读")
DISTRICT_SOURCE = "大兴区民政局关于低保家庭就业成本扣减的通知"


def other_places(text: str) -> list[str]:
    return [place for place in OTHER_PLACES if place in text]


def national_rules(**overrides):
    values = {key: (D(str(spec.national)) if spec.kind is Decimal and spec.national is not None
                    else spec.national) for key, spec in RULES.items()}
    values.update(dibao_standard_urban=D("1000"), dibao_standard_rural=D("800"))
    values.update(overrides)
    return values


def graduate_with_rehabilitation() -> Facts:
    """One employed new graduate (employment cost) with rehabilitation costs."""
    person = Person(key=1, name="甲", employment=Member.Employment.EMPLOYED,
                    employment_group=Member.EmploymentGroup.NEW_GRADUATE)
    rehab = Expense(person_key=1, person="甲", category="rehabilitation", label="康复费用",
                    amount=D("1200"), incurred_on=datetime.date(2026, 1, 10))
    return Facts("urban", (person,), expenses=(rehab,))


def line(result, item_start):
    return next(x for x in result.lines if x.item.startswith(item_start))


# --- the sources of the rules -----------------------------------------------------------


def test_national_sources_name_no_place():
    for key, spec in RULES.items():
        assert not other_places(spec.source), key


def test_a_districts_own_row_replaces_the_national_citation(regions):
    Rule.objects.create(key="employment_cost_ratio", region=regions["district"], value="0.3",
                        valid_from=datetime.date(2020, 1, 1), source=DISTRICT_SOURCE)
    sources = rule_sources(regions["a1"], ON)
    assert sources["employment_cost_ratio"] == DISTRICT_SOURCE
    assert sources["rehabilitation_cap_yearly"] == RULES["rehabilitation_cap_yearly"].source
    assert rule_sources(regions["a1"], datetime.date(2019, 12, 31))["employment_cost_ratio"] == (
        RULES["employment_cost_ratio"].source)  # before the district's row: national

    result = calculate(graduate_with_rehabilitation(), "dibao",
                       {**national_rules(), "_sources": sources}, ON)
    assert line(result, "扣减：就业成本").source == DISTRICT_SOURCE
    assert line(result, "扣减：康复费用").source == RULES["rehabilitation_cap_yearly"].source


def test_each_line_cites_the_rule_it_applies():
    sources = {key: f"依据：{key}" for key in RULES}
    facts = graduate_with_rehabilitation()
    facts = Facts("urban", facts.people, expenses=(
        *facts.expenses,
        Expense(person_key=1, person="甲", category="medical", label="医疗费用", amount=D("600"),
                incurred_on=datetime.date(2026, 1, 10)),
        Expense(person_key=1, person="甲", category="other", label="其他刚性支出", amount=D("120"),
                incurred_on=datetime.date(2026, 1, 10))))
    result = calculate(facts, "dibao", {**national_rules(), "_sources": sources}, ON)
    assert line(result, "城市低保标准").source == "依据：dibao_standard_urban"
    assert line(result, "扣减：就业成本").source == "依据：employment_cost_ratio"
    assert line(result, "扣减：康复费用").source == "依据：rehabilitation_cap_yearly"
    assert line(result, "扣减：医疗费用").source == "依据：expenditure_window_months"
    assert line(result, "不扣减：其他刚性支出").source == "依据：deduct_other_expenditure"
    near = calculate(Facts("urban", (Person(key=1, name="乙"),)), "low_income",
                     {**national_rules(), "_sources": sources}, ON)
    assert line(near, "低收入家庭认定").source == "依据：near_threshold_ratio"


def test_without_sources_the_lines_cite_the_national_rules():
    result = calculate(graduate_with_rehabilitation(), "dibao", national_rules(), ON)
    assert line(result, "扣减：就业成本").source == RULES["employment_cost_ratio"].source
    assert not any(other_places(x.source + x.rule) for x in result.lines)


def test_the_case_calculation_cites_the_districts_standard(build, regions):
    Rule.objects.create(key="dibao_standard_urban", region=regions["district"], value="1000",
                        valid_from=datetime.date(2020, 1, 1), source="北京市城乡低保标准通知")
    app = build.accepted()
    result = selectors.case_calculation(app)
    assert line(result, "城市低保标准").source == "北京市城乡低保标准通知"


def test_the_migration_rewrites_the_national_rows_old_citations(db):
    row = Rule.objects.get(key="employment_cost_ratio", region=None, valid_from=NATIONAL_FROM)
    row.source = "吉安市实施方案政策解读5(5)：按务工地同期月低保标准的30%扣减"
    row.save()
    migration = importlib.import_module("accounts.migrations.0013_national_rule_sources")
    migration.national_sources(apps, None)
    row.refresh_from_db()
    assert row.source == RULES["employment_cost_ratio"].source


# --- the demo's pages -------------------------------------------------------------------


def caseworker_of(region: Region) -> User:
    township = region if region.level == Level.TOWNSHIP else Region.objects.get(
        code=region.code[:9])
    return RegionGrant.objects.filter(region=township, role=Role.TOWNSHIP_CASEWORKER).first().user


def test_no_page_of_the_beijing_demo_cites_another_place(db, client):
    call_command("load_demo")

    def page(user, url):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert not other_places(text), (url, other_places(text))
        return text

    calculations = 0
    for app in Application.objects.select_related("region"):
        text = page(caseworker_of(app.region), reverse("cases:detail", args=[app.pk]))
        if 'id="calculation"' in text:
            calculations += 1
            # The demo district's own standard cites Beijing's document.
            assert "北京市民政局" in text, app.pk
    assert calculations >= 10
    reviews = list(Review.objects.select_related("region"))
    assert reviews
    for review in reviews:
        page(caseworker_of(review.region), reverse("cases:benefit_review", args=[review.pk]))
    for township in Region.objects.filter(level=Level.TOWNSHIP):
        text = page(caseworker_of(township), reverse("filing:rosters") + f"?township={township.code}")
        assert RULES["roster_due_day"].source in text
    text = page(User.objects.get(username="daxing_reviewer"), reverse("filing:register"))
    assert "审核确认办法" in text
