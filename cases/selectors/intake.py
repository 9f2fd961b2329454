"""Reads for one-door intake: registrations, transfer slips and referrals, urgent aid,
the households a registration may be handled for, a community's referrals."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from accounts.scope import get_scoped_or_404, scoped
from cases.models import Agency, Application, CaseEvent, Handover, Registration, UrgentAid
from cases.selectors.cases import _cases, with_heads
from core.idnumber import normalize
from households.models import Household


def registrations(*, fetched_by: User, status: str = "open", channel: str = "",
                  today: datetime.date | None = None, size: int = 100):
    """Window registrations and community reports in the user's reach (a community
    assistant: their community's). `status`: open (not yet disposed of), overdue, waiting
    (transferred or referred, feedback pending), all."""
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
    return get_scoped_or_404(
        Registration.objects.select_related("region__parent", "township__parent", "contact",
                                            "registered_by", "application"),
        user=fetched_by, perm="view_cases", pk=pk)


def handovers(*, fetched_by: User, status: str = "open", today: datetime.date | None = None,
              size: int = 200):
    """Transfer slips and referrals in the user's reach: a township sees what it sent,
    the district every township's (both sides see what is overdue)."""
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
    return get_scoped_or_404(Handover.objects.select_related("agency", "registration__township"),
                             user=fetched_by, perm="view_cases",
                             region_field="registration__region", pk=pk)


def intake_counts(*, fetched_by: User, today: datetime.date | None = None) -> dict:
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
    return Agency.objects.filter(district__code=township.code[:6], kind__in=kinds, active=True)


def households_by_id(*, fetched_by: User, id_number: str):
    """The household (in the user's reach) a registered applicant belongs to, if any."""
    if not id_number:
        return Household.objects.none()
    return scoped(Household.objects.filter(members__id_number=normalize(id_number)),
                  user=fetched_by, perm="view_households").select_related("region__parent")


def households_for_registration(*, fetched_by: User, registration):
    """The households a registration can be handled for: the applicant's, found by ID
    number; without one, those of the applicant's community."""
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
    return list(scoped(UrgentAid.objects.all(), user=fetched_by, perm="view_cases")
                .select_related("household", "region", "granted_by", "application")
                .prefetch_related(with_heads())
                .order_by(F("application_id").asc(nulls_first=True), "paperwork_due", "-id")[:size])
