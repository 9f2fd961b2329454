"""Reads of cases: the queue, one case, its timeline, what the workbench counts, the
calculation and who may see the finances. Every list and lookup goes through
accounts.scope (perm view_cases)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.rules import rule_sources, rule_values
from accounts.scope import get_scoped_or_404, scoped, user_can
from cases.benefit import Calculation, calculate
from cases.benefit_facts import household_facts
from cases.models import OPEN_STATES, Application, AssistanceType, CaseEvent, Material, State
from core.idnumber import normalize
from core.paging import KeysetPage, keyset_page
from core.search import case_number_fragment
from households.models import Member
from publicity.models import Notice, Objection
from verification import selectors as verification_selectors
from verification.models import VerificationRequest


def with_heads(prefix: str = ""):
    """Prefetch each case's (or row's) household head as `.household.heads`."""
    return Prefetch(f"{prefix}household__members",
                    queryset=Member.objects.filter(relation="head"), to_attr="heads")


def _cases(user: User) -> QuerySet[Application]:
    return scoped(Application.objects.all(), user=user, perm="view_cases")


def _awaiting_verification(queryset: QuerySet[Application]) -> QuerySet[Application]:
    pending = VerificationRequest.objects.filter(application=OuterRef("pk")).exclude(
        status=VerificationRequest.Status.COMPLETED)
    return queryset.filter(state=State.INVESTIGATING).filter(Exists(pending))


def _objection_pending_rows():
    return Objection.objects.filter(notice__application=OuterRef("pk"), handled_at__isnull=True)


def _objection_pending(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.filter(Exists(_objection_pending_rows()))


def case_queue(*, fetched_by: User, state: str = "", assistance_type: str = "", due: str = "",
               search: str = "", household_id: int | None = None, verify: str = "",
               objection: str = "",
               after=None, before=None, size: int = 20,
               today: datetime.date | None = None) -> KeysetPage:
    """The work queue: the user's cases, newest first, by state, type and due date.

    `due`: "overdue" (open and past the deadline) or "week" (due within 7 days).
    `search`: a case number or any part of one, a name (or part of one) or a whole ID
    number.
    """
    today = today or timezone.localdate()
    queryset = _cases(fetched_by)
    if state:
        queryset = queryset.filter(state=state)
    if assistance_type:
        queryset = queryset.filter(assistance_type=assistance_type)
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if verify == "pending":
        queryset = _awaiting_verification(queryset)
    if objection == "pending":
        queryset = _objection_pending(queryset)
    if due == "overdue":
        queryset = queryset.filter(state__in=OPEN_STATES, decision_due__lt=today)
    elif due == "week":
        queryset = queryset.filter(state__in=OPEN_STATES, decision_due__gte=today,
                                   decision_due__lte=today + datetime.timedelta(days=7))
    search = search.strip()
    if search:
        number = normalize(search)
        if len(number) == 18 and number[:17].isdigit():
            queryset = queryset.filter(household__members__id_number=number)
        elif fragment := case_number_fragment(search):
            # Any part of the number (the tail "00017" as often as the whole): a LIKE on
            # the one column, over the user's own cases, only for digits and hyphens.
            queryset = queryset.filter(number__contains=fragment)
        else:
            queryset = queryset.filter(household__members__name__contains=search).distinct()
    queryset = (queryset.select_related("region__parent").prefetch_related(with_heads())
                .annotate(objection_pending=Exists(_objection_pending_rows())))
    return keyset_page(queryset, after=after, before=before, size=size)


def case_state_counts(*, fetched_by: User) -> dict[str, int]:
    rows = _cases(fetched_by).values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


def case_get(*, fetched_by: User, pk: int) -> Application:
    return get_scoped_or_404(
        Application.objects.select_related("household__region__parent", "region__parent",
                                           "accepted_by", "proposed_by", "decided_by",
                                           "created_by", "filing_batch"),
        user=fetched_by, perm="view_cases", pk=pk)


def case_timeline(*, application: Application) -> QuerySet[CaseEvent]:
    return application.events.select_related("actor").order_by("at", "id")


def cases_ready_for_filing(*, fetched_by: User) -> QuerySet[Application]:
    """Confirmed cases the user may file (handle_cases), oldest decision first."""
    return (scoped(Application.objects.filter(state=State.CONFIRMED), user=fetched_by,
                   perm="handle_cases")
            .select_related("region__parent", "decided_by").prefetch_related(with_heads())
            .order_by("decided_on", "id"))


def filing_candidates_by_id(*, fetched_by: User, ids: list[int]) -> list[Application]:
    return list(cases_ready_for_filing(fetched_by=fetched_by).filter(pk__in=ids))


def workload(*, fetched_by: User, today: datetime.date | None = None) -> dict:
    """What waits for this user, for the home page: counts per state, overdue cases and
    cases waiting for the district's verification result."""
    today = today or timezone.localdate()
    cases = _cases(fetched_by)
    return {
        "states": case_state_counts(fetched_by=fetched_by),
        "overdue": cases.filter(Q(state__in=OPEN_STATES) & Q(decision_due__lt=today)).count(),
        "awaiting_verification": _awaiting_verification(cases).count(),
        "objections_pending": _objection_pending(cases).count(),
    }


def case_notices(*, application: Application):
    return Notice.objects.filter(application=application).prefetch_related("objections")


def case_calculation(application: Application, on: datetime.date | None = None):
    """The itemised benefit calculation: the one stored with the decision once decided
    (a later change of the standard does not rewrite it), otherwise computed now from
    the household's declared data and the rules in force (cases.benefit)."""
    if application.calculation and on is None and application.decided_on:
        return Calculation.from_dict(application.calculation)
    cached = getattr(application, "_calculation", None)
    if cached is not None and on is None:
        return cached
    today = on or timezone.localdate()
    # The application date: when the township or the community registered it.
    applied_on = timezone.localdate(application.created_at)
    rules = {**rule_values(application.region, today),
             "_sources": rule_sources(application.region, today)}
    result = calculate(household_facts(application.household), application.assistance_type,
                       rules, applied_on, as_of=today)
    if on is None:
        application._calculation = result
    return result


# Who may read the income, deposits and tax findings of a case: the township's staff
# and the district, not the community assistant who referred it (DESIGN §7).
FINANCE_READERS = ("handle_cases", "approve_cases", "verify_economic_status", "review_filings")


def case_finances(*, fetched_by: User, application: Application) -> dict:
    """The calculation and the verification report, for those who may read them; for
    anyone else nothing, and `can_see_finances` False."""
    if not any(user_can(fetched_by, perm, application.region) for perm in FINANCE_READERS):
        return {"calculation": None, "report": None, "can_see_finances": False}
    return {
        "can_see_finances": True,
        "calculation": case_calculation(application),
        "report": verification_selectors.report_view(
            verification_selectors.latest_verification(application_id=application.pk)),
    }


def materials_checklist() -> dict[str, list]:
    """申请材料 in use, by assistance type (its Chinese name), for the public policy page:
    the same checklist the one-time notification picks from."""
    labels = dict(AssistanceType.choices)
    materials: dict[str, list] = {}
    for item in Material.objects.filter(active=True).order_by("assistance_type", "order", "id"):
        materials.setdefault(labels.get(item.assistance_type, item.assistance_type), []).append(item)
    return materials
