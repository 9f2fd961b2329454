"""Demo data for the district's supervision: a register of cadres and their relatives
(one of them related to a demo household), filed cases from recent months in every
street, two streets' rosters for last month (the third is late), and the statistics.

The cases go through cases.services like any other; only their dates are moved back
afterwards, so that the statistics and the spot check have months to show."""

import datetime
import io

from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.workdays import working_days_between
from cases import services as case_services
from cases.demo.cases import _scan, _staff
from cases.models import (
    ONE_OFF_TYPES,
    Application,
    Benefit,
    BenefitPeriod,
    CaseDocument,
    FilingBatch,
)
from cases.services.benefits import months_later
from core.idnumber import check_digit
from filing import services
from households.models import Household, Member
from publicity.models import Notice

DISTRICT = "110115"
EXTRA_PER_STREET = 5


def _id(serial: int, birth: str = "19700101") -> str:
    first17 = f"110115{birth}{serial:03d}"
    return first17 + check_digit(first17)


def load() -> int:
    district = Region.objects.filter(code=DISTRICT).first()
    if district is None or FilingBatch.objects.filter(township__parent=district).exists():
        return 0
    townships = list(Region.objects.filter(parent=district, level=Level.TOWNSHIP).order_by("code"))
    reviewer = User.objects.get(username="daxing_reviewer")
    relative = _register(district, townships[0], reviewer)
    filed = 0
    for index, township in enumerate(townships):
        filed += _file_street(township, relative if index == 0 else None)
    _rosters(townships[:2])
    services.statistics_refresh(district=district)
    return filed


def _register(district: Region, township: Region, reviewer: User) -> Household | None:
    """A register with two cadres and their relatives; the head of one demo household
    without a case yet is the father of a community committee member."""
    household = (Household.objects.filter(region__parent=township, applications__isnull=True)
                 .order_by("id").first())
    if household is None:
        return None
    head = household.members.get(relation=Member.Relation.HEAD)
    cadre, official = _id(901, "19900312"), _id(902, "19850720")
    rows = [
        ["身份证号", "姓名", "与登记人员关系", "登记人员身份证号", "登记人员姓名", "身份类别", "工作单位及职务"],
        [cadre, "周晓东", "本人", cadre, "周晓东", "村(居)民委员会成员", f"{household.region.name}居委会委员"],
        [head.id_number, head.name, "父母", cadre, "周晓东", "村(居)民委员会成员",
         f"{household.region.name}居委会委员"],
        [official, "钱立新", "本人", official, "钱立新", "党政机关工作人员", "区某局科员"],
        [_id(903, "19870101"), "孙美华", "配偶", official, "钱立新", "党政机关工作人员", "区某局科员"],
    ]
    # deferred: a heavy library, loaded only when this runs
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = services.cadre_register_import(district=district, content=buffer.getvalue(),
                                             filename="干部亲属登记表（演示）.xlsx",
                                             by=reviewer)
    assert outcome.register is not None, outcome.result.errors
    return household


def _decided(household, acceptor, reviewer, approver, district_user, kind="dibao"):
    app = case_services.application_accept_new(
        household=household, assistance_type=kind, hardship="illness",
        reason="家庭成员患病，收入不足", by=acceptor,
        documents=[(CaseDocument.Kind.AUTHORIZATION, _scan("社会救助申请及核对授权书"))])
    case_services.application_record_home_investigation(
        application=app, by=acceptor,
        data={"visited_on": timezone.localdate(), "investigators": "王强、李娜",
              "findings": "入户查看居住和生活情况，与申报一致。", "signed_form": _scan("入户调查表")})
    case_services.application_record_verification(
        application=app, by=district_user, summary="未发现机动车、房产和工商登记。",
        has_warning=False, warnings="")
    case_services.application_finish_investigation(application=app, by=acceptor)
    case_services.application_propose(application=app, by=reviewer, approve=True,
                                      amount=800 if kind == "temporary" else None,
                                      reasons="符合救助条件；临时救助按本次困难情况一次性给予")
    past = timezone.localdate() - datetime.timedelta(days=9)
    Notice.objects.filter(application=app).update(opened_on=past,
                                                  earliest_close=past + datetime.timedelta(days=7))
    case_services.application_close_publicity(application=app, by=reviewer,
                                              skip_reason="公示期满无异议，核对无预警")
    return case_services.application_approve(application=app, by=approver)


def _file_street(township: Region, relative: Household | None) -> int:
    acceptor, reviewer, approver, district_user, _ = _staff(township)
    taken = Application.objects.values("household_id")
    spare = list(Household.objects.filter(region__parent=township).exclude(pk__in=taken)
                 .order_by("id")[:EXTRA_PER_STREET])
    if relative is not None and relative not in spare:
        spare = [relative, *spare[:EXTRA_PER_STREET - 1]]
    kinds = ["dibao", "tekun", "dibao", "temporary", "dibao"]
    decided = [_decided(h, acceptor, reviewer, approver, district_user, kinds[i % len(kinds)])
               for i, h in enumerate(spare)]
    if not decided:
        return 0
    batch = case_services.applications_file(applications=decided, by=acceptor)
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    # Move the history back: decided over the last four months, filed last month.
    for index, app in enumerate(decided):
        decided_on = (last_month_end.replace(day=1) - datetime.timedelta(days=31 * (index % 4))
                      ).replace(day=min(20, 5 + index * 3))
        accepted_on = decided_on - datetime.timedelta(days=24)
        start = (decided_on.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        Application.objects.filter(pk=app.pk).update(
            accepted_on=accepted_on, decided_on=decided_on, start_month=start,
            decision_workdays=working_days_between(accepted_on, decided_on))
        # The benefit in force moves with its decision: paid from the month after it,
        # reviewed a cycle after it.
        benefit = Benefit.objects.get(application=app)
        one_off = benefit.assistance_type in ONE_OFF_TYPES
        Benefit.objects.filter(pk=benefit.pk).update(
            start_month=start, last_month=start if one_off else None,
            next_review_on=None if one_off else months_later(decided_on, benefit.review_months))
        BenefitPeriod.objects.filter(benefit=benefit).update(
            first_month=start, last_month=start if one_off else None)
    FilingBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(
            last_month_end.replace(day=25), datetime.time(10, 0))))
    return len(decided)


def _rosters(townships: list[Region]) -> None:
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for township in townships:
        acceptor = _staff(township)[0]
        services.roster_submit(township=township, month=last_month, by=acceptor)

