"""Income and rigid-expenditure categories (DB §12–13; seed 001 note 5), as data an
administrator can extend. Seeded by migration 0002 and, in tests, after a flush."""

INCOME = [
    # code, name, counted, source
    ("wage", "工资性收入", True, "审核确认办法第十二条"),
    ("business", "经营净收入", True, "审核确认办法第十二条"),
    ("property", "财产净收入", True, "审核确认办法第十二条"),
    ("transfer", "转移净收入（养老金、赡养费等）", True, "审核确认办法第十二条"),
    ("other", "其他应计入收入", True, "审核确认办法第十二条"),
    ("special_care", "优待抚恤金", False, "审核确认办法第十三条(一)"),
    ("family_planning", "计划生育奖励与扶助金", False, "审核确认办法第十三条(一)"),
    ("scholarship", "奖学金", False, "审核确认办法第十三条(一)"),
    ("good_samaritan", "见义勇为等奖励性补助", False, "审核确认办法第十三条(一)"),
    ("assistance", "政府发放的各类社会救助款物", False, "审核确认办法第十三条(二)"),
    ("basic_pension", "城乡居民基本养老保险基础养老金", False,
     "审核确认办法第十三条(三)，“十四五”期间；期满后按本地规定调整"),
]

EXPENDITURE = [
    ("medical", "重特大疾病、慢性病医疗费用",
     "申请前12个月内经基本医保、大病保险、补充保险和医疗救助后个人实际负担部分；交通、食宿费用除外"),
    ("rehabilitation", "残疾人康复费用",
     "年度内在具备资质机构发生的康复治疗和必要辅具费用，按年度上限扣减"),
    ("education", "非义务教育阶段学费",
     "国内全日制普通高校、高职、大专和中职的学年学费；自费出国留学除外"),
    ("pension", "个人缴纳的基本养老保险费",
     "城乡居民或职工基本养老保险个人缴费部分；政府补贴和单位缴费除外"),
    ("other", "县级规定的其他刚性支出", "由县级民政部门确定"),
]


def seed_categories(IncomeCategory, ExpenditureCategory) -> None:  # noqa: N803 - model classes
    """Create or update the categories; takes the models so a migration can pass its own."""
    for order, (code, name, counted, source) in enumerate(INCOME):
        IncomeCategory.objects.update_or_create(
            code=code, defaults={"name": name, "counted": counted, "source": source, "order": order})
    for order, (code, name, description) in enumerate(EXPENDITURE):
        ExpenditureCategory.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "order": order})
