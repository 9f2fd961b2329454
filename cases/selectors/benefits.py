"""Reads of benefits in force (在保) and their reviews (复查, 年审), region-scoped through
accounts.scope (perm view_cases): the township's list of benefits, one benefit with its
file, the review queue, one review, the district's rounds and their progress, and what
the workbench counts. Lists are paged by key and cost the same few queries for any
number of rows."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Level
from accounts.rules import rule_value
from accounts.scope import regions_where, scoped, scoped_any
from cases.models import (
    IN_PAYMENT,
    AssistanceType,
    Benefit,
    BenefitEvent,
    BenefitPeriod,
    BenefitState,
    Review,
    ReviewRound,
    ReviewState,
    SelfCareAssessment,
)
from cases.models.reviews import OPEN_REVIEW_STATES
from cases.selectors.cases import FINANCE_READERS, with_heads
from core.paging import KeysetPage, keyset_page
from households.models import Member
from verification.selectors import report_view

OPEN_REVIEW = OPEN_REVIEW_STATES  # a proposal waiting for approval is still open


# Benefits are money and their reviews hold the calculation and the verification report:
# read by the township's staff and the district, not by community assistants (DESIGN §7).


def _benefits(user: User) -> QuerySet[Benefit]:
    return scoped_any(Benefit.objects.all(), user=user, perms=FINANCE_READERS)


def _reviews(user: User) -> QuerySet[Review]:
    return scoped_any(Review.objects.all(), user=user, perms=FINANCE_READERS)


def _one(queryset: QuerySet, pk: int):
    """One row in the user's reach, or 404: outside it, it does not exist for them."""
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def _open_reviews_of_benefit():
    return Review.objects.filter(benefit=OuterRef("pk"), state__in=OPEN_REVIEW)


# --- the list of benefits ---------------------------------------------------------------


def _filtered(user: User, *, assistance_type: str, state: str, review: str,
              today: datetime.date) -> QuerySet[Benefit]:
    queryset = _benefits(user)
    if assistance_type:
        queryset = queryset.filter(assistance_type=assistance_type)
    if state in BenefitState.values:
        queryset = queryset.filter(state=state)
    elif state != "all":
        queryset = queryset.filter(state__in=IN_PAYMENT)
    if review == "open":
        queryset = queryset.filter(Exists(_open_reviews_of_benefit()))
    elif review == "overdue":
        queryset = queryset.filter(Exists(_open_reviews_of_benefit().filter(due_on__lt=today)))
    return queryset


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _periods_covering(month: datetime.date):
    return BenefitPeriod.objects.filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month),
        benefit=OuterRef("pk"), first_month__lte=month).order_by("-first_month", "-id")


def benefit_list(*, fetched_by: User, assistance_type: str = "", state: str = "",
                 review: str = "", after: int | None = None, before: int | None = None,
                 size: int = 20, today: datetime.date | None = None) -> KeysetPage:
    """The benefits of the user's regions, newest first. `state`: a BenefitState, "all",
    or "" for those in payment (在保 and 渐退中). `review`: "open" (a review not yet
    decided) or "overdue" (one past its due date). Each row carries its head's name
    (`household.heads`), `open_review_id` and `open_review_due`, the amount paid this
    month (`paid_now`, None when no month is paid now) and a decided amount not yet paid
    (`next_amount` from `next_month`, None when there is none)."""
    today = today or timezone.localdate()
    month = _month_of(today)
    queryset = _filtered(fetched_by, assistance_type=assistance_type, state=state,
                         review=review, today=today)
    first_open = _open_reviews_of_benefit().order_by("due_on")
    later = BenefitPeriod.objects.filter(benefit=OuterRef("pk"), first_month__gt=month
                                         ).order_by("-first_month", "-id")
    queryset = (queryset.select_related("application", "region__parent")
                .prefetch_related(with_heads())
                .annotate(open_review_id=Subquery(first_open.values("pk")[:1]),
                          open_review_due=Subquery(first_open.values("due_on")[:1]),
                          paid_now=Subquery(_periods_covering(month).values("amount")[:1]),
                          next_amount=Subquery(later.values("amount")[:1]),
                          next_month=Subquery(later.values("first_month")[:1])))
    page = keyset_page(queryset, after=after, before=before, size=size)
    for benefit in page.rows:
        benefit.review_overdue = bool(benefit.open_review_due and benefit.open_review_due < today)
        if benefit.next_amount is not None and benefit.next_amount == benefit.paid_now:
            benefit.next_amount = benefit.next_month = None
    return page


def benefit_list_heading(*, fetched_by: User, assistance_type: str = "", state: str = "",
                         review: str = "", today: datetime.date | None = None) -> str:
    """What the list shows and how many, following its filters: "在保（含渐退）9 户",
    "已停保 1 户", "全部状态 · 特困 · 待核查 2 户"."""
    today = today or timezone.localdate()
    count = _filtered(fetched_by, assistance_type=assistance_type, state=state, review=review,
                      today=today).count()
    if state in BenefitState.values:
        parts = [BenefitState(state).label]
    else:
        parts = ["全部状态" if state == "all" else "在保（含渐退）"]
    if assistance_type in AssistanceType.values:
        parts.append(AssistanceType(assistance_type).label)
    if review in ("open", "overdue"):
        parts.append({"open": "待核查", "overdue": "核查逾期"}[review])
    return f"{' · '.join(parts)} {count} 户"


def benefit_state_counts(*, fetched_by: User) -> dict[str, int]:
    rows = _benefits(fetched_by).values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


# --- one benefit ----------------------------------------------------------------------------


def benefit_get(*, fetched_by: User, pk: int) -> Benefit:
    return _one(_benefits(fetched_by).select_related(
        "application", "household__region__parent", "region__parent__parent"), pk)


@dataclass
class BenefitFile:
    """Everything the benefit page shows, read in a fixed number of queries."""

    members: list
    periods: list
    current: object  # the latest period (its lines: the parts of the amount) or None
    paid_now: object  # the period paying this month, or None (not begun, or ended)
    upcoming: object  # a later period with another amount, decided and not yet paid, or None
    compositions: list  # (heading, lines): the parts of this month's amount, then the upcoming
    events: list
    views: list
    unused_views: object  # the views a cut or a stop may rest on, or None
    work_refusals: list
    assessments: list
    reviews: list
    open_review: object


def _compositions(shown, upcoming) -> list[tuple[str, list]]:
    if upcoming is None or shown is upcoming:
        return [("金额构成", shown.lines)] if shown is not None and shown.lines else []
    parts = [("金额构成（本月）", shown.lines)] if shown is not None and shown.lines else []
    if upcoming.lines:
        parts.append((f"金额构成（自{upcoming.first_month.year}年{upcoming.first_month.month}月起）",
                      upcoming.lines))
    return parts


def benefit_file(*, benefit: Benefit, today: datetime.date | None = None) -> BenefitFile:
    month = _month_of(today or timezone.localdate())
    members = list(benefit.household.members.order_by("id"))
    periods = list(benefit.periods.order_by("first_month", "id"))
    paid_now = next((p for p in reversed(periods) if p.covers(month)), None)
    later = [p for p in periods if p.first_month > month]
    upcoming = later[-1] if later else None
    if upcoming is not None and paid_now is not None and upcoming.amount == paid_now.amount:
        upcoming = None
    events = list(benefit.events.select_related("actor").order_by("at", "id"))
    for event in events:
        event.notice = (event.data or {}).get("notice", "")
    views = list(benefit.views.select_related("recorded_by")
                 .annotate(used=Exists(BenefitEvent.objects.filter(views=OuterRef("pk")))))
    # The guard's own choice: the newest views not yet used by a cut or a stop.
    unused = next((v for v in views if not v.used), None)
    activities = dict(SelfCareAssessment.ACTIVITIES)
    assessments = list(benefit.assessments.select_related("member", "recorded_by"))
    for assessment in assessments:
        assessment.result_label = Member.SelfCare(assessment.result).label
        assessment.not_managed_labels = [activities.get(c, c) for c in assessment.not_managed]
    reviews = list(benefit.reviews.select_related("decided_by", "round").order_by("-opened_on",
                                                                                 "-id"))
    return BenefitFile(
        members=members, periods=periods, current=periods[-1] if periods else None,
        paid_now=paid_now, upcoming=upcoming, compositions=_compositions(
            paid_now or (periods[-1] if periods else None), upcoming),
        events=events, views=views, unused_views=unused,
        work_refusals=list(benefit.work_refusals.select_related("member", "recorded_by")),
        assessments=assessments,
        reviews=reviews,
        open_review=next((r for r in reviews if r.state in OPEN_REVIEW), None))


def benefit_notice_event(*, benefit: Benefit, pk: int) -> BenefitEvent:
    """A change of this benefit that carries a written notice, or 404."""
    event = benefit.events.select_related("actor").filter(pk=pk).first()
    if event is None or not (event.data or {}).get("notice"):
        raise Http404
    return event


def benefit_current_period(*, benefit: Benefit):
    return benefit.periods.order_by("-first_month", "-id").first()


def benefit_open_review(*, benefit: Benefit) -> Review | None:
    return benefit.reviews.filter(state__in=OPEN_REVIEW).first()


def gradual_exit_limit(*, benefit: Benefit) -> int:
    """The most months of a gradual exit the region allows (DB §33)."""
    return rule_value("gradual_exit_months", benefit.region)


def review_change(*, review: Review):
    """The change of the benefit a review's decision made (its effective month), if any."""
    return review.benefit.events.filter(review=review).order_by("-at", "-id").first()


def benefit_amounts_now(*, benefit: Benefit) -> dict:
    """What the benefit pays this month (None when no month is paid now) and the first
    month a change decided today would apply to (rule `change_effective_months`)."""
    today = timezone.localdate()
    month = today.replace(day=1)
    paid = (benefit.periods.filter(first_month__lte=month)
            .filter(Q(last_month__isnull=True) | Q(last_month__gte=month))
            .order_by("-first_month").values_list("amount", flat=True).first())
    after = rule_value("change_effective_months", benefit.region, today)
    index = month.year * 12 + month.month - 1 + after
    return {"paid_now": paid,
            "effective_from": datetime.date(index // 12, index % 12 + 1, 1)}


# --- reviews --------------------------------------------------------------------------------


REVIEW_STATUSES = ("open", "overdue", "unchecked", "checked", "proposed", "decided")


def _cursor(review: Review) -> str:
    return f"{review.due_on.isoformat()}_{review.pk}"


def _parse_cursor(value) -> tuple[datetime.date, int] | None:
    try:
        day, _, pk = str(value).partition("_")
        return datetime.date.fromisoformat(day), int(pk)
    except (TypeError, ValueError):
        return None


def _by_due_date(queryset: QuerySet, *, after, before, size: int) -> KeysetPage:
    """Keyset pages ordered by (due date, id), soonest first; the cursors are
    "YYYY-MM-DD_id" strings."""
    after, before = _parse_cursor(after) if after else None, _parse_cursor(before) if before else None
    if before is not None:
        due, pk = before
        rows = list(queryset.filter(Q(due_on__lt=due) | Q(due_on=due, pk__lt=pk))
                    .order_by("-due_on", "-pk")[: size + 1])
        more = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(rows, size, next_after=_cursor(rows[-1]) if rows else None,
                          prev_before=_cursor(rows[0]) if rows and more else None)
    if after is not None:
        due, pk = after
        queryset = queryset.filter(Q(due_on__gt=due) | Q(due_on=due, pk__gt=pk))
    rows = list(queryset.order_by("due_on", "pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, size, next_after=_cursor(rows[-1]) if rows and more else None,
                      prev_before=_cursor(rows[0]) if rows and after is not None else None)


def review_queue(*, fetched_by: User, status: str = "open", round_id: int | None = None,
                 after: str | None = None, before: str | None = None, size: int = 20,
                 today: datetime.date | None = None) -> KeysetPage:
    """The reviews of the user's regions by due date, soonest first. `status`: "open"
    (not decided), "overdue" (not decided and past due), "unchecked" (待核查),
    "checked" (checked, awaiting the caseworker's conclusion), "proposed" (awaiting the
    approver's decision, 待审批) or "decided". Each row has `overdue`."""
    today = today or timezone.localdate()
    queryset = _reviews(fetched_by)
    if status == "overdue":
        queryset = queryset.filter(state__in=OPEN_REVIEW, due_on__lt=today)
    elif status == "unchecked":
        queryset = queryset.filter(state=ReviewState.OPEN)
    elif status == "checked":
        queryset = queryset.filter(state=ReviewState.CHECKED)
    elif status == "proposed":
        queryset = queryset.filter(state=ReviewState.PROPOSED)
    elif status == "decided":
        queryset = queryset.filter(state=ReviewState.DECIDED)
    else:
        queryset = queryset.filter(state__in=OPEN_REVIEW)
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    queryset = (queryset.select_related("benefit__application", "region__parent", "round")
                .prefetch_related(with_heads("benefit__")))
    page = _by_due_date(queryset, after=after, before=before, size=size)
    for review in page.rows:
        review.overdue = review.is_overdue(today)
    return page


def review_counts(*, fetched_by: User, today: datetime.date | None = None) -> dict[str, int]:
    """For the workbench: reviews not decided, those past their due date, and the
    proposals waiting for the approver."""
    today = today or timezone.localdate()
    counts = _reviews(fetched_by).filter(state__in=OPEN_REVIEW).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)),
        proposed=Count("id", filter=Q(state=ReviewState.PROPOSED)))
    return {"benefit_reviews_open": counts["open"], "benefit_reviews_overdue": counts["overdue"],
            "benefit_reviews_proposed": counts["proposed"]}


def review_get(*, fetched_by: User, pk: int) -> Review:
    return _one(_reviews(fetched_by).select_related(
        "benefit__application", "benefit__household", "benefit__region__parent",
        "region__parent", "member", "round", "decided_by", "verification"), pk)


def review_file(*, review: Review) -> dict:
    """The review's history, its stored calculation and verification report, and whether
    the household's views are on file for a cut, a gradual exit or a stop."""
    events = list(review.events.select_related("actor").order_by("at", "id"))
    check = review.verification
    notices = [e for e in review.benefit.events.filter(review=review).order_by("at", "id")
               if (e.data or {}).get("notice")]
    return {
        "notices": notices,
        "events": events,
        "calculation": review.calculation or None,
        "report": report_view(check),
        "check": check,
        "unused_views": review.benefit.views.filter(used_by__isnull=True)
        .order_by("-heard_on", "-id").first(),
        "head": review.benefit.household.head,
    }


# --- the district's rounds (年审) -------------------------------------------------------------


def round_townships(*, fetched_by: User) -> QuerySet:
    """The townships the user may open a round for (perm review_filings)."""
    return regions_where(fetched_by, "review_filings").filter(level=Level.TOWNSHIP).order_by("code")


def review_rounds(*, fetched_by: User, ids: list[int] | None = None, size: int = 30) -> list:
    """The rounds of the user's townships, newest first, each with its progress: how many
    of its reviews are checked and decided, of `total`; `running` while not all are."""
    queryset = scoped(ReviewRound.objects.select_related("township", "opened_by"),
                      user=fetched_by, perm="view_cases", region_field="township")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    rounds = list(queryset.annotate(
        checked=Count("reviews", filter=Q(reviews__state__in=[ReviewState.CHECKED,
                                                              ReviewState.PROPOSED])),
        decided=Count("reviews", filter=Q(reviews__state=ReviewState.DECIDED)),
        overdue=Count("reviews", filter=Q(reviews__state__in=OPEN_REVIEW,
                                          reviews__due_on__lt=timezone.localdate())),
    ).order_by("-opened_at", "-id")[:size])
    for item in rounds:
        item.done = item.checked + item.decided
        item.percent = 100 * item.done // item.total if item.total else 100
        item.running = item.done < item.total
        item.unchecked = item.total - item.done
    return rounds


def round_progress(*, fetched_by: User) -> list[dict]:
    """The rounds' progress as plain data, for the page that refreshes it."""
    return [{"id": r.pk, "checked": r.checked, "decided": r.decided, "done": r.done,
             "total": r.total, "percent": r.percent, "running": r.running}
            for r in review_rounds(fetched_by=fetched_by)]

