"""Spot checks (抽查, TK §16): a reproducible draw and the record of each check."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User
from accounts.rules import rule_values
from accounts.scope import user_can
from cases import services as case_services
from cases.models import Application, State
from core.errors import ServiceError
from filing import sampling
from filing.models import (
    SpotCheck,
    SpotCheckItem,
)
from filing.services.common import _not_future, _require_district


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
