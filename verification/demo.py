"""Demo agency files for 大兴区: one import per source, built from the demo households
so that a case accepted in the demo gets an automatic report. Two contradictions are
planted: a car registered to one household, and a bank balance above another's
declaration. Loaded after the demo cases (whose results were entered by hand)."""

import csv
import datetime
import io

from accounts.models import Region, User
from households import services as household_services
from households.models import Asset, Income, Member
from verification.models import ImportBatch
from verification.services import source_import
from verification.sources import SOURCES


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("gb18030")  # as many agencies deliver them: GBK


def load() -> int:
    district = Region.objects.filter(code="110115").first()
    reviewer = User.objects.filter(username="daxing_reviewer").first()
    if district is None or reviewer is None or ImportBatch.objects.filter(district=district).exists():
        return 0
    members = list(Member.objects.filter(household__region__code__startswith="110115")
                   .order_by("household_id", "id"))
    heads = [m for m in members if m.relation == Member.Relation.HEAD]
    head_of = {m.household_id: m.pk for m in heads}
    wages = {}
    for income in Income.objects.filter(household__in={m.household_id for m in members},
                                        category__counted=True):
        earner = income.member_id or head_of[income.household_id]  # household rows: the head
        wages[earner] = wages.get(earner, 0) + income.amount * 12 / income.months
    deposits = {a.member_id: a.value for a in Asset.objects.filter(member__in=members, kind="deposit")}
    car_owner, saver = heads[11], heads[17]
    owners = [m for n, m in enumerate(heads) if n % 3]
    for owner in owners:  # the families declared the home they live in
        if not Asset.objects.filter(household_id=owner.household_id, kind="real_estate").exists():
            household_services.record_add(
                household=owner.household, by=owner.household.created_by, model=Asset,
                data={"member": owner, "kind": "real_estate", "value": 0,
                      "description": "自有住房一套（自住）"})
    rows = {
        "hukou": [[m.id_number, m.name, "正常"] for m in members],
        "vehicle": [[car_owner.id_number, car_owner.name, "京Q8M2K6", "小型轿车", "68000"]],
        "real_estate": [[m.id_number, m.name, f"京(2019)大兴区不动产权第{1000 + n:07d}号", "住宅", "58.6"]
                        for n, m in enumerate(owners)],
        "business": [[heads[5].id_number, heads[5].name, "92110115MA01ABCD5X", "注销", "10000"]],
        "tax": [[m.id_number, m.name, "工资薪金", f"{wages[m.pk]:.2f}"] for m in members
                if wages.get(m.pk)],
        "social_insurance": [[m.id_number, m.name, "缴费基数", f"{wages[m.pk] / 12:.2f}"]
                             for m in members if wages.get(m.pk, 0) > 6000],
        "housing_fund": [],
        "deposit": [[m.id_number, m.name, "北京农商银行", "存款", f"{deposits.get(m.pk, 0):.2f}"]
                    for m in heads if m.pk in deposits]
        + [[saver.id_number, saver.name, "中国工商银行", "存款", "86000.00"]],
    }
    imported = 0
    for code, data in rows.items():
        if not data:
            continue
        outcome = source_import(district=district, source=code,
                                content=_csv([SOURCES[code].headers, *data]),
                                filename=f"{SOURCES[code].label}-2026年10月.csv",
                                data_date=datetime.date(2026, 10, 31), by=reviewer)
        if outcome.batch is None:
            raise RuntimeError(f"demo import {code}: {outcome.result.errors[:3]}")
        imported += 1
    return imported
