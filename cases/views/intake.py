"""一门受理 pages: window registrations and their ways out, transfer slips and referrals,
先行救助, the community assistant's page, and the public progress query. Thin: read
through cases.selectors, change through cases.services.intake."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.roles import Level
from accounts.scope import has_any, regions_where
from cases import selectors, services
from cases.beneficiary_file import SPEC
from cases.forms.intake import (
    CloseForm,
    FeedbackForm,
    HandleForm,
    HandoverForm,
    LegacyImportForm,
    MeetingOutcomeForm,
    ProgressForm,
    ReasonForm,
    RegistrationForm,
    UrgentAidForm,
)
from cases.models import Agency, CaseDocument, Registration
from cases.services import intake
from core.errors import ServiceError, show_on
from core.tabular import template_response
from core.throttle import client_network, over_limit


def registrations(request):
    if not has_any(request.user, "view_cases"):
        raise PermissionDenied("您的岗位无权查看窗口登记。")
    status = request.GET.get("status", "open")
    status = status if status in ("open", "overdue", "waiting", "all") else "open"
    return render(request, "intake/registrations.html", {
        "items": selectors.registrations(fetched_by=request.user, status=status),
        "counts": selectors.intake_counts(fetched_by=request.user), "status": status,
        "can_register": has_any(request.user, "handle_cases") or has_any(request.user, "refer_cases"),
        "can_import": has_any(request.user, "handle_cases"),
    })


def new_registration(request):
    """窗口登记 for a township caseworker; 发现报告 for a community assistant."""
    window = has_any(request.user, "handle_cases")
    perm = "handle_cases" if window else "refer_cases"
    regions = regions_where(request.user, perm).filter(level=Level.COMMUNITY).order_by("code")
    if not regions.exists():
        raise PermissionDenied("您的岗位不能登记救助事项。")
    form = RegistrationForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = intake.registration_create(
                region=data["region"], by=request.user,
                channel=Registration.Channel.WINDOW if window else Registration.Channel.COMMUNITY,
                applicant_name=data["applicant_name"], applicant_id=data["applicant_id"],
                phone=data["phone"], address=data["address"], hardship=data["hardship"],
                category=data["category"])
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, f"已登记 {item.number}，应于 {item.due:%Y-%m-%d} 前处置。")
            return redirect("intake:detail", pk=item.pk)
    return render(request, "intake/new.html", {"form": form, "window": window},
                  status=400 if request.method == "POST" else 200)


# The form of each step offered among the ways out, and how its data reaches the step's
# service. Which steps are offered, their labels and hints, come from the transitions
# (cases.models.intake): those this user may take in this status (cases.services.intake).


def _handle_form(request, item, *bound):
    households = selectors.households_for_registration(fetched_by=request.user,
                                                       registration=item)
    return HandleForm(*bound, households=households, prefix="handle", initial={
        "assistance_type": item.category if item.category in intake.TOWNSHIP_TYPES else None,
        "reason": item.hardship[:500]})


def _handover_form(prefix, kinds):
    def make(request, item, *bound):
        return HandoverForm(*bound, prefix=prefix,
                            agencies=selectors.agencies(township=item.township, kinds=kinds))
    return make


FORMS = {
    "handle": (_handle_form, lambda item, user, d: intake.registration_handle(
        registration=item, by=user, household=d["household"],
        assistance_type=d["assistance_type"], hardship=d["hardship"], reason=d["reason"],
        documents=[(CaseDocument.Kind.AUTHORIZATION, d["authorization"])])),
    "transfer": (_handover_form("transfer", [Agency.Kind.DEPARTMENT, Agency.Kind.DISTRICT_WINDOW]),
                 lambda item, user, d: intake.registration_transfer(
                     registration=item, by=user, agency=d["agency"],
                     request=d["request"])),
    "refer": (_handover_form("refer", [Agency.Kind.ORGANISATION]),
              lambda item, user, d: intake.registration_refer(
                  registration=item, by=user, agency=d["agency"], request=d["request"])),
    "to_meeting": (lambda request, item, *bound: ReasonForm(*bound, prefix="to_meeting"),
                   lambda item, user, d: intake.registration_to_meeting(
                       registration=item, by=user, reason=d["reason"])),
    "record_meeting_outcome": (
        lambda request, item, *bound: MeetingOutcomeForm(*bound, prefix="record_meeting_outcome"),
        lambda item, user, d: intake.registration_meeting_outcome(
            registration=item, by=user, held_on=d["held_on"], outcome=d["outcome"])),
    "close": (lambda request, item, *bound: CloseForm(*bound, prefix="close"),
              lambda item, user, d: intake.registration_close(
                  registration=item, by=user, outcome=d["outcome"])),
}


@dataclass
class Way:
    """One way out offered on the page: its step's declared facts and its form."""

    key: str
    label: str
    hint: str
    form: object


def _ways(request, item, bound_key=None) -> list[Way]:
    """The ways out the user may take now, each with its form (one bound on a POST). Steps
    offered elsewhere on the page (feedback, on each open slip) are not among them."""
    ways = []
    for step in intake.offered_steps(registration=item, user=request.user):
        if step.custom.get("offer") == "handover":
            continue
        bound = (request.POST, request.FILES) if step.name == bound_key else (None, None)
        make_form, _ = FORMS[step.name]
        ways.append(Way(step.name, step.custom["label"], step.custom.get("hint", ""),
                        make_form(request, item, *bound)))
    return ways


def registration(request, pk):
    item = selectors.registration_get(fetched_by=request.user, pk=pk)
    key = request.GET.get("do") if request.method == "POST" else None
    ways = _ways(request, item, bound_key=key)
    if key is not None:
        way = next((w for w in ways if w.key == key), None)
        if way is None:
            messages.error(request, intake.refusal(item, getattr(item, key), request.user)
                           if key in FORMS else "没有这一办理事项。")
            return redirect("intake:detail", pk=item.pk)
        if way.form.is_valid():
            try:
                FORMS[key][1](item, request.user, way.form.cleaned_data)
            except ServiceError as error:
                show_on(way.form, error)
            else:
                messages.success(request, f"已{way.label}。")
                return redirect("intake:detail", pk=item.pk)
    handovers = list(item.handovers.select_related("agency", "sent_by", "feedback_by"))
    for handover in handovers:
        handover.registration = item
        if intake.may_record_feedback(handover=handover, user=request.user):
            handover.form = FeedbackForm(prefix=f"f{handover.pk}",
                                         initial={"received_on": timezone.localdate()})
    return render(request, "intake/detail.html", {
        "item": item, "ways": ways, "open_key": key, "handovers": handovers,
        "timeline": item.events.select_related("actor"), "today": timezone.localdate(),
    }, status=400 if key else 200)


def handovers(request):
    if not has_any(request.user, "view_cases"):
        raise PermissionDenied("您的岗位无权查看转办单。")
    status = request.GET.get("status", "open")
    status = status if status in ("open", "overdue", "all") else "open"
    return render(request, "intake/handovers.html", {
        "items": selectors.handovers(fetched_by=request.user, status=status), "status": status,
        "counts": selectors.intake_counts(fetched_by=request.user), "today": timezone.localdate(),
    })


def handover_feedback(request, pk):
    handover = selectors.handover_get(fetched_by=request.user, pk=pk)
    form = FeedbackForm(request.POST or None, prefix=f"f{handover.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            intake.handover_feedback(handover=handover, by=request.user,
                                     feedback=form.cleaned_data["feedback"],
                                     received_on=form.cleaned_data["received_on"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已录入 {handover.number} 的情况反馈。")
    else:
        messages.error(request, "请填写反馈日期和书面反馈内容。")
    return redirect("intake:detail", pk=handover.registration_id)


def urgent_aid(request):
    if not has_any(request.user, "view_cases"):
        raise PermissionDenied("您的岗位无权查看先行救助。")
    can_grant = has_any(request.user, "handle_cases")
    form = None
    if can_grant:
        form = UrgentAidForm(request.POST or None, initial={"paid_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            household = selectors.households_by_id(fetched_by=request.user,
                                                   id_number=data["id_number"]).first()
            try:
                if household is None:
                    raise ServiceError("未找到该身份证号所在的家庭档案（或不在您的辖区），"
                                       "请先登记家庭档案。", field="id_number")
                aid = intake.urgent_aid_grant(household=household, by=request.user,
                                              amount=data["amount"], reason=data["reason"],
                                              paid_on=data["paid_on"])
            except ServiceError as error:
                show_on(form, error)
            else:
                messages.success(request, f"已登记先行救助 {aid.amount} 元，请于 "
                                          f"{aid.paperwork_due:%Y-%m-%d} 前补办临时救助手续。")
                return redirect("intake:urgent")
    return render(request, "intake/urgent.html", {
        "form": form, "items": selectors.urgent_aid_list(fetched_by=request.user),
        "today": timezone.localdate(),
    }, status=400 if request.method == "POST" else 200)


def community(request):
    """The community assistant's page on a phone: what they reported and the cases they
    applied for on a family's behalf, with their status."""
    if not has_any(request.user, "refer_cases"):
        raise PermissionDenied("该页面供社区(村)协办员使用。")
    return render(request, "intake/community.html", {
        "reports": selectors.registrations(fetched_by=request.user, status="all",
                                           channel=Registration.Channel.COMMUNITY, size=50),
        "referrals": selectors.community_referrals(fetched_by=request.user, size=50),
    })


# --- the public progress query ----------------------------------------------------------

REFUSAL = "未查到相符的申请：请核对申请编号和申请人身份证号后六位（末位为X的请输入X）后重试。"


@never_cache
@login_not_required
def progress(request):
    """办理进度查询 (no login): the stage and the due date only. Every query counts toward
    the address's limit; a wrong number and a wrong ID suffix get the same answer."""
    form = ProgressForm(request.POST or None)
    result, status = None, 200
    if request.method == "POST":
        if over_limit("progress", client_network(request), limit=settings.PROGRESS_QUERY_LIMIT,
                      window_seconds=3600):
            form.add_error(None, "查询过于频繁，请一小时后再试。")
            status = 429
        elif form.is_valid():
            number = form.cleaned_data["number"].strip()
            if over_limit("progress-case", number[:30], limit=settings.PROGRESS_QUERY_LIMIT * 2,
                          window_seconds=86400):
                form.add_error(None, "该申请编号今日查询次数过多，请明天再试或致电镇(街道)窗口。")
                status = 429
            else:
                result = selectors.case_progress(number=number,
                                                 id_suffix=form.cleaned_data["id_suffix"])
                if result is None:
                    form.add_error(None, REFUSAL)
                    status = 404
        else:
            status = 400
    return render(request, "public/progress.html", {"form": form, "result": result},
                  status=status)


# --- households already receiving aid, from the previous system --------------------------


def legacy_import(request):
    townships = list(regions_where(request.user, "handle_cases").filter(level=Level.TOWNSHIP))
    if not townships:
        raise PermissionDenied("只有镇(街道)经办人可以导入在保对象。")
    form = LegacyImportForm(request.POST or None, request.FILES or None, townships=townships)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.beneficiaries_import(township=form.cleaned_data["township"],
                                                    content=upload.read(),
                                                    by=request.user)
        except ServiceError as error:
            show_on(form, error)
        else:
            if outcome.result.ok:
                messages.success(request, f"已导入 {outcome.households} 户在保对象。")
                return redirect("cases:queue")
            result = outcome.result
    return render(request, "intake/legacy_import.html",
                  {"form": form, "result": result, "spec": SPEC},
                  status=400 if request.method == "POST" else 200)


def legacy_template(request):
    if not has_any(request.user, "handle_cases"):
        raise PermissionDenied("只有镇(街道)经办人可以导入在保对象。")
    return template_response(SPEC, "template-existing-beneficiaries.csv")
