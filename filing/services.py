"""The district's supervision and the township's monthly report. Changes to a case go
through cases.services; the records kept here (the register, reviews, spot checks,
rosters, statistics) are written only by these functions."""

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.rules import rule_values
from accounts.scope import user_can
from cases import services as case_services
from cases.models import Application, AssistanceType, State
from core.errors import ServiceError
from core.tabular import ReadResult
from filing import sampling
from filing.cadre_register import read_register
from filing.models import (
    MandatoryReview,
    MonthlyRoster,
    MonthStat,
    RosterLine,
    SpotCheck,
    SpotCheckItem,
)
from households.models import CadreRecord, CadreRegister, Member

logger = logging.getLogger(__name__)

# Paid once, in the month the benefit starts; the others are paid every month from it.
ONE_OFF_TYPES = (AssistanceType.TEMPORARY, AssistanceType.EDU_FRESHMAN, AssistanceType.HEATING)
# A case whose benefit is being paid (post-decision stops come with dynamic management).
BENEFIT_STATES = (State.CONFIRMED, State.FILED, State.RECTIFYING)
STAT_MONTHS = 36  # how far back the statistics are kept


def _require_district(user: User, district: Region) -> None:
    if district.level != Level.DISTRICT or not user_can(user, "review_filings", district):
        raise PermissionDenied("只有区民政局审核人可以办理备案监督事项。")


def _not_future(day: datetime.date, label: str, field_name: str) -> None:
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。", field=field_name)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# --- the register of cadres and their relatives (DB §11; seed 001 reading note 4) -------


@dataclass
class RegisterOutcome:
    register: CadreRegister | None
    result: ReadResult


def cadre_register_import(*, district: Region, content: bytes, filename: str,
                          by: User) -> RegisterOutcome:
    """Replace the district's register with a new version, whole or not at all: a file
    with any faulty row is refused with the list of rows to fix (never their values)."""
    _require_district(by, district)
    result = read_register(content)
    if not result.ok:
        return RegisterOutcome(None, result)
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=district.pk)  # one version at a time
        last = (CadreRegister.objects.filter(district=district)
                .aggregate(models.Max("version"))["version__max"] or 0)
        CadreRegister.objects.filter(district=district, current=True).update(current=False)
        register = CadreRegister.objects.create(district=district, version=last + 1,
                                                imported_by=by,
                                                file_name=filename[:100], rows=len(result.rows))
        CadreRecord.objects.bulk_create([CadreRecord(register=register, **row)
                                         for row in result.rows], batch_size=5000)
    logger.info("cadre register v%s imported for district %s: %s rows", register.version,
                district.pk, register.rows)
    return RegisterOutcome(register, result)


# --- mandatory reviews (备案审查, DB §20) ---------------------------------------------------


@transaction.atomic
def mandatory_review_record(*, application: Application, by: User,
                            visited_on: datetime.date, visitors: str, findings: str,
                            conclusion: str, problem: str = "", days=None) -> MandatoryReview:
    """The district's home visit for a mandatory-review filing and its conclusion. A
    problem sends the case back to its township for rectification."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if not user_can(by, "review_filings", app.region):
        raise PermissionDenied("只有区民政局审核人可以办理备案审查。")
    if not app.mandatory_review:
        raise ServiceError("该申请不属于备案审查对象，请通过抽查核查。")
    if MandatoryReview.objects.filter(application=app).exists():
        raise ServiceError("该申请已录入备案审查结论。")
    if app.state != State.FILED:
        raise ServiceError(f"申请当前为「{app.get_state_display()}」，须报送备案后才能审查。")
    visitors, findings = visitors.strip(), findings.strip()
    if not visitors:
        raise ServiceError("请填写入户核查人员。", field="visitors")
    if not findings:
        raise ServiceError("请写明入户核查情况（DB §20：区级须入户核查）。", field="findings")
    _not_future(visited_on, "入户核查日期", "visited_on")
    if conclusion not in MandatoryReview.Conclusion.values:
        raise ServiceError("请选择审查结论。", field="conclusion")
    if conclusion == MandatoryReview.Conclusion.PROBLEM and not problem.strip():
        raise ServiceError("请写明发现的问题，镇(街道)将据此整改。", field="problem")
    case_services.application_record_supervision(
        application=app, by=by, action="mandatory_review",
        reason=findings, data={"visited_on": visited_on.isoformat(), "conclusion": conclusion})
    rectification = None
    if conclusion == MandatoryReview.Conclusion.PROBLEM:
        rectification = case_services.application_open_rectification(
            application=app, by=by, finding=problem, days=days,
            source="备案审查")
    return MandatoryReview.objects.create(
        application=app, visited_on=visited_on, visitors=visitors, findings=findings,
        conclusion=conclusion, rectification=rectification, reviewed_by=by)


# --- spot checks (抽查, TK §16) -------------------------------------------------------------


def spot_check_population(*, district: Region, period_from: datetime.date,
                          period_to: datetime.date, ids: dict | None = None
                          ) -> dict[str, list[str]]:
    """Every case of the district filed in the period, except the mandatory-review ones
    (the district reviews those one by one), by assistance type. `ids`, when given,
    receives case number → id."""
    ids = {} if ids is None else ids
    rows = (Application.objects
            .filter(region__code__startswith=district.code, mandatory_review=False,
                    state__in=[State.FILED, State.RECTIFYING],
                    filing_batch__created_at__date__gte=period_from,
                    filing_batch__created_at__date__lte=period_to)
            .values_list("assistance_type", "number", "pk"))
    population: dict[str, list[str]] = {}
    for kind, number, pk in rows:
        population.setdefault(kind, []).append(number)
        ids[number] = pk
    return {kind: sorted(numbers) for kind, numbers in sorted(population.items())}


@transaction.atomic
def spot_check_draw(*, district: Region, period_from: datetime.date, period_to: datetime.date,
                    by: User, note: str = "") -> SpotCheck:
    """Draw the sample for a period at the district's ratio per type. One draw per
    period: a stored draw cannot be redrawn, so nobody can try seeds until a sample
    suits them."""
    _require_district(by, district)
    if period_from > period_to:
        raise ServiceError("开始日期不能晚于结束日期。", field="period_from")
    if period_to >= timezone.localdate():
        # Today's filings are not all in yet, and a period is drawn once: a draw that
        # included today would leave today's later filings out of every sample.
        raise ServiceError("结束日期应早于今天（当天的备案尚未报完）。", field="period_to")
    Region.objects.select_for_update().get(pk=district.pk)  # one draw at a time
    overlapping = (SpotCheck.objects.filter(district=district, period_from__lte=period_to,
                                            period_to__gte=period_from).first())
    if overlapping is not None:
        raise ServiceError(
            f"该期间与已抽取的{overlapping.number}（{overlapping.period_from:%Y-%m-%d}至"
            f"{overlapping.period_to:%Y-%m-%d}）重叠。抽查一经抽取不能重抽，请选择其他期间。",
            field="period_from")
    ids: dict[str, int] = {}
    population = spot_check_population(district=district, period_from=period_from,
                                       period_to=period_to, ids=ids)
    if not population:
        raise ServiceError("该期间没有可抽查的已备案申请（备案审查对象逐件审查，不列入抽查）。",
                           field="period_from")
    rules = rule_values(district, timezone.localdate())
    ratios = {kind: str(rules[f"spot_check_ratio_{kind}"]) for kind in population}
    seed = sampling.new_seed()
    sample = sampling.draw(seed, population, ratios)
    prefix = f"CC-{district.code}-{timezone.localdate().year}"
    check = SpotCheck.objects.create(
        number=f"{prefix}-{case_services.next_number(prefix):03d}", district=district,
        period_from=period_from, period_to=period_to, seed=seed,
        algorithm=sampling.ALGORITHM, population=population, ratios=ratios, sample=sample,
        drawn_by=by, note=note.strip()[:200])
    numbers = [number for numbers in sample.values() for number in numbers]
    SpotCheckItem.objects.bulk_create([SpotCheckItem(spot_check=check, application_id=ids[n])
                                       for n in sorted(numbers)])
    return check


def spot_check_recompute(check: SpotCheck) -> dict[str, list[str]]:
    """The sample recomputed from the stored seed, population and ratios."""
    return sampling.draw(check.seed, check.population, check.ratios)


@transaction.atomic
def spot_check_record(*, item: SpotCheckItem, by: User, checked_on: datetime.date,
                      method: str, record: str, finding: str, problem: str = "",
                      days=None) -> SpotCheckItem:
    """The check of one sampled case. A problem sends the case to its township for
    rectification, with the check's number as the source."""
    item = SpotCheckItem.objects.select_for_update().select_related(
        "spot_check", "application__region").get(pk=item.pk)
    if not user_can(by, "review_filings", item.application.region):
        raise PermissionDenied("只有区民政局审核人可以录入抽查结果。")
    if item.recorded_at is not None:
        raise ServiceError("该申请的抽查结果已录入。")
    record = record.strip()
    if method not in SpotCheckItem.Method.values:
        raise ServiceError("请选择核查方式。", field="method")
    if not record:
        raise ServiceError("请写明核查情况。", field="record")
    _not_future(checked_on, "核查日期", "checked_on")
    if finding not in SpotCheckItem.Finding.values:
        raise ServiceError("请选择核查结论。", field="finding")
    if finding == SpotCheckItem.Finding.PROBLEM:
        if not problem.strip():
            raise ServiceError("请写明发现的问题，镇(街道)将据此整改。", field="problem")
        if item.application.state == State.RECTIFYING:
            raise ServiceError("该申请已在整改中：请在现有整改销号或退回时一并提出。", field="finding")
    case_services.application_record_supervision(
        application=item.application, by=by, action="spot_check",
        reason=record, data={"spot_check": item.spot_check.number, "finding": finding})
    if finding == SpotCheckItem.Finding.PROBLEM:
        item.rectification = case_services.application_open_rectification(
            application=item.application, by=by, finding=problem, days=days,
            source=f"抽查 {item.spot_check.number}")
    item.checked_on, item.method, item.record, item.finding = checked_on, method, record, finding
    item.checked_by, item.recorded_at = by, timezone.now()
    item.save()
    return item


# --- monthly rosters (seed 003) ------------------------------------------------------------


def beneficiaries(*, region: Region, month: datetime.date):
    """Cases whose benefit is paid in `month` in `region`'s subtree: the monthly types from
    their start month on, the one-off types in their start month."""
    month = month_start(month)
    paid = (Q(assistance_type__in=ONE_OFF_TYPES, start_month=month)
            | (~Q(assistance_type__in=ONE_OFF_TYPES) & Q(start_month__lte=month)))
    return Application.objects.filter(paid, region__code__startswith=region.code,
                                      state__in=BENEFIT_STATES, monthly_amount__isnull=False)


@dataclass
class RosterDraft:
    township: Region
    month: datetime.date
    lines: list[RosterLine] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    households: int = 0
    people: int = 0
    amount: Decimal = Decimal("0")


def roster_draft(*, township: Region, month: datetime.date) -> RosterDraft:
    """The roster as it would be submitted now (not saved)."""
    heads = Member.objects.filter(household=OuterRef("household"), relation=Member.Relation.HEAD)
    sizes = (Member.objects.filter(household=OuterRef("household")).order_by()
             .values("household").annotate(n=Count("id")).values("n"))
    rows = (beneficiaries(region=township, month=month)
            .annotate(head_name=Subquery(heads.values("name")[:1]), size=Subquery(sizes))
            .order_by("assistance_type", "region__code", "number")
            .values_list("pk", "region_id", "assistance_type", "head_name", "size",
                         "monthly_amount"))
    draft = RosterDraft(township, month_start(month))
    for pk, community, kind, name, size, amount in rows:
        draft.lines.append(RosterLine(application_id=pk, community_id=community,
                                      assistance_type=kind, name=name or "", amount=amount,
                                      household_size=size or 0))
        total = draft.totals.setdefault(kind, {"households": 0, "people": 0,
                                               "amount": Decimal("0")})
        total["households"] += 1
        total["people"] += size or 0
        total["amount"] += amount
    draft.households = len(draft.lines)
    draft.people = sum(t["people"] for t in draft.totals.values())
    draft.amount = sum((t["amount"] for t in draft.totals.values()), Decimal("0"))
    return draft


def roster_due(township: Region, month: datetime.date) -> datetime.date:
    """The day by which the roster of `month` is due: the rule's day of the next month."""
    following = (month_start(month) + datetime.timedelta(days=32)).replace(day=1)
    day = rule_values(township, following)["roster_due_day"]
    return following.replace(day=day)  # the rule allows 1–28


@transaction.atomic
def roster_submit(*, township: Region, month: datetime.date, by: User,
                  note: str = "") -> MonthlyRoster:
    """Submit (or correct) a month's roster: the beneficiaries and amounts as they stand.
    A correction becomes the current version; the earlier one is kept."""
    if township.level != Level.TOWNSHIP or not user_can(by, "handle_cases", township):
        raise PermissionDenied("只有该镇(街道)的经办人可以报送名册。")
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ServiceError("不能报送以后月份的名册。", field="month")
    Region.objects.select_for_update().get(pk=township.pk)
    previous = MonthlyRoster.objects.filter(township=township, month=month, current=True).first()
    if previous is not None and not note.strip():
        raise ServiceError(f"{month:%Y年%m月}的名册已于{timezone.localtime(previous.submitted_at):%m月%d日}"
                           "报送。如需更正，请写明更正原因。", field="note")
    draft = roster_draft(township=township, month=month)
    if previous is not None:
        MonthlyRoster.objects.filter(pk=previous.pk).update(current=False)
    roster = MonthlyRoster.objects.create(
        township=township, month=month, version=(previous.version + 1) if previous else 1,
        submitted_by=by, households=draft.households, people=draft.people,
        amount=draft.amount, note=note.strip()[:200],
        totals={k: {**v, "amount": str(v["amount"])} for k, v in draft.totals.items()})
    for line in draft.lines:
        line.roster = roster
    RosterLine.objects.bulk_create(draft.lines, batch_size=2000)
    return roster


# --- statistics (stored aggregates) ---------------------------------------------------------


def _months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def statistics_refresh(*, district: Region | None = None) -> int:
    """Recompute the stored monthly aggregates of a district (or of every district) from
    the cases: four grouped queries per district, whatever its size. Returns the rows."""
    districts = [district] if district else list(Region.objects.filter(level=Level.DISTRICT))
    return sum(_refresh_district(d) for d in districts)


def _refresh_district(district: Region) -> int:
    today = timezone.localdate()
    first_kept = month_start(today - datetime.timedelta(days=31 * STAT_MONTHS))
    cases = Application.objects.filter(region__code__startswith=district.code).order_by()
    cells: dict[tuple, dict] = {}

    def cell(township_id, month, kind):
        return cells.setdefault((township_id, month, kind), {
            "accepted": 0, "confirmed": 0, "rejected": 0, "workdays_sum": 0,
            "decided_with_days": 0, "beneficiaries": 0, "people": 0, "amount": Decimal("0")})

    for row in (cases.filter(accepted_on__gte=first_kept)
                .values("region__parent_id", "assistance_type", m=TruncMonth("accepted_on"))
                .annotate(n=Count("id"))):
        cell(row["region__parent_id"], row["m"], row["assistance_type"])["accepted"] = row["n"]
    for row in (cases.filter(decided_on__gte=first_kept)
                .values("region__parent_id", "assistance_type", m=TruncMonth("decided_on"))
                .annotate(confirmed=Count("id", filter=~Q(state__in=[State.REJECTED])),
                          rejected=Count("id", filter=Q(state=State.REJECTED)),
                          days=Sum("decision_workdays"), with_days=Count("decision_workdays"))):
        target = cell(row["region__parent_id"], row["m"], row["assistance_type"])
        target["confirmed"], target["rejected"] = row["confirmed"], row["rejected"]
        target["workdays_sum"], target["decided_with_days"] = row["days"] or 0, row["with_days"]
    # Benefits: new beneficiaries per start month, then carried forward for monthly types.
    paying = cases.filter(state__in=BENEFIT_STATES, start_month__isnull=False,
                          monthly_amount__isnull=False)
    starts: dict[tuple, list] = {}
    for row in (paying.values("region__parent_id", "assistance_type", "start_month")
                .annotate(n=Count("id"), amount=Sum("monthly_amount"))):
        starts[(row["region__parent_id"], row["assistance_type"], row["start_month"])] = [
            row["n"], 0, row["amount"]]
    for row in (paying.values("region__parent_id", "assistance_type", "start_month")
                .annotate(people=Count("household__members"))):
        starts[(row["region__parent_id"], row["assistance_type"], row["start_month"])][1] = \
            row["people"]
    months = _months_between(first_kept, today)
    by_series: dict[tuple, dict] = {}
    for (township_id, kind, start), values in starts.items():
        by_series.setdefault((township_id, kind), {})[start] = values
    for (township_id, kind), series in by_series.items():
        carried = [0, 0, Decimal("0")]
        for start in sorted(s for s in series if s < first_kept):
            if kind not in ONE_OFF_TYPES:
                carried = [a + b for a, b in zip(carried, series[start], strict=True)]
        for month in months:
            new = series.get(month, [0, 0, Decimal("0")])
            if kind in ONE_OFF_TYPES:
                current = new
            else:
                carried = [a + b for a, b in zip(carried, new, strict=True)]
                current = carried
            if any(current):
                target = cell(township_id, month, kind)
                target["beneficiaries"], target["people"], target["amount"] = current
    now = timezone.now()
    rows = [MonthStat(township_id=township_id, month=month, assistance_type=kind,
                      refreshed_at=now, **values)
            for (township_id, month, kind), values in cells.items()
            if township_id is not None and month >= first_kept]
    with transaction.atomic():
        # One refresh of a district at a time (the periodic task and the button).
        Region.objects.select_for_update().get(pk=district.pk)
        MonthStat.objects.filter(township__code__startswith=district.code).delete()
        MonthStat.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
