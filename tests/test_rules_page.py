"""政策标准与参数: the district administrator reads every rule in Chinese with the value in
force for the district, and enters next year's 低保 standard with an effective month,
after a preview of the benefits in payment it reaches; the change is audited."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry, Rule
from cases import services
from cases.selectors import case_calculation

pytestmark = pytest.mark.django_db

URBAN = "dibao_standard_urban"


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff["admin"])
    return client


@pytest.fixture
def this_year_standard(regions):
    return Rule.objects.create(key=URBAN, region=regions["district"], value="1395",
                               valid_from=datetime.date(2025, 1, 1), source="京民发〔2024〕10号")


def new_standard(client, **data):
    return client.post(reverse("rules:new", args=[URBAN]), {
        "value": "1450", "effective_month": "2027-01",
        "source": "大兴区民政局关于调整2027年城乡低保标准的通知", "reason": "市政府公布2027年标准", **data})


def test_the_list_names_every_rule_in_chinese_with_its_unit_range_and_source(admin_client, clock,
                                                                              this_year_standard):
    page = admin_client.get(reverse("rules:list")).content.decode()
    assert "城市低保标准" in page and "元/人·月" in page and "大于0" in page
    assert "受理后开始入户调查" in page and "全国默认" in page and "审核确认办法第十五条" in page
    assert "本区规定" in page and "1395" in page and "京民发〔2024〕10号" in page
    text = re.sub(r"<[^>]+>", " ", page)  # what the reader sees: no key, no JSON
    assert "dibao_standard_urban" not in text and "benefit_rounding" not in text
    assert "保留到分" in text and '"fen"' not in text


def test_a_standard_that_is_no_positive_amount_is_refused_in_chinese_and_nothing_is_saved(
        admin_client, clock, this_year_standard):
    for value, message in [("abc", "应为数字"), ("0", "应为大于0的金额"), ("-5", "不小于0")]:
        response = new_standard(admin_client, value=value, confirm="1")
        assert response.status_code == 200
        assert message in response.content.decode()
    response = new_standard(admin_client, effective_month="2026-01", confirm="1")
    assert "生效月份不能早于今天：最早为2026年04月" in response.content.decode()
    response = new_standard(admin_client, source="", reason="", confirm="1")
    assert "请填写本区的依据文件" in response.content.decode()
    assert Rule.objects.filter(key=URBAN).count() == 1
    assert not AuditEntry.objects.filter(target__endswith=URBAN).exists()


def test_next_years_urban_standard_ends_the_current_row_and_is_audited_with_the_reason(
        admin_client, staff, regions, clock, this_year_standard):
    response = new_standard(admin_client, confirm="1")
    assert response.status_code == 302
    rows = list(Rule.objects.filter(key=URBAN, region=regions["district"]).order_by("valid_from"))
    assert [(r.valid_from, r.valid_to, r.value) for r in rows] == [
        (datetime.date(2025, 1, 1), datetime.date(2027, 1, 1), "1395"),
        (datetime.date(2027, 1, 1), None, "1450")]
    assert rows[1].source == "大兴区民政局关于调整2027年城乡低保标准的通知"
    entries = AuditEntry.objects.filter(actor=staff["admin"]).order_by("id")
    assert [(e.action, e.reason) for e in entries] == [
        (AuditAction.RULE_CHANGE, "市政府公布2027年标准"), (AuditAction.RULE_CREATE, "市政府公布2027年标准")]
    assert entries[0].old["valid_to"] is None and entries[0].new["valid_to"] == "2027-01-01"
    page = admin_client.get(response.url).content.decode()
    assert "市政府公布2027年标准" in page and "1395 → 1450" not in page  # two rows, two entries
    assert "取值：— → 1450" in page and "截止日期（不含当日）：长期 → 2027-01-01" in page


def test_the_preview_counts_the_benefits_in_payment_and_saves_nothing(admin_client, build, clock,
                                                                      regions):
    benefit = build.confirmed().benefit  # an urban household of the district
    Rule.objects.create(key=URBAN, region=regions["district"], value="1395",
                        valid_from=datetime.date(2025, 1, 1), source="京民发〔2024〕10号")
    response = new_standard(admin_client)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="count">1<' in page
    assert f'data-field="total">{benefit.monthly_amount}<' in page
    assert benefit.monthly_amount == Decimal("1200.00")
    assert "已作出的决定保持原金额" in page and "确认保存" in page
    assert Rule.objects.filter(key=URBAN).count() == 1
    rural = admin_client.post(reverse("rules:new", args=["dibao_standard_rural"]), {
        "value": "1450", "effective_month": "2027-01", "source": "同上", "reason": "同上"})
    assert 'data-field="count">0<' in rural.content.decode()


def test_a_caseworker_may_not_open_the_rules_pages(client, staff, clock):
    client.force_login(staff["caseworker_a"])
    for url in (reverse("rules:list"), reverse("rules:detail", args=[URBAN]),
                reverse("rules:new", args=[URBAN])):
        assert client.get(url).status_code == 403
    assert new_standard(client, confirm="1").status_code == 403
    assert not Rule.objects.filter(key=URBAN).exists()


def test_a_decision_keeps_its_amount_and_a_case_proposed_after_uses_the_new_standard(
        admin_client, build, clock, team, this_year_standard):
    clock.set(datetime.date(2026, 11, 20))
    decided = build.proposed(build.investigated(build.accepted()), amount=None)  # as calculated
    build.publicity_elapsed(decided)
    decided = services.application_close_publicity(application=decided, by=team["reviewer"],
                                                   skip_reason="无异议，核对无预警")
    decided = services.application_approve(application=decided, by=team["approver"])
    assert decided.calculation["standard"] == "1395" and decided.monthly_amount == Decimal("1395.00")
    assert new_standard(admin_client, confirm="1").status_code == 302
    clock.set(datetime.date(2027, 1, 5))
    later = build.investigated(build.accepted())
    later = services.application_propose(application=later, by=team["reviewer"], approve=True,
                                         reasons="符合条件")
    assert later.calculation["standard"] == "1450"
    assert case_calculation(later).standard == "1450"
    decided.refresh_from_db()
    assert decided.calculation["standard"] == "1395"
    assert decided.benefit.monthly_amount == Decimal("1395.00")  # the decision keeps its amount
