"""Bulk import of households already receiving aid, from the previous system's XLSX (or
CSV) export: one row per person, the household's facts on its head's row.

Template (columns, in any order; the header row must match):

| column | content |
|---|---|
| 户主身份证号 | the head's ID number, on every row of the household |
| 身份证号 | this person's ID number |
| 姓名 | this person's name |
| 与户主关系 | 户主, 配偶, 子女, 父母, 兄弟姐妹, 祖父母/外祖父母, 孙子女/外孙子女, 儿媳/女婿, 其他 |
| 社区代码 | the 12-digit code of the community (head's row) |
| 城乡类别 | 城市 or 农村 (head's row) |
| 住址 | (head's row) |
| 联系电话 | (head's row, optional) |
| 救助类别 | 最低生活保障, 特困人员救助供养, … (head's row) |
| 月保障金额 | yuan a month (head's row) |
| 起始月份 | YYYY-MM, the month the benefit started (head's row) |
| 原系统编号 | optional: the case number in the previous system |

The file is checked whole before anything is written; any faulty row refuses the file
with every row's problem listed (rows and columns, never values). Then every household,
its members and its case go in, or none do.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Region
from cases.models import AssistanceType
from core.tabular import Column, ReadResult, SourceSpec, read_rows
from households.models import Member

RELATIONS = {label: code for code, label in Member.Relation.choices}
TYPES = {label: code for code, label in AssistanceType.choices}

SPEC = SourceSpec("legacy", "原系统在保对象", "原社会救助信息系统", (
    Column("户主身份证号", "head_id", "id"),
    Column("身份证号", "id_number", "id"),
    Column("姓名", "name"),
    Column("与户主关系", "relation", "choice", choices=tuple(RELATIONS)),
    Column("社区代码", "community", required=False),
    Column("城乡类别", "residence", "choice", required=False, choices=("城市", "农村")),
    Column("住址", "address", required=False),
    Column("联系电话", "phone", required=False),
    Column("救助类别", "assistance_type", "choice", required=False, choices=tuple(TYPES)),
    Column("月保障金额", "amount", "decimal", required=False),
    Column("起始月份", "start_month", required=False),
    Column("原系统编号", "legacy_number", required=False),
), key=("id_number",), note="每人一行；家庭信息写在户主一行。")


@dataclass
class LegacyHousehold:
    head: dict
    members: list[dict] = field(default_factory=list)
    region: Region | None = None
    start_month: datetime.date | None = None


def read_legacy(content: bytes, *, township: Region) -> tuple[ReadResult, list[LegacyHousehold]]:
    """Every row checked: the columns, then each household as a whole."""
    result = read_rows(SPEC, content)
    households: dict[str, LegacyHousehold] = {}
    rows_of: dict[str, list[int]] = {}
    for number, row in zip(result.numbers, result.rows, strict=True):
        household = households.setdefault(row["head_id"], LegacyHousehold(head={}))
        rows_of.setdefault(row["head_id"], []).append(number)
        row = {**row, "relation": RELATIONS[row["relation"]]}
        if row["relation"] == Member.Relation.HEAD:
            if household.head:
                result.error(f"第{number}行：同一户主身份证号下有两行“户主”。")
                continue
            household.head = {**row, "_row": number}
        else:
            household.members.append({**row, "_row": number})
    communities = {r.code: r for r in Region.objects.filter(parent=township)}
    existing = set(Member.objects.filter(
        id_number__in=[r["id_number"] for r in result.rows]).values_list("id_number", flat=True))
    for head_id, household in households.items():
        first = rows_of[head_id][0]
        head = household.head
        if not head:
            result.error(f"第{first}行：户主身份证号对应的家庭没有“户主”一行。")
            continue
        if head["id_number"] != head_id:
            result.error(f"第{head['_row']}行：户主一行的身份证号应与户主身份证号相同。")
        problems = []
        household.region = communities.get(head.get("community") or "")
        if household.region is None:
            problems.append("社区代码不是本镇(街道)的社区(村)")
        if not head.get("residence"):
            problems.append("城乡类别为空")
        if not head.get("address"):
            problems.append("住址为空")
        if not head.get("assistance_type"):
            problems.append("救助类别为空")
        if head.get("amount") is None or head["amount"] <= 0:
            problems.append("月保障金额应大于0")
        elif head["amount"] >= Decimal("100000"):
            problems.append("月保障金额过大")
        # "2024-03", or an Excel date cell read as "2024-03-01 00:00:00".
        match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2}(?: 00:00:00)?)?",
                             head.get("start_month") or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            problems.append("起始月份应为“年-月”，如 2024-03")
        else:
            household.start_month = datetime.date(int(match.group(1)), int(match.group(2)), 1)
            if household.start_month > datetime.date.today().replace(day=1):
                problems.append("起始月份不能晚于本月")
        if problems:
            result.error(f"第{head['_row']}行：{'；'.join(problems)}。")
        for person in [head, *household.members]:
            if person["id_number"] in existing:
                result.error(f"第{person['_row']}行：此人已登记在本系统的某个家庭中（一人只能属于一个家庭）。")
    result.sort_errors()
    return result, list(households.values())
