"""诚信管理 pages (seed 001 §(二) 2): the township's findings and a finding's page (its
steps, the recovery ledger), the district's list (verify or dismiss, write-offs, the
dishonesty ledger and its export for the credit platform). Thin: read through
cases.selectors.integrity, change through cases.services.integrity.

No page shows an ID number. The export is the one place one leaves the system: it is
what the public credit platform identifies a person by. It is district-only, a POST,
and each entry in it is recorded as a step of its finding and a view of the household.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Level
from accounts.scope import has_any, user_can
from cases import guards, steps
from cases.forms.integrity import (
    BenefitLookupForm,
    ExportForm,
    FindingForm,
    NoteForm,
    ReasonsForm,
    RepaymentForm,
    VerifyForm,
)
from cases.models import IN_PAYMENT, FindingState, FraudFinding
from cases.selectors import integrity as selectors
from cases.services import integrity as services
from cases.services.machinery import CaseChanged
from core.errors import ServiceError, show_on
from households.services import record_view

# step → (its form, how the form's data reaches the step's one service). The label, the
# hint, who may take it and when are declared on the step (cases.models.integrity).
STEP_FORMS: dict[str, tuple[type, Callable]] = {
    "confirm": (NoteForm, lambda f, u, d: services.finding_confirm(finding=f, by=u, note=d["note"])),
    "decline": (ReasonsForm, lambda f, u, d: services.finding_decline(
        finding=f, by=u, reasons=d["reasons"])),
    "verify": (VerifyForm, lambda f, u, d: services.finding_verify(
        finding=f, by=u, sanction=d["sanction"], panel=d["panel"], note=d["note"])),
    "dismiss": (ReasonsForm, lambda f, u, d: services.finding_dismiss(
        finding=f, by=u, reasons=d["reasons"])),
    "repay": (RepaymentForm, lambda f, u, d: services.finding_record_repayment(
        finding=f, by=u, received_on=d["received_on"], amount=d["amount"],
        receipt_number=d["receipt_number"])),
    "request_write_off": (ReasonsForm, lambda f, u, d: services.finding_request_write_off(
        finding=f, by=u, reasons=d["reasons"])),
    "approve_write_off": (NoteForm, lambda f, u, d: services.finding_approve_write_off(
        finding=f, by=u, note=d["note"])),
    "refuse_write_off": (ReasonsForm, lambda f, u, d: services.finding_refuse_write_off(
        finding=f, by=u, reasons=d["reasons"])),
    "decide_push": (ReasonsForm, lambda f, u, d: services.finding_decide_push(
        finding=f, by=u, reasons=d["reasons"])),
    "withhold_push": (ReasonsForm, lambda f, u, d: services.finding_withhold_push(
        finding=f, by=u, reasons=d["reasons"])),
}


@dataclass
class Offer:
    key: str
    facts: steps.StepInfo
    form: object = None
    blocked: list[str] | None = None
    open: bool = False


def _offers(finding: FraudFinding, user, open_form=None) -> list[Offer]:
    """The steps this user may take on the finding now, each with its form; a step a rule
    blocks shows the rule's explanation instead."""
    offers = []
    for key, (form_class, _) in STEP_FORMS.items():
        method = getattr(FraudFinding, key)
        facts = steps.info(method)
        if (not method._django_fsm.has_transition(finding.state)
                or not user_can(user, facts.perm, finding.region) or guards.hidden(finding, method)):
            continue
        offer = Offer(key, facts, blocked=guards.refusals(finding, method, quiet=False))
        if open_form is not None and open_form[0] == key:
            offer.form, offer.open = open_form[1], True
        elif not offer.blocked:
            offer.form = form_class(prefix=key)
        offers.append(offer)
    return offers


def _require_reader(user) -> None:
    if not any(has_any(user, perm) for perm in selectors.READERS):
        raise PermissionDenied("只有镇(街道)经办人、审批人和区民政局审核人可以查看骗取救助认定。")


def findings(request):
    _require_reader(request.user)
    status = request.GET.get("status", "open")
    status = status if status in selectors.FINDING_FILTERS else "open"
    return render(request, "cases/integrity/findings.html", {
        "items": selectors.finding_list(fetched_by=request.user, status=status),
        "status": status, "filters": {k: v[0] for k, v in selectors.FINDING_FILTERS.items()},
        "can_record": has_any(request.user, "handle_cases"),
        "can_review": has_any(request.user, "review_filings"),
    })


def finding_new(request):
    """查实登记: find the benefit by its decision's number, then record the finding."""
    if not has_any(request.user, "handle_cases"):
        raise PermissionDenied("只有镇(街道)经办人可以登记骗取救助情况。")
    lookup = BenefitLookupForm(request.GET if "number" in request.GET else None)
    benefit = None
    if request.GET.get("benefit", "").isdigit():  # from the form below, or a benefit's page
        benefit = selectors.benefit_for_finding(fetched_by=request.user,
                                                pk=int(request.GET["benefit"]))
        if benefit is not None:
            lookup.initial["number"] = benefit.number
    elif lookup.is_valid():
        benefit = selectors.benefit_for_finding(fetched_by=request.user,
                                                number=lookup.cleaned_data["number"])
        if benefit is None:
            lookup.add_error("number", "在您办理的镇(街道)中没有找到该编号的救助对象。")
    form = None
    if benefit is not None:
        form = FindingForm(request.POST or None, members=benefit.household.members.all())
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                finding = services.finding_record(
                    benefit=benefit, by=request.user, means=data["means"], facts=data["facts"],
                    first_month=data["first_month"], last_month=data["last_month"],
                    member_id=data["member"])
            except ServiceError as error:
                show_on(form, error)
            else:
                messages.success(request, f"已登记 {finding.number}，请镇(街道)审批人确认后报区民政局认定。")
                return redirect("cases:integrity_detail", finding_pk=finding.pk)
    return render(request, "cases/integrity/new.html",
                  {"lookup": lookup, "benefit": benefit, "form": form},
                  status=400 if request.method == "POST" else 200)


def _stop_link(finding: FraudFinding, user) -> str | None:
    """Where the township stops the benefit, the household heard first (SL §48): offered
    once the fraud is verified, never done here."""
    benefit = finding.benefit
    if (finding.state != FindingState.VERIFIED or benefit.state not in IN_PAYMENT
            or not user_can(user, "handle_cases", benefit.region)):
        return None
    return reverse("cases:benefit", args=[benefit.pk]) + "#action-stop"


def _detail_context(request, finding, open_form=None):
    return {
        "finding": finding, "person": finding.person,
        "offers": _offers(finding, request.user, open_form),
        "repayments": selectors.finding_repayments(finding=finding),
        "timeline": selectors.finding_timeline(finding=finding),
        "entry": getattr(finding, "ledger_entry", None),
        "stop_link": _stop_link(finding, request.user),
    }


def finding(request, finding_pk):
    item = selectors.finding_get(fetched_by=request.user, pk=finding_pk)
    record_view(household=item.benefit.household, by=request.user, detail=f"骗取救助认定 {item.number}")
    return render(request, "cases/integrity/detail.html", _detail_context(request, item))


@require_POST
def finding_act(request, finding_pk, key):
    item = selectors.finding_get(fetched_by=request.user, pk=finding_pk)
    if key not in STEP_FORMS:
        raise Http404
    form_class, run = STEP_FORMS[key]
    form = form_class(request.POST, prefix=key)
    label = steps.info(getattr(FraudFinding, key)).label
    if form.is_valid():
        try:
            run(item, request.user, form.cleaned_data)
        except CaseChanged as error:
            messages.error(request, error.message)
            return redirect("cases:integrity_detail", finding_pk=finding_pk)
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, f"已{label}。")
            return redirect("cases:integrity_detail", finding_pk=finding_pk)
    item = selectors.finding_get(fetched_by=request.user, pk=finding_pk)
    return render(request, "cases/integrity/detail.html",
                  _detail_context(request, item, open_form=(key, form)), status=400)


def district(request):
    if not has_any(request.user, "review_filings"):
        raise PermissionDenied("只有区民政局审核人可以认定骗取救助、审批核销和推送失信信息。")
    return render(request, "cases/integrity/district.html", {
        **selectors.district_worklist(fetched_by=request.user), "export_form": ExportForm(),
    })


EXPORT_HEADERS = ["认定编号", "姓名", "身份证号", "失信行为", "骗取期间", "骗取金额（元）",
                  "已退还（元）", "已核销（元）", "未追回（元）", "处理", "认定日期", "认定机关"]


def _district_name(region) -> str:
    return next((r.name for r in region.lineage() if r.level == Level.DISTRICT), "")


def _export_row(entry) -> list[str]:
    finding = entry.finding
    return [finding.number, entry.name, entry.person.id_number,
            f"以{finding.get_means_display()}手段骗取社会救助待遇",
            f"{finding.first_month:%Y-%m}至{finding.last_month:%Y-%m}", str(finding.amount_due),
            str(finding.recovered), str(finding.written_off), str(finding.balance),
            finding.get_sanction_display(), f"{finding.verified_on:%Y-%m-%d}",
            f"{_district_name(entry.region)}民政局"]


@require_POST
def ledger_export(request):
    """失信人员台账 for the public credit platform: CSV, UTF-8 with BOM (Excel reads it)."""
    if not has_any(request.user, "review_filings"):
        raise PermissionDenied("只有区民政局审核人可以导出失信信息。")
    form = ExportForm(request.POST)
    again = form.is_valid() and form.cleaned_data["again"]
    entries = selectors.ledger_to_push(fetched_by=request.user, again=again)
    if not entries:
        messages.info(request, "没有待推送的失信信息。")
        return redirect("cases:integrity_district")
    try:
        services.ledger_push(entries=entries, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("cases:integrity_district")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADERS)
    writer.writerows(_export_row(entry) for entry in entries)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"shixin-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
