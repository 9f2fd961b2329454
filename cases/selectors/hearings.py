"""Reads for hearing meetings: the meetings, the cases that may be put on an agenda,
and a meeting's agenda with its records."""

from django.db.models import Count

from accounts.models import User
from accounts.scope import get_scoped_or_404, scoped
from cases import guards
from cases.models import Application, State
from cases.selectors.cases import with_heads
from publicity.models import HearingSession


def hearing_sessions(*, fetched_by: User, size: int = 30):
    return scoped(HearingSession.objects.select_related("township", "created_by")
                  .annotate(cases=Count("applications")), user=fetched_by, perm="view_cases",
                  region_field="township")[:size]


def hearing_session_get(*, fetched_by: User, pk: int):
    return get_scoped_or_404(HearingSession.objects.select_related("township", "created_by"),
                             user=fetched_by, perm="view_cases", region_field="township", pk=pk)


def hearing_candidates(*, fetched_by: User, limit: int = 300) -> list[Application]:
    """Cases a caseworker may put on a meeting's agenda: in publicity, awaiting approval
    or called to a hearing, with what makes the hearing compulsory for each."""
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
