"""Reads of fraud findings, their recovery and the dishonesty ledger, region-scoped
(accounts.scope). A finding is read by the people who act on it: the township's
caseworkers and approvers and the district's reviewers (not the community assistants,
who hold view_cases); the ledger and its export by the district only (review_filings).
"""

import datetime
from dataclasses import dataclass

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.rules import rule_value
from accounts.scope import regions_where, scoped
from cases.models import (
    Benefit,
    DishonestyEntry,
    FindingState,
    FraudFinding,
    PushDecision,
    Repayment,
)

# Who reads findings: the township finds and confirms, the district verifies.
READERS = ("handle_cases", "approve_cases", "review_filings")
MONEY = DecimalField(max_digits=12, decimal_places=2)


def _reach(user: User) -> Q:
    condition = Q(pk__in=[])
    for perm in READERS:
        condition |= Q(region__in=regions_where(user, perm))
    return condition


def _received(finding_field: str) -> QuerySet[Repayment]:
    """The instalments received on the finding `finding_field` points to, summed."""
    return (Repayment.objects.filter(finding=OuterRef(finding_field)).order_by()
            .values("finding").annotate(total=Sum("amount")).values("total"))


def _with_balance(queryset: QuerySet[FraudFinding]) -> QuerySet[FraudFinding]:
    return queryset.annotate(
        recovered_sum=Coalesce(Subquery(_received("pk"), output_field=MONEY), Value(0),
                               output_field=MONEY),
    ).annotate(balance_left=F("amount_due") - F("recovered_sum") - F("written_off"))


def _findings(user: User) -> QuerySet[FraudFinding]:
    return _with_balance(FraudFinding.objects.filter(_reach(user))).select_related(
        "region__parent", "benefit__application", "member", "recorded_by").prefetch_related(
        "benefit__household__members")


# The list's filters. The default, "open", is everything not yet done with: waiting for
# the township or the district, or verified with money still to recover.
WAITING = Q(state__in=[FindingState.RECORDED, FindingState.CONFIRMED])
RECOVERING = Q(state=FindingState.VERIFIED, balance_left__gt=0)
FINDING_FILTERS = {
    "open": ("未办结", WAITING | RECOVERING),
    "waiting": ("待确认或认定", WAITING),
    "recovering": ("追缴中", RECOVERING),
    "closed": ("已追回或核销", Q(state=FindingState.VERIFIED, balance_left__lte=0)),
    "refused": ("未确认或不予认定", Q(state__in=[FindingState.DECLINED, FindingState.DISMISSED])),
    "all": ("全部", Q()),
}


def finding_status(finding: FraudFinding) -> str:
    """The finding's status in the words of the list's filters: a verified finding is
    追缴中 while money is still to recover, then 已追回 or 已核销."""
    label = finding.get_state_display()
    if finding.state != FindingState.VERIFIED or finding.balance is None:
        return label
    if finding.balance > 0:
        return f"{label} · 追缴中"
    return f"{label} · {'已核销' if finding.written_off else '已追回'}"


def finding_list(*, fetched_by: User, status: str = "open") -> list[FraudFinding]:
    """The findings of the user's reach under a filter of FINDING_FILTERS, newest first,
    each with its `status_label`."""
    _, condition = FINDING_FILTERS.get(status, FINDING_FILTERS["open"])
    findings = list(_findings(fetched_by).filter(condition).order_by("-recorded_at", "-id"))
    for finding in findings:
        finding.status_label = finding_status(finding)
    return findings


def finding_get(*, fetched_by: User, pk: int) -> FraudFinding:
    finding = _findings(fetched_by).select_related(
        "confirmed_by", "verified_by", "write_off_requested_by", "written_off_by").filter(
        pk=pk).first()
    if finding is None:
        raise Http404
    finding.status_label = finding_status(finding)
    return finding


def finding_timeline(*, finding: FraudFinding):
    return finding.events.select_related("actor").order_by("at", "id")


def finding_repayments(*, finding: FraudFinding):
    return finding.repayments.select_related("recorded_by").order_by("received_on", "id")


def benefit_for_finding(*, fetched_by: User, number: str = "", pk: int | None = None,
                        ) -> Benefit | None:
    """The benefit a caseworker records a finding on, by its decision's number (or id),
    in the townships where they handle cases; stopped benefits too (fraud found later)."""
    benefits = scoped(Benefit.objects.select_related("application", "region")
                      .prefetch_related("household__members"),
                      user=fetched_by, perm="handle_cases")
    if pk is not None:
        return benefits.filter(pk=pk).first()
    number = number.strip()
    return benefits.filter(application__number=number).first() if number else None


# --- the district: verification, write-offs, the ledger ----------------------------------


def _district(user: User) -> QuerySet[FraudFinding]:
    return _with_balance(scoped(FraudFinding.objects.all(), user=user, perm="review_filings")
                         ).select_related("region__parent", "benefit__application", "member"
                                          ).prefetch_related("benefit__household__members")


@dataclass
class LedgerRow:
    entry: DishonestyEntry
    status: str  # pushed, withheld, due, waiting
    label: str
    window_ends: datetime.date


def _ledger_rows(entries, today: datetime.date) -> list[LedgerRow]:
    """Each entry with where it stands: pushed; withheld (decided, with reasons); due
    (pushed at the next export: the district decided so, or the prompt-repayment days are
    over without a decision not to push); waiting (within those days)."""
    days_by_region: dict[int, int] = {}
    rows = []
    for entry in entries:
        if entry.region_id not in days_by_region:
            days_by_region[entry.region_id] = rule_value("prompt_repayment_days", entry.region,
                                                         entry.entered_on)
        ends = entry.entered_on + datetime.timedelta(days=days_by_region[entry.region_id])
        if entry.pushed_at is not None:
            status, label = "pushed", f"已推送（{entry.pushed_at:%Y-%m-%d}）"
        elif entry.decision == PushDecision.WITHHOLD:
            status, label = "withheld", "决定不推送"
        elif entry.decision == PushDecision.PUSH or ends < today:
            status, label = "due", "待推送"
        else:
            status, label = "waiting", f"及时退还观察期（至{ends:%Y-%m-%d}）"
        rows.append(LedgerRow(entry, status, label, ends))
    return rows


def _ledger(user: User) -> QuerySet[DishonestyEntry]:
    return (scoped(DishonestyEntry.objects.all(), user=user, perm="review_filings")
            .select_related("region__parent__parent", "finding", "decided_by")
            .order_by("-entered_on", "-id"))


def district_worklist(*, fetched_by: User, today: datetime.date | None = None) -> dict:
    """What waits for the district: findings to verify, write-offs to approve, and the
    ledger with each entry's push status."""
    today = today or timezone.localdate()
    findings = _district(fetched_by)
    return {
        "to_verify": list(findings.filter(state=FindingState.CONFIRMED).order_by("confirmed_on",
                                                                                 "id")),
        "write_offs": list(findings.filter(state=FindingState.VERIFIED,
                                           write_off_requested_on__isnull=False)
                           .order_by("write_off_requested_on", "id")),
        "ledger": _ledger_rows(_ledger(fetched_by), today),
    }


def ledger_to_push(*, fetched_by: User, again: bool = False,
                   today: datetime.date | None = None) -> list[DishonestyEntry]:
    """The entries the export sends to the credit platform: those due, and with `again`
    those pushed before too (a lost file). Never the ones decided not to push."""
    today = today or timezone.localdate()
    entries = (_ledger(fetched_by).exclude(decision=PushDecision.WITHHOLD)
               .select_related("person", "finding__benefit")
               .annotate(received=Coalesce(Subquery(_received("finding"), output_field=MONEY),
                                           Value(0), output_field=MONEY))
               .order_by("entered_on", "id"))
    if not again:
        entries = entries.filter(pushed_at__isnull=True)
    wanted = {"due", "pushed"} if again else {"due"}
    chosen = [row.entry for row in _ledger_rows(entries, today) if row.status in wanted]
    for entry in chosen:
        entry.finding.recovered_sum = entry.received
    return chosen
