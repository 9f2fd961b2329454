"""Demo data for the district's supervision: a register of cadres and their relatives
(one of them related to a demo household), filed cases from recent months in every
street, two streets' rosters for last month (the third is late), and the statistics.

The cases go through cases.services like any other, each step on its own day of the
last months (core.demo_clock), so that the statistics and the spot check have months to
show."""

import datetime
import io

from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from cases import services as case_services
from cases.demo.cases import _staff, decided_case, workday
from cases.models import (
    Application,
    FilingBatch,
)
from core.demo_clock import on
from core.idnumber import check_digit
from filing import services
from households.models import Household, Member

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


def _file_street(township: Region, relative: Household | None) -> int:
    acceptor, reviewer, approver, district_user, _ = _staff(township)
    taken = Application.objects.values("household_id")
    spare = list(Household.objects.filter(region__parent=township).exclude(pk__in=taken)
                 .order_by("id")[:EXTRA_PER_STREET])
    if relative is not None and relative not in spare:
        spare = [relative, *spare[:EXTRA_PER_STREET - 1]]
    if not spare:
        return 0
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    # Decided over the last four months (in the order of their dates, so that the case
    # numbers follow them), filed on the 25th of last month.
    plans = sorted(((last_month_end.replace(day=1) - datetime.timedelta(days=31 * (index % 4))
                     ).replace(day=min(20, 5 + index * 3)), index, h)
                   for index, h in enumerate(spare))
    decided = [decided_case(h, (acceptor, reviewer, approver, district_user), decided_on,
                            kind="temporary" if index == 3 else None,
                            amount=800 if index == 3 else None)
               for decided_on, index, h in plans]
    with on(workday(last_month_end.replace(day=25))):
        case_services.applications_file(applications=decided, by=acceptor)
    return len(decided)


def _rosters(townships: list[Region]) -> None:
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for township in townships:
        acceptor = _staff(township)[0]
        with on(workday(timezone.localdate().replace(day=5))):
            services.roster_submit(township=township, month=last_month, by=acceptor)

