"""诚信管理 on a fixed clock (seed 001 §(二) 2, reading notes 1–3): the township finds and
confirms a fraud, the district verifies it; what was paid in the months of false
pretences is recovered by instalments (never more), a write-off needs a reason and the
district; the person enters the dishonesty ledger and is exported for the credit
platform unless they repaid promptly and the district decided, with a reason, not to."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Benefit,
    BenefitPeriod,
    BenefitState,
    DishonestyEntry,
    FindingEvent,
    FindingState,
    PushDecision,
    Repayment,
)
from cases.selectors import integrity as selectors
from cases.services import benefits
from cases.services import integrity as services
from core.errors import ServiceError
from households.models import HouseholdAccess
from households.tests.builders import add_member

D = datetime.date
APRIL, AUGUST = D(2026, 4, 1), D(2026, 8, 1)  # the usual period of false pretences


@pytest.fixture
def benefit(build, clock, team):
    """低保 decided 2026-01-10: 1200 a month from February; raised to 1500 on 2026-05-15,
    which takes effect in June (the month after, the national default)."""
    clock.set(D(2026, 1, 10))
    item = Benefit.objects.get(application=build.confirmed())
    clock.set(D(2026, 5, 15))
    benefits.benefit_adjust(benefit=item, by=team["approver"], amount="1500",
                            reasons="家庭成员新增重病，增发")
    return Benefit.objects.get(pk=item.pk)


def record(benefit, by, *, first=APRIL, last=AUGUST, member_id=None):
    return services.finding_record(benefit=benefit, by=by, means="concealment",
                                   facts="隐瞒户主在物流公司务工的工资收入，经社保缴费记录查实。",
                                   first_month=first, last_month=last, member_id=member_id)


def verified(benefit, staff, clock, **kwargs):
    clock.set(D(2026, 9, 20))
    finding = record(benefit, staff["caseworker_a"], **kwargs)
    services.finding_confirm(finding=finding, by=staff["approver_a"])
    return services.finding_verify(finding=fresh(finding), by=staff["reviewer"],
                                   sanction="warning", panel="区法律顾问 陈律师")


def fresh(finding):
    return selectors.finding_get(fetched_by=finding.recorded_by, pk=finding.pk)


def repay(finding, by, amount, receipt, on=None):
    return services.finding_record_repayment(finding=finding, by=by, amount=amount,
                                             received_on=on or timezone.localdate(),
                                             receipt_number=receipt)


def test_the_amount_due_is_what_was_paid_in_the_fraud_months_across_an_adjustment(
        benefit, staff, clock):
    assert [(p.first_month, p.last_month, p.amount) for p in benefit.periods.all()] == [
        (D(2026, 2, 1), D(2026, 5, 1), Decimal("1200.00")),
        (D(2026, 6, 1), None, Decimal("1500.00"))]
    finding = verified(benefit, staff, clock)  # April to August
    assert finding.state == FindingState.VERIFIED
    assert finding.amount_due == Decimal("6900.00")  # 2 × 1200 + 3 × 1500
    assert finding.months == [
        {"month": "2026-04", "amount": "1200.00"}, {"month": "2026-05", "amount": "1200.00"},
        {"month": "2026-06", "amount": "1500.00"}, {"month": "2026-07", "amount": "1500.00"},
        {"month": "2026-08", "amount": "1500.00"}]
    assert finding.balance == Decimal("6900.00")
    entry = DishonestyEntry.objects.get(finding=finding)
    assert (entry.person, entry.name, entry.decision) == (benefit.household.head, "赵建国", "")
    assert list(finding.events.values_list("action", "from_state", "to_state")) == [
        ("record", "new", "recorded"), ("confirm", "recorded", "confirmed"),
        ("verify", "confirmed", "verified")]
    # The benefit goes on: stopping it is its own decision, with the household heard.
    assert Benefit.objects.get(pk=benefit.pk).state == BenefitState.PAYING


def test_months_before_the_start_count_nothing_and_odd_amounts_add_up_exactly(
        benefit, staff, clock):
    # Months paid set directly: February at 1200, March at 333.33, April–May at 0.10.
    first = benefit.periods.get(first_month=D(2026, 2, 1))
    BenefitPeriod.objects.filter(pk=first.pk).update(last_month=D(2026, 2, 1))
    BenefitPeriod.objects.create(benefit=benefit, first_month=D(2026, 3, 1),
                                 last_month=D(2026, 3, 1), amount=Decimal("333.33"))
    BenefitPeriod.objects.create(benefit=benefit, first_month=D(2026, 4, 1),
                                 last_month=D(2026, 5, 1), amount=Decimal("0.10"))
    finding = verified(benefit, staff, clock, first=D(2025, 11, 1), last=D(2026, 5, 1))
    assert finding.amount_due == Decimal("1533.53")  # 1200 + 333.33 + 0.10 + 0.10
    assert [m["month"] for m in finding.months] == ["2026-02", "2026-03", "2026-04", "2026-05"]


def test_recording_refuses_a_future_month_months_never_paid_and_an_overlap(
        benefit, staff, clock):
    clock.set(D(2026, 9, 20))
    caseworker = staff["caseworker_a"]
    with pytest.raises(ServiceError, match="不能晚于本月"):
        record(benefit, caseworker, last=D(2026, 10, 1))
    with pytest.raises(ServiceError, match="未领取最低生活保障金"):
        record(benefit, caseworker, first=D(2025, 6, 1), last=D(2025, 12, 1))
    with pytest.raises(ServiceError, match="请勿填写身份证号"):  # the facts show on pages
        services.finding_record(benefit=benefit, by=caseworker, means="forgery",
                                facts=f"伪造{benefit.household.head.id_number}的收入证明",
                                first_month=D(2026, 4, 1), last_month=D(2026, 5, 1))
    with pytest.raises(ServiceError, match="不能晚于截止月"):
        record(benefit, caseworker, first=D(2026, 6, 1), last=D(2026, 4, 1))
    first = record(benefit, caseworker)
    with pytest.raises(ServiceError, match=f"与认定{first.number}的骗取期间重叠"):
        record(benefit, caseworker, first=D(2026, 8, 1), last=D(2026, 9, 1))
    assert benefit.fraud_findings.count() == 1


def test_the_township_confirms_and_the_district_verifies_or_dismisses_with_reasons(
        benefit, staff, clock):
    clock.set(D(2026, 9, 20))
    finding = record(benefit, staff["caseworker_a"])
    with pytest.raises(PermissionDenied):  # a caseworker records; the approver confirms
        services.finding_confirm(finding=finding, by=staff["caseworker_a"])
    with pytest.raises(PermissionDenied):  # the district verifies only what was confirmed
        services.finding_verify(finding=finding, by=staff["caseworker_a"], sanction="warning",
                                panel="法律顾问")
    with pytest.raises(ServiceError, match="待镇\\(街道\\)确认"):
        services.finding_verify(finding=finding, by=staff["reviewer"], sanction="warning",
                                panel="法律顾问")
    services.finding_confirm(finding=finding, by=staff["approver_a"], note="材料齐全")
    with pytest.raises(ServiceError, match="法律顾问"):  # reading note 2
        services.finding_verify(finding=finding, by=staff["reviewer"], sanction="warning",
                                panel=" ")
    with pytest.raises(ServiceError, match="不予认定的理由"):
        services.finding_dismiss(finding=finding, by=staff["reviewer"], reasons="")
    dismissed = services.finding_dismiss(finding=finding, by=staff["reviewer"],
                                         reasons="工资为家庭成员申请后新增，已按规定报告")
    assert (dismissed.state, dismissed.amount_due) == (FindingState.DISMISSED, None)
    assert not DishonestyEntry.objects.exists()
    # A dismissed finding no longer blocks its months.
    assert record(benefit, staff["caseworker_a"], first=D(2026, 5, 1)).state == FindingState.RECORDED


def test_instalments_reduce_the_balance_and_overpaying_is_refused(benefit, staff, clock):
    finding = verified(benefit, staff, clock)
    caseworker = staff["caseworker_a"]
    repay(finding, caseworker, "1000", "SJ-001")
    assert fresh(finding).balance == Decimal("5900.00")
    with pytest.raises(ServiceError, match="超过未追回余额5900.00元"):
        repay(finding, caseworker, "5900.01", "SJ-002")
    with pytest.raises(ServiceError, match="已经登记过"):
        repay(finding, caseworker, "100", "SJ-001")
    with pytest.raises(PermissionDenied):  # the township collects
        repay(finding, staff["reviewer"], "100", "SJ-003")
    repay(finding, caseworker, "5900.00", "SJ-004")
    assert fresh(finding).balance == Decimal("0.00")
    with pytest.raises(ServiceError, match="没有未追回余额"):
        repay(finding, caseworker, "1", "SJ-005")
    assert list(Repayment.objects.filter(finding=finding).values_list("amount", flat=True)) == [
        Decimal("1000.00"), Decimal("5900.00")]
    events = FindingEvent.objects.filter(finding=finding, action="repay")
    assert [e.data["balance"] for e in events] == ["5900.00", "0.00"]
    # The instalments are append-only, below the ORM as well.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Repayment.objects.filter(finding=finding).update(amount=Decimal("1"))


def test_a_write_off_needs_a_reason_and_the_districts_approval(benefit, staff, clock):
    finding = verified(benefit, staff, clock)
    repay(finding, staff["caseworker_a"], "900", "SJ-101")
    with pytest.raises(ServiceError, match="申请核销的理由"):
        services.finding_request_write_off(finding=finding, by=staff["caseworker_a"], reasons=" ")
    services.finding_request_write_off(finding=finding, by=staff["caseworker_a"],
                                       reasons="户主已死亡，无遗产可供执行")
    with pytest.raises(ServiceError, match="等待区民政局审批"):
        services.finding_request_write_off(finding=finding, by=staff["caseworker_a"],
                                           reasons="再次申请")
    for township in (staff["caseworker_a"], staff["approver_a"]):
        with pytest.raises(PermissionDenied):
            services.finding_approve_write_off(finding=finding, by=township)
    assert fresh(finding).written_off == Decimal("0.00")
    # Refused: recovery goes on; asked again and approved: the balance is written off.
    with pytest.raises(ServiceError, match="不批准核销的理由"):
        services.finding_refuse_write_off(finding=finding, by=staff["reviewer"], reasons="")
    services.finding_refuse_write_off(finding=finding, by=staff["reviewer"],
                                      reasons="其配偶有稳定收入，可分期退还")
    assert fresh(finding).write_off_requested_on is None
    services.finding_request_write_off(finding=finding, by=staff["caseworker_a"],
                                       reasons="配偶重病住院，确无偿还能力")
    services.finding_approve_write_off(finding=finding, by=staff["reviewer"])
    item = fresh(finding)
    assert (item.written_off, item.balance, item.written_off_by) == (
        Decimal("6000.00"), Decimal("0.00"), staff["reviewer"])
    approved = FindingEvent.objects.get(finding=finding, action="approve_write_off")
    assert approved.data == {"written_off": "6000.00", "reason": "配偶重病住院，确无偿还能力"}
    assert approved.actor == staff["reviewer"]


def test_the_ledger_is_exported_unless_not_pushing_was_decided_with_a_reason(
        benefit, build, staff, clock, client):
    # Two findings on 2026-09-20: one household repays within the days, one does not.
    repaid = verified(benefit, staff, clock)
    clock.set(D(2026, 1, 10))
    other = Benefit.objects.get(application=build.confirmed())
    refusing = verified(other, staff, clock, first=D(2026, 3, 1), last=D(2026, 4, 1))
    clock.set(D(2026, 10, 8))
    repay(repaid, staff["caseworker_a"], "6900", "SJ-201")
    reviewer = staff["reviewer"]
    with pytest.raises(ServiceError, match="不推送的理由"):
        services.finding_withhold_push(finding=repaid, by=reviewer, reasons="")
    with pytest.raises(ServiceError, match="30日内全部退还"):
        services.finding_withhold_push(finding=refusing, by=reviewer, reasons="态度较好")
    with pytest.raises(PermissionDenied):
        services.finding_withhold_push(finding=repaid, by=staff["approver_a"], reasons="态度较好")
    services.finding_withhold_push(finding=repaid, by=reviewer,
                                   reasons="批评教育后认错态度较好，已于认定后18日内全部退还")
    entry = DishonestyEntry.objects.get(finding=repaid)
    assert (entry.decision, entry.decided_by) == (PushDecision.WITHHOLD, reviewer)
    assert FindingEvent.objects.get(finding=repaid, action="withhold_push").data == {
        "before": "", "after": "withhold"}

    # Within the days nothing is due; after them the one not withheld is.
    assert selectors.ledger_to_push(fetched_by=reviewer) == []
    clock.set(D(2026, 10, 21))
    assert [e.finding_id for e in selectors.ledger_to_push(fetched_by=reviewer)] == [refusing.pk]

    client.force_login(staff["caseworker_a"])  # the export is the district's
    assert client.post(reverse("cases:integrity_export")).status_code == 403
    client.force_login(reviewer)
    response = client.post(reverse("cases:integrity_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    refusing_person = other.household.head
    assert rows[0][:3] == ["认定编号", "姓名", "身份证号"]
    assert [(r[0], r[1], r[2], r[5], r[8]) for r in rows[1:]] == [
        (refusing.number, refusing_person.name, refusing_person.id_number, "2400.00", "2400.00")]
    assert rows[1][-1] == "大兴区民政局"
    assert benefit.household.head.id_number not in text
    entry = DishonestyEntry.objects.get(finding=refusing)
    assert (entry.pushed_by, entry.pushed_at is not None) == (reviewer, True)
    assert FindingEvent.objects.get(finding=refusing, action="push").actor == reviewer
    assert HouseholdAccess.objects.filter(household_id_ref=other.household_id, user=reviewer,
                                          detail__contains="身份证号").exists()
    # Pushed once: not again (unless a lost file is exported again), and its decision can
    # no longer change.
    assert selectors.ledger_to_push(fetched_by=reviewer) == []
    assert selectors.ledger_to_push(fetched_by=reviewer, again=True) == [entry]
    with pytest.raises(ServiceError, match="已于.*推送"):
        services.finding_decide_push(finding=refusing, by=reviewer, reasons="拒不退还")


def test_the_district_may_push_at_once_a_person_who_refuses_to_repay(benefit, staff, clock):
    finding = verified(benefit, staff, clock)
    reviewer = staff["reviewer"]
    assert selectors.ledger_to_push(fetched_by=reviewer) == []  # within the days
    services.finding_decide_push(finding=finding, by=reviewer, reasons="拒不退还骗取资金，情节恶劣")
    assert [e.finding_id for e in selectors.ledger_to_push(fetched_by=reviewer)] == [finding.pk]


def test_the_member_named_is_the_person_in_the_ledger(benefit, household, staff, clock):
    spouse = add_member(household, staff["caseworker_a"])
    finding = verified(benefit, staff, clock, member_id=spouse.pk)
    assert DishonestyEntry.objects.get(finding=finding).person == spouse


def test_a_caseworker_of_another_township_gets_404_and_cannot_act(
        benefit, staff, clock, client):
    finding = verified(benefit, staff, clock)
    outsider = staff["caseworker_b"]
    with pytest.raises(PermissionDenied):
        repay(finding, outsider, "100", "SJ-301")
    with pytest.raises(PermissionDenied):
        record(benefit, outsider, first=D(2026, 2, 1), last=D(2026, 3, 1))
    client.force_login(outsider)
    assert client.get(reverse("cases:integrity_detail", args=[finding.pk])).status_code == 404
    assert client.post(reverse("cases:integrity_act", args=[finding.pk, "repay"]),
                       {"repay-received_on": "2026-09-20", "repay-amount": "1",
                        "repay-receipt_number": "X"}).status_code == 404
    assert finding.number not in client.get(reverse("cases:integrity")).content.decode()
    assert client.get(reverse("cases:integrity_district")).status_code == 403
    client.force_login(staff["assistant_a1"])  # community assistants do not read findings
    assert client.get(reverse("cases:integrity")).status_code == 403


def test_pages_render_for_each_role_without_id_numbers(benefit, staff, clock, client):
    finding = verified(benefit, staff, clock)
    id_number = benefit.household.head.id_number
    pages = {
        "caseworker_a": [reverse("cases:integrity"), reverse("cases:integrity") + "?status=all",
                         reverse("cases:integrity_new") + f"?number={benefit.number}",
                         reverse("cases:integrity_detail", args=[finding.pk])],
        "approver_a": [reverse("cases:integrity_detail", args=[finding.pk])],
        "reviewer": [reverse("cases:integrity_district"),
                     reverse("cases:integrity_detail", args=[finding.pk])],
    }
    for who, urls in pages.items():
        client.force_login(staff[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            assert id_number not in response.content.decode(), (who, url)
    client.force_login(staff["caseworker_a"])
    page = client.get(reverse("cases:integrity_detail", args=[finding.pk])).content.decode()
    assert "6900.00" in page and "登记退还" in page and "申请核销" in page
    stop = reverse("cases:benefit", args=[benefit.pk]) + "#action-stop"
    assert f'href="{stop}"' in page  # offered to the township, not done
    assert "没有找到该编号" in client.get(reverse("cases:integrity_new") + "?number=X-1").content.decode()
    client.force_login(staff["reviewer"])
    assert stop not in client.get(reverse("cases:integrity_detail", args=[finding.pk])).content.decode()
    district = client.get(reverse("cases:integrity_district")).content.decode()
    assert finding.number in district and "及时退还观察期" in district


def test_steps_through_the_pages(benefit, staff, clock, client):
    clock.set(D(2026, 9, 20))
    client.force_login(staff["caseworker_a"])
    response = client.post(reverse("cases:integrity_new") + f"?benefit={benefit.pk}", {
        "means": "false_declaration", "facts": "虚报家庭人口", "first_month": "2026-06",
        "last_month": "2026-07", "member": ""})
    finding = benefit.fraud_findings.get()
    assert response.status_code == 302 and (finding.first_month, finding.last_month) == (
        D(2026, 6, 1), D(2026, 7, 1))
    client.force_login(staff["approver_a"])
    client.post(reverse("cases:integrity_act", args=[finding.pk, "confirm"]), {"confirm-note": ""})
    client.force_login(staff["reviewer"])
    client.post(reverse("cases:integrity_act", args=[finding.pk, "verify"]),
                {"verify-sanction": "criticism", "verify-panel": "法律专家评议团", "verify-note": ""})
    assert fresh(finding).amount_due == Decimal("3000.00")
    client.force_login(staff["caseworker_a"])
    refused = client.post(reverse("cases:integrity_act", args=[finding.pk, "repay"]), {
        "repay-received_on": "2026-09-20", "repay-amount": "3000.01",
        "repay-receipt_number": "SJ-9"})
    assert refused.status_code == 400 and "超过未追回余额3000.00元" in refused.content.decode()
    client.post(reverse("cases:integrity_act", args=[finding.pk, "repay"]), {
        "repay-received_on": "2026-09-20", "repay-amount": "1000", "repay-receipt_number": "SJ-9"})
    assert fresh(finding).balance == Decimal("2000.00")
