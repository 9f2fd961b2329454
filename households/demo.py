"""About fifty demo households with realistic names and valid, generated ID numbers.

Deterministic (fixed seed): running it again finds the same heads and adds nothing.
All data goes through households.services, like any caseworker's entry.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.demo import TOWNSHIPS
from accounts.models import Region, User
from accounts.roles import Level
from core.demo_clock import on
from core.idnumber import check_digit
from households import services
from households.models import (
    Asset,
    Expenditure,
    ExpenditureCategory,
    Income,
    IncomeCategory,
    Member,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_MALE = ["建国", "志强", "国庆", "德明", "文华", "海军", "春生", "永刚", "立新", "振华", "宏伟", "俊杰",
              "子轩", "浩然", "宇航", "明辉", "长青", "保国", "福来", "金山"]
GIVEN_FEMALE = ["秀英", "桂兰", "玉梅", "淑珍", "丽娟", "春梅", "海燕", "红霞", "雪梅", "婷婷", "欣怡", "梓涵",
                "雨桐", "佳慧", "凤英", "素芳", "金凤", "晓燕", "美玲", "月华"]
STREETS = ["兴丰大街", "林校路", "清源路", "兴华大街", "黄村西大街", "金星路", "兴政街", "枣园路"]
HARDSHIP_NOTES = ["慢性肾病长期透析", "脑梗后遗症", "糖尿病并发症", "肺癌术后化疗", "高血压心脏病"]


def make_id_number(birth: datetime.date, order: int, *, male: bool) -> str:
    """A valid number for 大兴: 110224 (大兴县) before 2001, 110115 (大兴区) after."""
    address = "110115" if birth.year >= 2001 else "110224"
    order = order % 500 * 2 + (1 if male else 0)  # odd for men, even for women
    first17 = f"{address}{birth:%Y%m%d}{order:03d}"
    return first17 + check_digit(first17)


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.order = 0

    def person(self, surname: str, *, male: bool, born_between: tuple[int, int]) -> dict:
        self.order += 1
        year = self.rng.randint(*born_between)
        birth = datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        given = self.rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        return {"name": surname + given, "id_number": make_id_number(birth, self.order, male=male)}


def _household_plan(gen: _Generator, index: int) -> dict:
    rng = gen.rng
    surname = SURNAMES[index % len(SURNAMES)]
    kind = rng.choice(["elderly", "family", "family", "single_parent", "disabled"])
    head_male = kind != "single_parent" and rng.random() < 0.7
    members = []
    if kind == "elderly":
        head = gen.person(surname, male=head_male, born_between=(1940, 1955))
        head.update(employment="retired", health=rng.choice(["chronic", "serious"]))
        if rng.random() < 0.6:
            spouse = gen.person(rng.choice(SURNAMES), male=not head_male, born_between=(1940, 1956))
            spouse.update(relation="spouse", employment="retired", self_care=rng.choice(
                ["able", "partial", "full"]))
            members.append(spouse)
    else:
        head = gen.person(surname, male=head_male, born_between=(1968, 1990))
        head.update(employment=rng.choice(["flexible", "unemployed", "employed"]))
        if kind != "single_parent":
            spouse = gen.person(rng.choice(SURNAMES), male=not head_male, born_between=(1968, 1992))
            spouse.update(relation="spouse", employment=rng.choice(["unemployed", "flexible"]))
            if kind == "disabled":
                spouse.update(disability=rng.choice(["1", "2"]), self_care="full",
                              employment="unable")
            members.append(spouse)
        for _ in range(rng.randint(1, 2)):
            child = gen.person(surname, male=rng.random() < 0.5, born_between=(2004, 2020))
            child.update(relation="child",
                         employment="student" if child["id_number"][6:10] < "2019" else "preschool")
            members.append(child)
        if rng.random() < 0.3:
            parent = gen.person(surname, male=rng.random() < 0.5, born_between=(1938, 1952))
            parent.update(relation="parent", employment="retired", health="chronic")
            members.append(parent)
    if head.get("health") in ("chronic", "serious"):
        head["health_note"] = rng.choice(HARDSHIP_NOTES)
    # Every random draw happens here, whether or not the household exists already,
    # so that a rerun walks the same sequence and finds the same households.
    return {
        "head": head, "members": members, "kind": kind,
        "address": f"{rng.choice(STREETS)}{rng.randint(1, 60)}号院{rng.randint(1, 12)}号楼"
                   f"{rng.randint(1, 6)}单元{rng.randint(101, 1802)}",
        "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        "wage": Decimal(rng.randrange(0, 24000, 600)) if kind != "elderly" else Decimal(0),
        "medical": Decimal(rng.randrange(2000, 36000, 100)),
        "spent_on": datetime.date(2026, rng.randint(1, 10), rng.randint(1, 28)),
        "deposit": Decimal(rng.randrange(1000, 30000, 500)) if rng.random() < 0.15 else None,
    }


def load(*, count: int = 50, seed: int = 20260701) -> int:
    """Create the demo households that do not exist yet; returns how many were created."""
    communities = list(Region.objects.filter(level=Level.COMMUNITY, code__startswith="110115")
                       .select_related("parent").order_by("code"))
    if not communities:
        return 0
    income = {c.code: c for c in IncomeCategory.objects.all()}
    spending = {c.code: c for c in ExpenditureCategory.objects.all()}
    gen = _Generator(seed)
    created = 0
    for index in range(count):
        plan = _household_plan(gen, index)
        community = communities[index % len(communities)]
        head = plan["head"]
        if Member.objects.filter(id_number=head["id_number"]).exists():
            continue
        clerk = User.objects.get(username=_caseworker_username(community))
        with on(registered_on()):
            household = _register(plan, community, clerk, income)
        if head.get("health") == "serious" or plan["kind"] == "disabled":
            category = spending["medical" if head.get("health") else "rehabilitation"]
            with on(min(plan["spent_on"], timezone.localdate())):  # recorded when paid
                services.record_add(household=household, by=clerk, model=Expenditure,
                                    data={"category": category, "amount": plan["medical"],
                                          "incurred_on": plan["spent_on"],
                                          "note": "医保报销后个人自付"})
        created += 1
    return created


def registered_on() -> datetime.date:
    """The day the demo households were registered: before the oldest demo case (a 特困
    benefit decided a year before its review, accepted some weeks earlier)."""
    day = timezone.localdate() - datetime.timedelta(days=430)
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))


def _register(plan: dict, community: Region, clerk: User, income: dict):
    """The household, its members, incomes and deposit, as registered."""
    head = plan["head"]
    household = services.household_create(
        by=clerk,
        household={"region": community, "residence": "urban",
                   "address": community.name + plan["address"], "phone": plan["phone"]},
        head=head)
    for data in plan["members"]:
        services.member_add(household=household, by=clerk, data=data)
    if plan["wage"]:
        services.record_add(household=household, by=clerk, model=Income,
                            data={"category": income["wage"], "amount": plan["wage"],
                                  "months": 12, "note": "灵活就业收入"})
    if plan["kind"] == "elderly":
        services.record_add(household=household, by=clerk, model=Income,
                            data={"category": income["basic_pension"],
                                  "amount": Decimal("10800.00"), "months": 12})
    if plan["deposit"]:
        services.record_add(household=household, by=clerk, model=Asset,
                            data={"kind": "deposit", "value": plan["deposit"],
                                  "description": "活期存款"})
    return household


def _caseworker_username(community: Region) -> str:
    prefix = next(p for code, _, p, _ in TOWNSHIPS if code == community.parent.code)
    return f"{prefix}_caseworker"
