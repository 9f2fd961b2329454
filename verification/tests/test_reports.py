"""The verification report: findings against declarations, warnings, reproducibility,
and the whole path through a real Celery worker on real Redis."""

import datetime
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from accounts.models import Rule
from accounts.roles import Role
from cases import guards
from cases import services as case_services
from cases.models import CaseDocument
from cases.tests.builders import photo
from config import celery_app
from conftest import new_id_number
from households import services as household_services
from households.models import Asset, Income, IncomeCategory, Member
from verification import services, tasks
from verification.compare import Declared, DeclaredMember, Found, Record, compare
from verification.models import VerificationRequest

D = Decimal
RULES = {"finding_tolerance_ratio": D("0.1"), "vehicles_allowed": 0, "dwellings_allowed": 1,
         "business_allowed": False, "financial_assets_limit_months": 24,
         "dibao_standard_urban": D("1000"), "dibao_standard_rural": D("800")}


def declared(income="12000", deposits="0", vehicles=0):
    return Declared("urban", (DeclaredMember(1, "张建国", D(income)), DeclaredMember(2, "李娜", D(0))),
                    financial_assets=D(deposits), vehicles=vehicles)


def found(**records_by_source):
    result = {code: Found(True, {}, 1, "第1版") for code in
              ("hukou", "vehicle", "real_estate", "business", "tax", "social_insurance",
               "housing_fund", "deposit")}
    for code, by_member in records_by_source.items():
        result[code] = Found(True, by_member, 1, "第1版")
    return result


def test_income_within_the_tolerance_is_no_warning_and_above_it_is():
    # Declared 12,000 a year; tolerance 10 % → up to 13,200 passes.
    at_limit = compare(declared(), found(tax={1: [Record("张建国", status="工资", amount=D("13200"))]}),
                       RULES)
    assert not at_limit.has_warning
    above = compare(declared(), found(tax={1: [Record("张建国", status="工资", amount=D("13200.01"))]}),
                    RULES)
    assert above.warnings == ["税务：张建国纳税申报收入折合年收入13200.01元，高于申报12000.00元"]


def test_social_insurance_and_housing_fund_are_monthly_figures():
    # A contribution base of 1,200 a month is 14,400 a year, above 13,200.
    report = compare(declared(), found(
        social_insurance={1: [Record("张建国", status="缴费基数", amount=D("1200"))]},
        housing_fund={1: [Record("张建国", amount=D("1000"), amount2=D("8000"))]}), RULES)
    assert [w.split("：")[0] for w in report.warnings] == ["社会保险"]


def test_limits_are_region_settings():
    car = found(vehicle={1: [Record("张建国", label="京A1", status="小型轿车")]})
    assert compare(declared(), car, RULES).warnings == ["车辆：家庭名下机动车1辆，允许0辆"]
    # Allowed and declared: no warning. Allowed but not declared: the declaration is wrong.
    assert not compare(declared(vehicles=1), car, {**RULES, "vehicles_allowed": 1}).has_warning
    assert compare(declared(), car, {**RULES, "vehicles_allowed": 1}).warnings == [
        "车辆：家庭名下机动车1辆，多于申报的0辆（未申报）"]
    two_homes = found(real_estate={1: [Record("张建国", label="A"), Record("张建国", label="B")]})
    assert compare(declared(), two_homes, RULES).warnings == ["不动产：家庭名下住房2套，允许1套"]
    business = found(business={2: [Record("李娜", label="9111", status="存续")]})
    assert compare(declared(), business, RULES).has_warning
    closed = found(business={2: [Record("李娜", label="9111", status="注销")]})
    assert not compare(declared(), closed, RULES).has_warning


def test_deposits_against_the_declaration_and_the_per_capita_limit():
    # Declared 20,000; found 30,000 (> 22,000): contradicts. Per capita 15,000 < 24,000.
    report = compare(declared(deposits="20000"),
                     found(deposit={1: [Record("张建国", label="工行", status="存款", amount=D("30000"))]}),
                     RULES)
    assert report.warnings == ["银行存款和证券：家庭金融资产30000.00元，高于申报20000.00元"]
    # Declared truthfully, 50,000 for 2 people: 25,000 each is over 24 × 1,000.
    report = compare(declared(deposits="50000"),
                     found(deposit={1: [Record("张建国", label="工行", status="存款", amount=D("50000"))]}),
                     RULES)
    assert report.warnings == ["银行存款和证券：家庭人均金融资产25000.00元，超过上限24000.00元"]


def test_household_registration_status_and_name():
    report = compare(declared(), found(hukou={1: [Record("张建国", status="死亡")],
                                              2: [Record("李某", status="正常")]}), RULES)
    assert report.warnings == ["户籍：张建国户籍状态为“死亡”", "户籍：李娜姓名与户籍登记不一致"]


def test_sources_without_data_are_named_not_warned():
    report = compare(declared(), {"tax": Found(True, {}, 1, "第1版")}, RULES)
    assert not report.has_warning
    assert "未比对（尚无数据）：户籍、车辆" in report.summary()


# --- through the services and a real worker -------------------------------------------


@pytest.fixture
def family(regions, make_household, staff):
    household = make_household(regions["a1"], head_name="赵建国")
    head = household.members.get()
    spouse = household_services.member_add(household=household, by=staff["caseworker_a"],
                                           data={"name": "钱丽", "id_number": new_id_number(male=False),
                                                 "relation": Member.Relation.SPOUSE})
    household_services.record_add(household=household, by=staff["caseworker_a"], model=Income,
                                  data={"member": head, "category": IncomeCategory.objects.get(code="wage"),
                                        "amount": D("12000"), "months": 12})
    household_services.record_add(household=household, by=staff["caseworker_a"], model=Asset,
                                  data={"member": head, "kind": Asset.Kind.DEPOSIT, "value": D("5000")})
    return household, head, spouse


def import_sources(importer, head, spouse, *, car=True):
    importer("hukou", [["身份证号", "姓名", "户籍状态"], [head.id_number, head.name, "正常"],
                       [spouse.id_number, spouse.name, "正常"]])
    importer("tax", [["身份证号", "姓名", "所得项目", "年度收入"],
                     [head.id_number, head.name, "工资薪金", "12000"]])
    if car:
        importer("vehicle", [["身份证号", "姓名", "号牌号码", "车辆类型", "评估价值"],
                             [spouse.id_number, spouse.name, "京Q12345", "小型轿车", "80000"]])


def run_worker_until(predicate, timeout=30):

    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                      shutdown_timeout=10):
        yield
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not predicate():
            time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_acceptance_runs_the_sources_on_a_real_worker_and_a_warning_forces_a_hearing(
        family, importer, staff, make_user, regions):
    household, head, spouse = family
    import_sources(importer, head, spouse)

    def completed():
        return VerificationRequest.objects.filter(status="completed").exists()

    worker = run_worker_until(completed)
    next(worker)
    app = case_services.application_accept_new(
        household=household, assistance_type="dibao", reason="因病致贫", by=staff["caseworker_a"],
        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    next(worker, None)

    request = VerificationRequest.objects.get(application=app)
    assert request.status == "completed" and request.result_source == "automatic"
    assert request.authorization == app.documents.get(kind="authorization")
    assert request.has_warning
    assert request.warnings == "车辆：家庭名下机动车1辆，允许0辆"
    # Sources with no file imported are named in the summary, not silently passed.
    assert "未比对（尚无数据）：不动产、工商登记" in request.summary
    assert len(request.batch_ids) == 3
    lines = {(line["source"], line["member"]): line for line in request.report["lines"]}
    assert lines[("tax", "赵建国")]["warning"] is False
    assert lines[("vehicle", "钱丽")]["found"] == "1辆"
    # The report holds names, never ID numbers.
    assert head.id_number not in str(request.report) and spouse.id_number not in str(request.report)

    # Rule 4: the warning makes the hearing compulsory.
    reviewer = make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "reviewer_x")
    case_services.application_record_home_investigation(
        application=app, by=staff["caseworker_a"],
        data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
              "findings": "入户查看。", "signed_form": photo("form.png")})
    app = case_services.application_finish_investigation(application=app, by=staff["caseworker_a"])
    app = case_services.application_propose(application=app, by=reviewer, approve=True,
                                            amount="900", reasons="核对预警待评议")
    assert any("核对报告有预警" in t for t in guards.hearing_triggers(app))


@pytest.mark.django_db(transaction=True)
def test_a_report_is_reproduced_from_the_batches_it_recorded(family, importer, staff):
    household, head, spouse = family
    import_sources(importer, head, spouse)
    request = VerificationRequest.objects.create(household=household, requested_by=staff["reviewer"])
    request = services.verification_run(request_id=request.pk)
    stored = request.report
    # The agencies deliver new files and the household's declaration changes...
    importer("vehicle", [["身份证号", "姓名", "号牌号码", "车辆类型", "评估价值"],
                         [head.id_number, head.name, "京Q99999", "小型轿车", "1"],
                         [spouse.id_number, spouse.name, "京Q12345", "小型轿车", "80000"]])
    importer("deposit", [["身份证号", "姓名", "机构名称", "资产类型", "余额"],
                         [head.id_number, head.name, "工商银行", "存款", "900000"]])
    Income.objects.filter(household=household).update(amount=D("1"))
    Rule.objects.create(key="vehicles_allowed", region=household.region.parent, value=5,
                        valid_from=timezone.localdate())
    # ...a fresh check sees all of it, but the stored report reproduces exactly.
    fresh = services.verification_run(request_id=VerificationRequest.objects.create(
        household=household, requested_by=staff["reviewer"]).pk)
    assert fresh.report != stored
    assert services.verification_reproduce(check=request).as_dict() == stored


@pytest.mark.django_db(transaction=True)
def test_without_any_imported_data_the_request_waits_for_manual_entry(family, staff):
    household, _head, _spouse = family
    request = VerificationRequest.objects.create(household=household, requested_by=staff["reviewer"])
    request = services.verification_run(request_id=request.pk)
    assert request.status == "in_progress" and request.report == {}


def test_income_declared_for_the_household_counts_for_every_member():
    # 张建国 declared nothing himself; the household declared 12,000 without naming anyone.
    household = Declared("urban", (DeclaredMember(1, "张建国", D(0)),), unattributed_income=D("12000"))
    tax = found(tax={1: [Record("张建国", status="工资", amount=D("13000"))]})
    assert not compare(household, tax, RULES).has_warning
    more = found(tax={1: [Record("张建国", status="工资", amount=D("14000"))]})
    assert compare(household, more, RULES).warnings == [
        "税务：张建国纳税申报收入折合年收入14000.00元，高于申报12000.00元"]


@pytest.mark.django_db(transaction=True)
def test_reproduction_survives_a_member_leaving(family, importer, staff):
    household, head, spouse = family
    import_sources(importer, head, spouse)
    request = services.verification_run(request_id=VerificationRequest.objects.create(
        household=household, requested_by=staff["reviewer"]).pk)
    stored = request.report
    Member.objects.filter(pk=spouse.pk).update(id_number=new_id_number(male=False))
    assert services.verification_reproduce(check=request).as_dict() == stored


def test_a_request_a_worker_left_behind_is_queued_again(family, staff, monkeypatch):

    household, _head, _spouse = family

    app = case_services.application_accept_new(
        household=household, assistance_type="dibao", reason="因病", by=staff["caseworker_a"],
        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    request = VerificationRequest.objects.get(application=app)
    VerificationRequest.objects.filter(pk=request.pk).update(
        status="in_progress", picked_up_at=timezone.now() - datetime.timedelta(hours=2))
    queued = []
    monkeypatch.setattr(tasks.process_verification, "delay", queued.append)
    assert tasks.requeue_waiting_requests() == 1 and queued == [request.pk]
