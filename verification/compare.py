"""The verification report (核对报告): what each source found against what the household
declared, and the warnings (预警) where a finding contradicts the declaration beyond the
tolerance or crosses a limit. Every threshold is a rule (accounts.rules).

`compare` is a pure function: given the same declared snapshot, the same records (from
the same import batches) and the same rule values it gives the same report, which is
how a stored report is reproduced.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from verification.sources import SOURCES

ZERO = Decimal("0")
ACTIVE_BUSINESS = "存续"


@dataclass(frozen=True)
class DeclaredMember:
    key: int
    name: str
    annual_income: Decimal  # income the member declared (every category), per year


@dataclass(frozen=True)
class Declared:
    residence: str
    members: tuple[DeclaredMember, ...]
    financial_assets: Decimal = ZERO
    vehicles: int = 0
    dwellings: int = 0
    businesses: int = 0
    # Income declared for the household without naming a member, per year: any
    # member may have earned it, so each member's findings are compared against it too.
    unattributed_income: Decimal = ZERO

    def as_dict(self) -> dict:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, data: dict) -> "Declared":
        return cls(residence=data["residence"],
                   members=tuple(DeclaredMember(m["key"], m["name"], Decimal(m["annual_income"]))
                                 for m in data["members"]),
                   financial_assets=Decimal(data["financial_assets"]),
                   vehicles=data["vehicles"], dwellings=data["dwellings"],
                   businesses=data["businesses"],
                   unattributed_income=Decimal(data.get("unattributed_income", "0")))


@dataclass(frozen=True)
class Record:
    name: str
    label: str = ""
    status: str = ""
    amount: Decimal | None = None
    amount2: Decimal | None = None


@dataclass
class Found:
    """What one source returned for a household: records per member key."""

    available: bool
    by_member: dict[int, list[Record]] = field(default_factory=dict)
    batch_id: int | None = None
    version: str = ""  # "第3版（数据截至2026-10-31）", for the report


@dataclass
class Line:
    source: str
    member: str  # the member's name, or "家庭"
    found: str
    declared: str
    warning: bool
    message: str


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # code → version read, or ""
    declared: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)

    @property
    def has_warning(self) -> bool:
        return bool(self.warnings)

    def summary(self) -> str:
        missing = [SOURCES[c].label for c, v in self.sources.items() if not v]
        text = (f"发现{len(self.warnings)}项预警：{'；'.join(self.warnings)}。" if self.warnings
                else "未发现与申报不符或超过限额的情况。")
        if missing:
            text += f"未比对（尚无数据）：{'、'.join(missing)}。"
        return text

    def as_dict(self) -> dict:
        return _plain({"lines": [asdict(line) for line in self.lines], "warnings": self.warnings,
                       "sources": self.sources, "declared": self.declared, "rules": self.rules})

    def warn(self, source: str, member: str, found: str, declared: str, message: str) -> None:
        self.lines.append(Line(source, member, found, declared, True, message))
        self.warnings.append(f"{SOURCES[source].label}：{member}{message}")

    def note(self, source: str, member: str, found: str, declared: str, message: str) -> None:
        self.lines.append(Line(source, member, found, declared, False, message))


RULE_KEYS = ("finding_tolerance_ratio", "vehicles_allowed", "dwellings_allowed",
             "business_allowed", "financial_assets_limit_months", "dibao_standard_urban",
             "dibao_standard_rural")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}元"


def compare(declared: Declared, found: dict[str, Found], rules: dict) -> Report:
    report = Report(declared=declared.as_dict(),
                    rules={k: _plain(rules.get(k)) for k in RULE_KEYS})
    tolerance = Decimal(str(rules["finding_tolerance_ratio"]))
    for code in SOURCES:
        result = found.get(code)
        report.sources[code] = result.version if result and result.available else ""
        if result is None or not result.available:
            report.note(code, "家庭", "", "", "尚无该来源的数据，未比对")
            continue
        CHECKS[code](report, declared, result, rules, tolerance)
    return report


def _records(result: Found, member: DeclaredMember) -> list[Record]:
    return result.by_member.get(member.key, [])


def _check_hukou(report, declared, result, rules, tolerance):
    for member in declared.members:
        records = _records(result, member)
        if not records:
            report.note("hukou", member.name, "未查到", "", "未查到户籍记录，请人工核实")
            continue
        record = records[0]
        if record.status != "正常":
            report.warn("hukou", member.name, record.status, "在户", f"户籍状态为“{record.status}”")
        elif record.name != member.name:
            report.warn("hukou", member.name, "姓名不一致", member.name, "姓名与户籍登记不一致")
        else:
            report.note("hukou", member.name, "正常", "在户", "一致")


def _count_check(code: str, what: str, unit: str, allowed: int, declared_count: int):
    def check(report, declared, result, rules, tolerance):
        total = 0
        for member in declared.members:
            records = _records(result, member)
            if code == "business":
                records = [r for r in records if r.status == ACTIVE_BUSINESS]
            if records:
                total += len(records)
                report.note(code, member.name, f"{len(records)}{unit}", "",
                            f"名下登记{what}{len(records)}{unit}")
        limit = rules[allowed] if not isinstance(allowed, int) else allowed
        declared_number = getattr(declared, declared_count)
        if code == "business":
            over = total > 0 and not rules["business_allowed"]
            limit_text = "本地规定不允许"
        else:
            over = total > limit
            limit_text = f"允许{limit}{unit}"
        if over:
            report.warn(code, "家庭", f"{total}{unit}", f"{declared_number}{unit}",
                        f"名下{what}{total}{unit}，{limit_text}")
        elif total > declared_number:
            report.warn(code, "家庭", f"{total}{unit}", f"{declared_number}{unit}",
                        f"名下{what}{total}{unit}，多于申报的{declared_number}{unit}（未申报）")
        elif total != declared_number:
            report.note(code, "家庭", f"{total}{unit}", f"{declared_number}{unit}",
                        "与申报数量不同，未超过限额")
        elif total == 0:
            report.note(code, "家庭", "无", "无", "未查到")
    return check


def _income_check(code: str, what: str, yearly):
    def check(report, declared, result, rules, tolerance):
        any_found = False
        for member in declared.members:
            records = _records(result, member)
            if not records:
                continue
            any_found = True
            found_yearly = yearly(records)
            declared_yearly = member.annual_income + declared.unattributed_income
            limit = declared_yearly * (1 + tolerance)
            declared_text = _yuan(member.annual_income) + "/年"
            if declared.unattributed_income:
                declared_text += f"（另有未指明成员的{_yuan(declared.unattributed_income)}/年）"
            if found_yearly > limit:
                report.warn(code, member.name, _yuan(found_yearly) + "/年", declared_text,
                            f"{what}折合年收入{_yuan(found_yearly)}，高于申报{_yuan(declared_yearly)}")
            else:
                report.note(code, member.name, _yuan(found_yearly) + "/年", declared_text,
                            "未超过申报")
        if not any_found:
            report.note(code, "家庭", "无", "", "未查到记录")
    return check


def _sum(records: list[Record], factor: int = 1) -> Decimal:
    return sum((r.amount or ZERO for r in records), ZERO) * factor


def _check_deposit(report, declared, result, rules, tolerance):
    total = ZERO
    for member in declared.members:
        records = _records(result, member)
        if records:
            member_total = _sum(records)
            total += member_total
            report.note("deposit", member.name, _yuan(member_total), "",
                        f"{len(records)}个账户")
    declared_text = _yuan(declared.financial_assets)
    if total > declared.financial_assets * (1 + tolerance):
        report.warn("deposit", "家庭", _yuan(total), declared_text,
                    f"金融资产{_yuan(total)}，高于申报{declared_text}")
    standard = rules.get("dibao_standard_urban" if declared.residence == "urban"
                         else "dibao_standard_rural")
    if standard is not None and declared.members:
        limit = Decimal(str(standard)) * rules["financial_assets_limit_months"]
        per_capita = total / len(declared.members)
        if per_capita > limit:
            report.warn("deposit", "家庭", f"人均{_yuan(per_capita)}", f"上限{_yuan(limit)}",
                        f"人均金融资产{_yuan(per_capita)}，超过上限{_yuan(limit)}")
    if total == 0:
        report.note("deposit", "家庭", "无", declared_text, "未查到记录")


CHECKS = {
    "hukou": _check_hukou,
    "vehicle": _count_check("vehicle", "机动车", "辆", "vehicles_allowed", "vehicles"),
    "real_estate": _count_check("real_estate", "住房", "套", "dwellings_allowed", "dwellings"),
    "business": _count_check("business", "存续经营主体", "户", 0, "businesses"),
    "tax": _income_check("tax", "纳税申报收入", lambda rs: _sum(rs)),
    "social_insurance": _income_check("social_insurance", "社保缴费基数或待遇",
                                      lambda rs: _sum(rs, 12)),
    "housing_fund": _income_check("housing_fund", "公积金缴存基数", lambda rs: _sum(rs, 12)),
    "deposit": _check_deposit,
}
