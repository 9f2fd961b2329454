"""Reads of cases. Every list and lookup goes through accounts.scope (perm view_cases)."""

import datetime
import hmac
import unicodedata

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.paging import KeysetPage, keyset_page
from accounts.scope import get_scoped_or_404, scoped
from cases.models import OPEN_STATES, PUBLIC_STAGE, Application, CaseEvent, State
from households.idnumber import normalize
from households.models import Member


def with_heads(prefix: str = ""):
    """Prefetch each case's (or row's) household head as `.household.heads`."""
    return Prefetch(f"{prefix}household__members",
                    queryset=Member.objects.filter(relation="head"), to_attr="heads")


def _cases(user: User) -> QuerySet[Application]:
    return scoped(Application.objects.all(), user=user, perm="view_cases")


def _awaiting_verification(queryset: QuerySet[Application]) -> QuerySet[Application]:
    from verification.models import VerificationRequest

    pending = VerificationRequest.objects.filter(application=OuterRef("pk")).exclude(
        status=VerificationRequest.Status.COMPLETED)
    return queryset.filter(state=State.INVESTIGATING).filter(Exists(pending))


def _objection_pending_rows():
    from publicity.models import Objection

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
    `search`: a case number, a name (or part of one) or a whole ID number.
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
        elif search[:1].isdigit():
            queryset = queryset.filter(number__startswith=search)
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
    from publicity.models import Notice

    return Notice.objects.filter(application=application).prefetch_related("objections")


def case_calculation(application: Application, on: datetime.date | None = None):
    """The itemised benefit calculation: the one stored with the decision once decided
    (a later change of the standard does not rewrite it), otherwise computed now from
    the household's declared data and the rules in force (cases.benefit)."""
    from accounts.rules import rule_values
    from cases.benefit import Calculation, calculate, household_facts

    if application.calculation and on is None and application.decided_on:
        return Calculation.from_dict(application.calculation)
    cached = getattr(application, "_calculation", None)
    if cached is not None and on is None:
        return cached
    today = on or timezone.localdate()
    # The application date: when the township or the community registered it.
    applied_on = timezone.localdate(application.created_at)
    result = calculate(household_facts(application.household), application.assistance_type,
                       rule_values(application.region, today), applied_on, as_of=today)
    if on is None:
        application._calculation = result
    return result


def hearing_sessions(*, fetched_by: User, size: int = 30):
    from publicity.models import HearingSession

    return scoped(HearingSession.objects.select_related("township", "created_by")
                  .annotate(cases=Count("applications")), user=fetched_by, perm="view_cases",
                  region_field="township")[:size]


def hearing_session_get(*, fetched_by: User, pk: int):
    from publicity.models import HearingSession

    return get_scoped_or_404(HearingSession.objects.select_related("township", "created_by"),
                             user=fetched_by, perm="view_cases", region_field="township", pk=pk)


def hearing_candidates(*, fetched_by: User, limit: int = 300) -> list[Application]:
    """Cases a caseworker may put on a meeting's agenda: in publicity, awaiting approval
    or called to a hearing, with what makes the hearing compulsory for each."""
    from cases import guards

    cases = list(scoped(Application.objects.filter(
        state__in=[State.PUBLICIZING, State.APPROVING, State.HEARING]), user=fetched_by,
        perm="handle_cases").select_related("region__parent").prefetch_related(with_heads())
        .order_by("state", "id")[:limit])
    for case in cases:
        case.triggers = guards.hearing_triggers(case)
    return cases


def session_agenda(*, session) -> list[Application]:
    """The meeting's cases with this meeting's record of each (or None)."""
    hearings = {h.application_id: h for h in session.hearings.all()}
    cases = list(session.applications.select_related("region__parent").prefetch_related(with_heads())
                 .order_by("id"))
    for case in cases:
        case.session_hearing = hearings.get(case.pk)
    return cases


# --- one-door intake ------------------------------------------------------------------------


def registrations(*, fetched_by: User, status: str = "open", channel: str = "",
                  today: datetime.date | None = None, size: int = 100):
    """Window registrations and community reports in the user's reach (a community
    assistant: their community's). `status`: open (not yet disposed of), overdue, waiting
    (transferred or referred, feedback pending), all."""
    from cases.models import Registration

    today = today or timezone.localdate()
    items = scoped(Registration.objects.all(), user=fetched_by, perm="view_cases")
    open_states = [Registration.Status.OPEN, Registration.Status.MEETING]
    if status == "open":
        items = items.filter(status__in=open_states)
    elif status == "overdue":
        items = items.filter(status__in=open_states, due__lt=today)
    elif status == "waiting":
        items = items.filter(status__in=[Registration.Status.TRANSFERRED,
                                         Registration.Status.REFERRED])
    if channel:
        items = items.filter(channel=channel)
    order = ("due", "id") if status in ("open", "overdue") else ("-registered_at", "-id")
    return list(items.select_related("region__parent", "contact", "application")
                .prefetch_related("handovers__agency").order_by(*order)[:size])


def registration_get(*, fetched_by: User, pk: int):
    from cases.models import Registration

    return get_scoped_or_404(
        Registration.objects.select_related("region__parent", "township__parent", "contact",
                                            "registered_by", "application"),
        user=fetched_by, perm="view_cases", pk=pk)


def handovers(*, fetched_by: User, status: str = "open", today: datetime.date | None = None,
              size: int = 200):
    """Transfer slips and referrals in the user's reach: a township sees what it sent,
    the district every township's (both sides see what is overdue)."""
    from cases.models import Handover

    today = today or timezone.localdate()
    items = scoped(Handover.objects.all(), user=fetched_by, perm="view_cases",
                   region_field="registration__region")
    if status == "open":
        items = items.filter(feedback_on__isnull=True)
    elif status == "overdue":
        items = items.filter(feedback_on__isnull=True, due__lt=today)
    return list(items.select_related("agency", "registration__township", "sent_by")
                .order_by(F("feedback_on").asc(nulls_first=True), "due", "id")[:size])


def handover_get(*, fetched_by: User, pk: int):
    from cases.models import Handover

    return get_scoped_or_404(Handover.objects.select_related("agency", "registration__township"),
                             user=fetched_by, perm="view_cases",
                             region_field="registration__region", pk=pk)


def intake_counts(*, fetched_by: User, today: datetime.date | None = None) -> dict:
    from cases.models import Handover, Registration, UrgentAid

    today = today or timezone.localdate()
    registrations_ = scoped(Registration.objects.filter(
        status__in=[Registration.Status.OPEN, Registration.Status.MEETING]), user=fetched_by,
        perm="view_cases")
    handovers_ = scoped(Handover.objects.filter(feedback_on__isnull=True), user=fetched_by,
                        perm="view_cases", region_field="registration__region")
    urgent = scoped(UrgentAid.objects.filter(application__isnull=True), user=fetched_by,
                    perm="view_cases")
    return {
        **registrations_.aggregate(registrations_open=Count("id"),
                                   registrations_overdue=Count("id", filter=Q(due__lt=today))),
        **handovers_.aggregate(handovers_open=Count("id"),
                               handovers_overdue=Count("id", filter=Q(due__lt=today))),
        **urgent.aggregate(urgent_open=Count("id"),
                           urgent_overdue=Count("id", filter=Q(paperwork_due__lt=today))),
    }


def agencies(*, township, kinds: list[str]):
    from cases.models import Agency

    return Agency.objects.filter(district__code=township.code[:6], kind__in=kinds, active=True)


def households_by_id(*, fetched_by: User, id_number: str):
    """The household (in the user's reach) a registered applicant belongs to, if any."""
    from households.models import Household

    if not id_number:
        return Household.objects.none()
    return scoped(Household.objects.filter(members__id_number=normalize(id_number)),
                  user=fetched_by, perm="view_households").select_related("region__parent")


def households_for_registration(*, fetched_by: User, registration):
    """The households a registration can be handled for: the applicant's, found by ID
    number; without one, those of the applicant's community."""
    from households.models import Household

    found = households_by_id(fetched_by=fetched_by, id_number=registration.applicant_id)
    if registration.applicant_id and found.exists():
        return found
    return scoped(Household.objects.filter(region=registration.region), user=fetched_by,
                  perm="view_households").order_by("address")


def community_referrals(*, fetched_by: User, size: int = 100) -> list[Application]:
    """代为申请 of the user's community (as a community assistant sees them): the cases
    that began as a community's referral, with their state."""
    referred = CaseEvent.objects.filter(application=OuterRef("pk"), action="refer")
    return list(_cases(fetched_by).filter(Exists(referred)).select_related("region")
                .prefetch_related(with_heads()).order_by("-id")[:size])


def urgent_aid_list(*, fetched_by: User, size: int = 100):
    from cases.models import UrgentAid

    return list(scoped(UrgentAid.objects.all(), user=fetched_by, perm="view_cases")
                .select_related("household", "region", "granted_by", "application")
                .prefetch_related(with_heads())
                .order_by(F("application_id").asc(nulls_first=True), "paperwork_due", "-id")[:size])


# --- the public progress query (no login) -------------------------------------------------

def case_progress(*, number: str, id_suffix: str) -> dict | None:
    """Only the stage and the due date, for the case whose number and applicant's (the
    head's) last six ID characters both match; None otherwise, whichever part was wrong."""
    number = unicodedata.normalize("NFKC", number).strip()
    suffix = normalize(unicodedata.normalize("NFKC", id_suffix))[-6:]
    row = (Application.objects.filter(number=number)
           .values("state", "decision_due", "household_id").first())
    # The same two queries whether the number exists or not.
    head = (Member.objects.filter(household_id=row["household_id"] if row else 0,
                                  relation="head").values_list("id_number", flat=True).first())
    matches = (bool(head) and len(suffix) == 6
               and hmac.compare_digest(head[-6:].encode(), suffix.encode()))
    if not matches:
        return None
    open_ = row["state"] in OPEN_STATES
    return {"stage": PUBLIC_STAGE.get(row["state"], "办理中"),
            "due": row["decision_due"] if open_ else None}
