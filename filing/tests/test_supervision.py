"""The district's supervision: the register of cadres' relatives, mandatory reviews,
reproducible spot checks, rectification rounds. Cases move through cases.services; only
the spot-check populations are laid down directly, since the draw is what is tested."""

import datetime
import hashlib
import math
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Rule
from accounts.rules import RULES
from cases import services as case_services
from cases.models import Application, FilingBatch, Rectification, State
from cases.tests.builders import CaseBuilder, xlsx
from conftest import new_id_number
from core.errors import ServiceError
from filing import sampling, selectors, services
from filing.cadre_register import REGISTER_SPEC
from filing.models import MandatoryReview, SpotCheck, SpotCheckItem
from households.models import CadreRegister

HEADER = REGISTER_SPEC.headers
COMMITTEE, POST = "村(居)民委员会成员", "三合南里社区居委会委员"


def register_with_relative(regions, staff, relative_id, relative_name="赵建国",
                           relation="父母"):
    cadre = new_id_number()
    outcome = services.cadre_register_import(
        district=regions["district"], filename="登记表.xlsx", by=staff["reviewer"],
        content=xlsx([HEADER,
                      [cadre, "赵小军", "本人", cadre, "赵小军", COMMITTEE, POST],
                      [relative_id, relative_name, relation, cadre, "赵小军", COMMITTEE, POST]]))
    assert outcome.register is not None, outcome.result.errors
    return outcome.register


def head_id(household):
    return household.members.get(relation="head").id_number


# --- the register and the flag ------------------------------------------------------------

def test_a_registered_cadres_relative_is_flagged_at_acceptance(build, household, regions, staff):
    register_with_relative(regions, staff, head_id(household))
    app = build.accepted()
    assert app.mandatory_review
    assert app.review_basis == [{"member": "赵建国", "relation": "父母", "cadre": "赵小军",
                                 "category": "村(居)民委员会成员", "post": "三合南里社区居委会委员"}]
    # The basis names people and posts, never an ID number.
    assert head_id(household) not in str(app.review_basis)


def test_a_relative_registered_after_acceptance_is_flagged_at_filing(build, household, regions,
                                                                    staff, team):
    app = build.confirmed()
    assert not app.mandatory_review
    register_with_relative(regions, staff, head_id(household), relation="子女")
    batch = case_services.applications_file(applications=[app], by=team["acceptor"])
    app = Application.objects.get(pk=app.pk)
    assert app.mandatory_review and app.review_basis[0]["relation"] == "子女"
    event = app.events.get(action="file")
    assert event.data == {"batch": batch.number, "mandatory_review": True}
    # Registered separately: on the district's review register, not in the spot-check population.
    assert list(selectors.review_register(fetched_by=staff["reviewer"], status="pending")) == [app]
    today = timezone.localdate()
    assert services.spot_check_population(district=regions["district"], period_from=today,
                                          period_to=today) == {}


def test_a_register_with_faulty_rows_is_refused_whole_and_names_rows_not_values(regions, staff):
    first = register_with_relative(regions, staff, new_id_number())
    cadre, leader, bad = new_id_number(), new_id_number(), "110101199003071234"
    outcome = services.cadre_register_import(
        district=regions["district"], filename="x.xlsx", by=staff["reviewer"],
        content=xlsx([HEADER,
                      [cadre, "钱立新", "本人", cadre, "钱立新", "党政机关工作人员", "区某局科员"],
                      [leader, "孙大山", "本人", leader, "孙大山", "村(居)民委员会成员", "第三村民小组长"],
                      [bad, "李四", "配偶", cadre, "钱立新", "党政机关工作人员", "区某局科员"],
                      [new_id_number(), "周五", "子女", new_id_number(), "某某", "党政机关工作人员", "x"]]))
    assert outcome.register is None
    text = " ".join(outcome.result.errors)
    assert "第3行" in text and "村民小组长不属于备案审查范围" in text
    assert "第4行" in text and "身份证号无效" in text
    assert "第5行" in text and "未在表中以“本人”登记" in text
    assert bad not in text and "孙大山" not in text
    # Nothing of the refused file is stored; the first version stays current.
    assert list(CadreRegister.objects.filter(current=True)) == [first]


def test_a_new_register_version_replaces_the_old_one(regions, staff, build, household):
    register_with_relative(regions, staff, head_id(household))
    register_with_relative(regions, staff, new_id_number())  # the relative is gone
    assert CadreRegister.objects.get(current=True).version == 2
    assert not build.accepted().mandatory_review


def test_only_the_district_reviewer_imports_the_register(regions, staff):
    with pytest.raises(PermissionDenied):
        services.cadre_register_import(district=regions["district"], content=b"x",
                                       filename="x.csv", by=staff["caseworker_a"])


# --- mandatory review with a home visit ----------------------------------------------------

def test_mandatory_review_records_the_home_visit_and_can_send_the_case_back(
        build, household, regions, staff, team):
    register_with_relative(regions, staff, head_id(household))
    app = build.confirmed()
    with pytest.raises(ServiceError, match="须报送备案后"):
        services.mandatory_review_record(
            application=app, by=staff["reviewer"], visited_on=timezone.localdate(),
            visitors="区民政局 张三、李四", findings="x", conclusion="confirmed")
    case_services.applications_file(applications=[app], by=team["acceptor"])
    with pytest.raises(ServiceError, match="请写明发现的问题"):
        services.mandatory_review_record(
            application=app, by=staff["reviewer"], visited_on=timezone.localdate(),
            visitors="张三、李四", findings="子女为居委会委员，家中有新购家电", conclusion="problem")
    assert not app.events.filter(action="mandatory_review").exists()  # nothing half-saved
    review = services.mandatory_review_record(
        application=app, by=staff["reviewer"], visited_on=timezone.localdate(),
        visitors="张三、李四", findings="子女为居委会委员，每月给付赡养费未申报",
        conclusion="problem", problem="赡养费收入未计入家庭收入，请重新核算")
    app = Application.objects.get(pk=app.pk)
    assert app.state == State.RECTIFYING
    assert review.rectification.source == "备案审查"
    assert app.events.filter(action="mandatory_review").count() == 1
    assert list(selectors.review_register(fetched_by=staff["reviewer"], status="done")) == [app]
    with pytest.raises(ServiceError, match="已录入"):
        services.mandatory_review_record(
            application=app, by=staff["reviewer"], visited_on=timezone.localdate(),
            visitors="张三", findings="x", conclusion="confirmed")


def test_a_case_without_cadre_links_is_not_reviewed_one_by_one(build, staff, team):
    app = build.confirmed()
    case_services.applications_file(applications=[app], by=team["acceptor"])
    with pytest.raises(ServiceError, match="不属于备案审查对象"):
        services.mandatory_review_record(
            application=app, by=staff["reviewer"], visited_on=timezone.localdate(),
            visitors="张三、李四", findings="x", conclusion="confirmed")


# --- spot checks -------------------------------------------------------------------------

def filed_population(household, regions, staff, counts: dict[str, int], *, filed_on=None):
    """Filed cases of street A laid down directly (the draw is under test, not the
    procedure): {type: how many}."""
    batch = FilingBatch.objects.create(number=f"BA-T-{next(_batches)}", township=regions["a"],
                                       created_by=staff["caseworker_a"])
    filed_yesterday(batch, filed_on or YESTERDAY)
    made = []
    for kind, count in counts.items():
        for _ in range(count):
            made.append(Application(number=f"T{next(_numbers):06d}", household=household,
                                    region=regions["a1"], assistance_type=kind, reason="x",
                                    created_by=staff["caseworker_a"], state=State.FILED,
                                    filing_batch=batch, monthly_amount=Decimal("500")))
    Application.objects.bulk_create(made)
    return made


def filed_yesterday(batch, day=None):
    """A draw covers whole past days only: the filings are moved to `day` (yesterday)."""
    FilingBatch.objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(
        datetime.datetime.combine(day or YESTERDAY, datetime.time(12))))


YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
_numbers = iter(range(1, 10**6))
_batches = iter(range(1, 10**6))


def test_the_sample_follows_the_ratio_per_type(household, regions, staff):
    filed_population(household, regions, staff, {"tekun": 10, "dibao": 21, "temporary": 3})
    check = services.spot_check_draw(district=regions["district"], period_from=YESTERDAY,
                                     period_to=YESTERDAY, by=staff["reviewer"])
    sizes = {kind: len(numbers) for kind, numbers in check.sample.items()}
    # 特困 30% of 10 = 3 (TK §16); 低保 10% of 21 = 2.1 → 3; 临时 10% of 3 = 0.3 → 1.
    assert sizes == {"tekun": 3, "dibao": 3, "temporary": 1}
    assert check.ratios == {"tekun": "0.3", "dibao": "0.1", "temporary": "0.1"}
    assert check.items.count() == 7
    assert all(set(check.sample[k]) <= set(check.population[k]) for k in check.sample)


def test_a_district_can_raise_a_ratio_but_not_lower_tekun_below_30_percent(household, regions,
                                                                          staff):
    with pytest.raises(ValueError, match="不得低于 0.3"):
        RULES["spot_check_ratio_tekun"].parse("0.2")
    Rule.objects.create(key="spot_check_ratio_dibao", region=regions["district"], value="0.5",
                        valid_from=datetime.date(2025, 1, 1), source="区民政局文件")
    filed_population(household, regions, staff, {"dibao": 9})
    check = services.spot_check_draw(district=regions["district"], period_from=YESTERDAY,
                                     period_to=YESTERDAY, by=staff["reviewer"])
    assert len(check.sample["dibao"]) == 5  # 50% of 9 = 4.5 → 5


def test_the_same_seed_and_population_give_the_same_sample(household, regions, staff):
    filed_population(household, regions, staff, {"tekun": 12, "dibao": 30})
    check = services.spot_check_draw(district=regions["district"], period_from=YESTERDAY,
                                     period_to=YESTERDAY, by=staff["reviewer"])
    stored = SpotCheck.objects.get(pk=check.pk)
    assert services.spot_check_recompute(stored) == stored.sample
    # Recomputed by hand, from the documented rule alone (not filing.sampling).
    for kind, numbers in stored.population.items():
        ratio = Decimal(stored.ratios[kind])
        size = math.ceil(ratio * len(numbers))
        by_hash = sorted(numbers, key=lambda n: hashlib.sha256(
            f"{stored.seed}|{n}".encode()).hexdigest())
        assert sorted(by_hash[:size]) == stored.sample[kind]
    # A different seed gives a different sample (42 cases, 4 + 3 drawn).
    assert sampling.draw("another-seed", stored.population, stored.ratios) != stored.sample


def test_a_period_is_drawn_once_and_the_population_is_the_periods_filings(household, regions,
                                                                         staff):
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=40)
    filed_population(household, regions, staff, {"dibao": 5}, filed_on=earlier)
    filed_population(household, regions, staff, {"dibao": 7})
    with pytest.raises(ServiceError, match="应早于今天"):
        services.spot_check_draw(district=regions["district"], period_from=YESTERDAY,
                                 period_to=today, by=staff["reviewer"])
    check = services.spot_check_draw(district=regions["district"], period_from=YESTERDAY,
                                     period_to=YESTERDAY, by=staff["reviewer"])
    assert len(check.population["dibao"]) == 7
    with pytest.raises(ServiceError, match="不能重抽"):
        services.spot_check_draw(district=regions["district"], period_from=earlier,
                                 period_to=YESTERDAY, by=staff["reviewer"])
    with pytest.raises(PermissionDenied):
        services.spot_check_draw(district=regions["district"], period_from=earlier,
                                 period_to=earlier, by=staff["caseworker_a"])


# --- rectification: a finding goes round and closes ---------------------------------------

def filed_case(team, household):
    app = CaseBuilder(team, household).confirmed()
    filed_yesterday(case_services.applications_file(applications=[app], by=team["acceptor"]))
    return Application.objects.get(pk=app.pk)


def test_a_spot_check_finding_goes_round_and_closes(team, household, regions, staff,
                                                   make_household):
    app = filed_case(team, household)
    check = services.spot_check_draw(district=regions["district"], period_from=YESTERDAY,
                                     period_to=YESTERDAY, by=staff["reviewer"])
    item = check.items.get(application=app)  # one case: 10% of 1 → 1
    services.spot_check_record(
        item=item, by=staff["reviewer"], checked_on=timezone.localdate(),
        method="home_visit", record="入户核查，户主之子已就业", finding="problem",
        problem="户主之子已就业，收入未申报", days=5)
    app.refresh_from_db()
    assert app.state == State.RECTIFYING
    first = Rectification.objects.get(application=app)
    assert first.source == f"抽查 {check.number}" and first.round == 1
    # The township caseworker receives it; another street does not see it.
    assert selectors.rectifications(fetched_by=staff["caseworker_a"]) == [first]
    assert selectors.rectifications(fetched_by=staff["caseworker_b"]) == []
    with pytest.raises(ServiceError, match="尚未答复"):
        case_services.application_return_rectification(
            application=app, by=staff["reviewer"], reason="x")
    case_services.application_answer_rectification(application=app, by=team["acceptor"],
                                                   answer="已重新核算收入")
    second = case_services.application_return_rectification(
        application=app, by=staff["reviewer"], reason="未附就业单位的工资证明", days=3)
    first.refresh_from_db()
    assert first.outcome == Rectification.Outcome.RETURNED and first.closed_at
    assert second.round == 2 and second.finding == "未附就业单位的工资证明"
    assert second.source == first.source and second.answered_at is None
    app.refresh_from_db()
    assert app.state == State.RECTIFYING
    with pytest.raises(ServiceError, match="尚未答复"):
        case_services.application_close_rectification(application=app,
                                                      by=staff["reviewer"])
    case_services.application_answer_rectification(application=app, by=team["acceptor"],
                                                   answer="已补充工资证明，停发")
    case_services.application_close_rectification(application=app, by=staff["reviewer"],
                                                  note="整改到位")
    app.refresh_from_db()
    assert app.state == State.FILED
    assert list(app.events.filter(action__in=[
        "open_rectification", "answer_rectification", "return_rectification",
        "answer_rectification", "close_rectification"]).values_list("action", flat=True)) == [
        "open_rectification", "answer_rectification", "return_rectification",
        "answer_rectification", "close_rectification"]
    assert SpotCheckItem.objects.get(pk=item.pk).rectification == first


def test_an_unanswered_rectification_past_its_deadline_stands_out_on_both_sides(
        team, household, staff, client):
    app = filed_case(team, household)
    item = case_services.application_open_rectification(
        application=app, by=staff["reviewer"], finding="缺少入户调查表签字")
    assert item.due > timezone.localdate()  # the rule's 15 working days
    Rectification.objects.filter(pk=item.pk).update(due=timezone.localdate()
                                                    - datetime.timedelta(days=1))
    for user in (staff["reviewer"], staff["caseworker_a"]):
        assert selectors.rectification_counts(fetched_by=user)["overdue"] == 1
        client.force_login(user)
        page = client.get(reverse("filing:rectifications") + "?status=overdue").content.decode()
        assert app.number in page and "已超期" in page
        home = client.get(reverse("home")).content.decode()
        assert "整改超期" in home
    assert selectors.rectification_counts(fetched_by=staff["caseworker_b"])["overdue"] == 0
    # Answered in time or late, it no longer counts as overdue for the township.
    case_services.application_answer_rectification(application=app, by=team["acceptor"],
                                                   answer="已补签")
    assert selectors.rectification_counts(fetched_by=staff["reviewer"])["overdue"] == 0


def test_a_mandatory_review_case_is_not_in_the_spot_check_and_done_reviews_stay(
        team, household, regions, staff):
    register_with_relative(regions, staff, head_id(household))
    app = filed_case(team, household)
    services.mandatory_review_record(
        application=app, by=staff["reviewer"], visited_on=timezone.localdate(),
        visitors="张三、李四", findings="与申报一致", conclusion="confirmed")
    assert MandatoryReview.objects.get(application=app).conclusion == "confirmed"
    assert Application.objects.get(pk=app.pk).state == State.FILED
    with pytest.raises(ServiceError, match="没有可抽查"):
        services.spot_check_draw(district=regions["district"], period_from=YESTERDAY,
                                 period_to=YESTERDAY, by=staff["reviewer"])
