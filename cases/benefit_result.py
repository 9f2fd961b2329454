"""The calculation's result (cases.benefit): its itemised lines, stored as JSON with the
decision, and the rounding of amounts to the fen or the yuan as the region's rule says."""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


@dataclass
class Line:
    item: str
    amount: str  # yuan per month, as text so the stored JSON keeps exact digits; "" if none
    rule: str
    source: str = ""
    kind: str = "info"  # income, excluded, deduction, result, subsidy, warning, info


@dataclass
class Calculation:
    assistance_type: str
    as_of: str
    standard: str = ""
    members: int = 0
    income: str = "0"
    deductions: str = "0"
    per_capita: str = ""
    eligible: bool | None = None
    near_threshold: bool = False
    benefit: str = ""
    care_subsidy: str = "0"
    total: str = ""  # the monthly amount the approver starts from; "" when not computed
    lines: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Calculation":
        data = dict(data)
        data["lines"] = [Line(**line) for line in data.get("lines", [])]
        return cls(**data)

    @property
    def total_amount(self) -> Decimal | None:
        return Decimal(self.total) if self.total else None

    def add(self, item, amount, rule, source="", kind="info"):
        text = "" if amount is None else str(_cents(amount))
        self.lines.append(Line(item, text, rule, source, kind))


def _decimal(value: Decimal | Fraction) -> Decimal:
    """A fraction as a Decimal (to 28 digits), to be rounded for display or payment."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return value


def _cents(value: Decimal | Fraction) -> Decimal:
    return _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _round_benefit(value: Decimal, how: str) -> Decimal:
    if how == "yuan_up":
        return value.quantize(Decimal("1"), rounding=ROUND_CEILING).quantize(CENT)
    if how == "yuan_half_up":
        return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP).quantize(CENT)
    return _cents(value)
