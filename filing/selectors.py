"""Reads of the district's supervision. Every list and lookup goes through accounts.scope:
a district reviewer reads their district (perm review_filings), a township caseworker
their township (handle_cases or view_cases)."""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import get_scoped_or_404, scoped, user_can
from accounts.selectors import districts_for, townships_for
from cases.models import Application, AssistanceType, FilingBatch, Rectification, State
from cases.selectors import with_heads
from filing.models import MandatoryReview, MonthlyRoster, MonthStat, RosterLine, SpotCheck
from households.models import CadreRegister

# --- the filing inbox ------------------------------------------------------------------


def filing_batches(*, fetched_by: User, size: int = 50) -> list[FilingBatch]:
    """Batches the user's townships sent (the district reviewer's inbox), newest first,
    with how many cases each holds and how many are mandatory reviews."""
    newest = list(scoped(FilingBatch.objects.all(), user=fetched_by, perm="view_cases",
                         region_field="township").values_list("pk", flat=True)[:size])
    # Counted for the page's batches only, not for every batch ever filed.
    return list(FilingBatch.objects.filter(pk__in=newest).select_related("township", "created_by")
                .annotate(cases=Count("applications"),
                          reviews=Count("applications", filter=Q(applications__mandatory_review=True)))
                .order_by("-created_at", "-id"))


def filing_batch_get(*, fetched_by: User, pk: int) -> FilingBatch:
    return get_scoped_or_404(FilingBatch.objects.select_related("township", "created_by"),
                             user=fetched_by, perm="view_cases", region_field="township", pk=pk)


def batch_cases(*, batch: FilingBatch) -> list[Application]:
    return list(batch.applications.select_related("region", "decided_by", "district_review")
                .prefetch_related(with_heads()).order_by("number"))


# --- mandatory reviews -------------------------------------------------------------------


def review_register(*, fetched_by: User, status: str = "") -> QuerySet[Application]:
    """备案审查登记: the mandatory-review filings, registered apart from the others (DB §11).
    `status`: "pending" (no review recorded yet) or "done"."""
    cases = scoped(Application.objects.filter(mandatory_review=True,
                                              state__in=[State.FILED, State.RECTIFYING]),
                   user=fetched_by, perm="review_filings")
    reviewed = MandatoryReview.objects.filter(application=OuterRef("pk"))
    if status == "pending":  # a case in rectification is reviewed once it is filed again
        cases = cases.filter(~Exists(reviewed), state=State.FILED)
    elif status == "done":
        cases = cases.filter(Exists(reviewed))
    return (cases.select_related("region__parent", "filing_batch", "district_review")
            .prefetch_related(with_heads()).order_by("filing_batch__created_at", "id"))


def review_case_get(*, fetched_by: User, pk: int) -> Application:
    return get_scoped_or_404(
        Application.objects.filter(mandatory_review=True).select_related(
            "region__parent", "household", "filing_batch"),
        user=fetched_by, perm="review_filings", pk=pk)


def current_register(*, district: Region) -> CadreRegister | None:
    return CadreRegister.objects.filter(district=district, current=True).first()


def register_history(*, district: Region, size: int = 10) -> list[CadreRegister]:
    return list(CadreRegister.objects.filter(district=district).select_related("imported_by")
                [:size])


def register_counts(*, register: CadreRegister | None) -> dict:
    if register is None:
        return {}
    rows = register.records.values("relation").annotate(n=Count("id")).order_by()
    return {row["relation"]: row["n"] for row in rows}


# --- spot checks ------------------------------------------------------------------------


def spot_checks(*, fetched_by: User, size: int = 30) -> list[SpotCheck]:
    return list(scoped(SpotCheck.objects.select_related("district", "drawn_by"),
                       user=fetched_by, perm="review_filings", region_field="district")
                .annotate(sampled=Count("items"),
                          done=Count("items", filter=Q(items__recorded_at__isnull=False)),
                          problems=Count("items", filter=Q(items__finding="problem")))[:size])


def spot_check_get(*, fetched_by: User, pk: int) -> SpotCheck:
    return get_scoped_or_404(SpotCheck.objects.select_related("district", "drawn_by"),
                             user=fetched_by, perm="review_filings", region_field="district",
                             pk=pk)


def spot_check_items(*, check: SpotCheck):
    return list(check.items.select_related("application__region__parent", "checked_by",
                                           "rectification")
                .prefetch_related(with_heads("application__"))
                .order_by("application__number"))


def spot_check_item_get(*, check: SpotCheck, pk: int):
    item = check.items.select_related("application__region").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


# --- rectifications, seen from both sides -------------------------------------------------


def rectifications(*, fetched_by: User, status: str = "open",
                   today: datetime.date | None = None, size: int = 200):
    """整改 rounds in the user's reach: the district sees its townships', a township its
    own. `status`: open (not closed), overdue (not answered by the deadline), all."""
    today = today or timezone.localdate()
    items = scoped(Rectification.objects.all(), user=fetched_by, perm="view_cases",
                   region_field="application__region")
    if status == "open":
        items = items.filter(closed_at__isnull=True)
    elif status == "overdue":
        items = items.filter(closed_at__isnull=True, answered_at__isnull=True, due__lt=today)
    return list(items.select_related("application__region__parent", "opened_by", "answered_by")
                .order_by(F("closed_at").asc(nulls_first=True), "due", "id")[:size])


def rectification_counts(*, fetched_by: User, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    items = scoped(Rectification.objects.filter(closed_at__isnull=True), user=fetched_by,
                   perm="view_cases", region_field="application__region")
    return items.aggregate(
        open=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        overdue=Count("id", filter=Q(answered_at__isnull=True, due__lt=today)))


def supervision_workload(*, fetched_by: User) -> dict:
    """Counts for the workbench tiles of the district reviewer and the township."""
    counts = {f"rectification_{k}": v for k, v in rectification_counts(fetched_by=fetched_by).items()}
    if districts_for(fetched_by=fetched_by, perm="review_filings").exists():
        counts["reviews_pending"] = review_register(fetched_by=fetched_by,
                                                    status="pending").count()
        counts["spot_checks_open"] = (
            scoped(SpotCheck.objects.all(), user=fetched_by, perm="review_filings",
                   region_field="district")
            .filter(items__recorded_at__isnull=True).values("pk").distinct().count())
    return counts


# --- monthly rosters --------------------------------------------------------------------


def rosters_of(*, township: Region, size: int = 24) -> list[MonthlyRoster]:
    return list(MonthlyRoster.objects.filter(township=township)
                .select_related("submitted_by").order_by("-month", "-version")[:size])


def roster_get(*, fetched_by: User, pk: int) -> MonthlyRoster:
    return get_scoped_or_404(MonthlyRoster.objects.select_related("township", "submitted_by"),
                             user=fetched_by, perm="view_cases", region_field="township", pk=pk)


def roster_lines(*, roster: MonthlyRoster) -> QuerySet[RosterLine]:
    return roster.lines.select_related("community").order_by("assistance_type",
                                                             "community__code", "id")


def roster_overview(*, district: Region, month: datetime.date) -> list[dict]:
    """Each township of the district for one month: its current submission or none."""
    townships = list(Region.objects.filter(parent=district, level=Level.TOWNSHIP).order_by("code"))
    submitted = {r.township_id: r for r in MonthlyRoster.objects.filter(
        township__parent=district, month=month, current=True).select_related("submitted_by")}
    return [{"township": t, "roster": submitted.get(t.pk)} for t in townships]


# --- statistics -------------------------------------------------------------------------

TYPE_LABELS = dict(AssistanceType.choices)


def statistics(*, region: Region, months: list[datetime.date],
               today: datetime.date | None = None) -> dict:
    """The stored monthly aggregates for a district or a township (filing.MonthStat),
    plus the live count of overdue open cases, which an index answers."""
    today = today or timezone.localdate()
    rows = (MonthStat.objects.filter(township__code__startswith=region.code,
                                     month__gte=months[0], month__lte=months[-1])
            .values("month", "assistance_type")
            .annotate(accepted=Sum("accepted"), confirmed=Sum("confirmed"),
                      rejected=Sum("rejected"), workdays=Sum("workdays_sum"),
                      with_days=Sum("decided_with_days"), beneficiaries=Sum("beneficiaries"),
                      people=Sum("people"), amount=Sum("amount"))
            .order_by())
    by_month = {m: {"month": m, "accepted": 0, "confirmed": 0, "rejected": 0, "workdays": 0,
                    "with_days": 0, "beneficiaries": 0, "people": 0, "amount": Decimal("0"),
                    "types": {}} for m in months}
    for row in rows:
        month = by_month[row["month"]]
        for key in ("accepted", "confirmed", "rejected", "workdays", "with_days",
                    "beneficiaries", "people"):
            month[key] += row[key] or 0
        # SQLite sums decimals as floats: back to the fen.
        amount = Decimal(str(row["amount"] or 0)).quantize(Decimal("0.01"))
        month["amount"] += amount
        if row["beneficiaries"]:
            month["types"][row["assistance_type"]] = {
                "beneficiaries": row["beneficiaries"], "people": row["people"] or 0,
                "amount": amount}
    table = list(by_month.values())
    for month in table:
        month["average_days"] = (round(month["workdays"] / month["with_days"], 1)
                                 if month["with_days"] else None)
    totals = {key: sum(m[key] for m in table) for key in ("accepted", "confirmed", "rejected",
                                                          "workdays", "with_days")}
    totals["average_days"] = (round(totals["workdays"] / totals["with_days"], 1)
                              if totals["with_days"] else None)
    types_seen = sorted({k for m in table for k in m["types"]},
                        key=lambda k: list(TYPE_LABELS).index(k) if k in TYPE_LABELS else 99)
    for month in table:
        month["cells"] = [month["types"].get(kind) for kind in types_seen]
    refreshed = (MonthStat.objects.filter(township__code__startswith=region.code)
                 .order_by("-refreshed_at").values_list("refreshed_at", flat=True).first())
    overdue = Application.objects.filter(region__code__startswith=region.code,
                                         state__in=[State.REFERRED, State.RETURNED,
                                                    State.INVESTIGATING, State.REVIEWING,
                                                    State.PUBLICIZING, State.HEARING,
                                                    State.APPROVING],
                                         decision_due__lt=today).count()
    return {"table": table, "totals": totals, "overdue": overdue, "refreshed": refreshed,
            "types": [(k, TYPE_LABELS.get(k, k)) for k in types_seen]}


def statistics_regions(*, fetched_by: User) -> list[Region]:
    """The district(s) and townships whose statistics the user may read."""
    regions = []
    for district in districts_for(fetched_by=fetched_by, perm="review_filings"):
        regions.append(district)
        regions.extend(Region.objects.filter(parent=district, level=Level.TOWNSHIP).order_by("code"))
    if not regions:
        regions = list(townships_for(fetched_by=fetched_by, perm="handle_cases"))
    return regions


def may_read_statistics(user: User, region: Region) -> bool:
    return user_can(user, "review_filings", region) or user_can(user, "handle_cases", region)
