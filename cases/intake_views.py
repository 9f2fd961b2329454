"""一门受理 pages: window registrations and their ways out, transfer slips and referrals,
先行救助, the community assistant's page, and the public progress query. Thin: read
through cases.selectors, change through cases.intake."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.errors import ServiceError, show_on
from accounts.roles import Level
from accounts.scope import has_any, regions_where, user_can
from accounts.throttle import client_network, over_limit
from cases import intake, selectors, services
from cases.intake_forms import (
    CloseForm,
    FeedbackForm,
    HandleForm,
    HandoverForm,
    MeetingOutcomeForm,
    ProgressForm,
    ReasonForm,
    RegistrationForm,
    UrgentAidForm,
)
from cases.models import Agency, CaseDocument, Registration
from verification.imports import template_response


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
                region=data["region"], registered_by=request.user,
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


def _forms(request, item, bound_key=None):
    """The ways out the user may take now, each with its form (one bound on a POST)."""
    if not user_can(request.user, "handle_cases", item.township) or not (
            item.is_open or item.status == Registration.Status.HANDLED):
        return {}
    data = request.POST if bound_key else None
    files = request.FILES if bound_key else None

    def bind(key):
        return (data, files) if key == bound_key else (None, None)

    kinds_transfer = [Agency.Kind.DEPARTMENT, Agency.Kind.DISTRICT_WINDOW]
    forms = {}
    if item.is_open:
        households = selectors.households_for_registration(fetched_by=request.user,
                                                           registration=item)
        forms["handle"] = HandleForm(*bind("handle"), households=households, prefix="handle",
                                     initial={"assistance_type": item.category
                                              if item.category in intake.TOWNSHIP_TYPES else None,
                                              "reason": item.hardship[:500]})
        forms["transfer"] = HandoverForm(*bind("transfer"), prefix="transfer",
                                         agencies=selectors.agencies(township=item.township,
                                                                     kinds=kinds_transfer))
        if item.status == Registration.Status.OPEN:
            forms["meeting"] = ReasonForm(*bind("meeting"), prefix="meeting")
        else:
            forms["meeting_outcome"] = MeetingOutcomeForm(*bind("meeting_outcome"),
                                                          prefix="meeting_outcome")
        forms["close"] = CloseForm(*bind("close"), prefix="close")
    forms["refer"] = HandoverForm(*bind("refer"), prefix="refer",
                                  agencies=selectors.agencies(township=item.township,
                                                              kinds=[Agency.Kind.ORGANISATION]))
    return forms


def _run(key, item, user, data):
    if key == "handle":
        return intake.registration_handle(
            registration=item, handled_by=user, household=data["household"],
            assistance_type=data["assistance_type"], hardship=data["hardship"],
            reason=data["reason"],
            documents=[(CaseDocument.Kind.AUTHORIZATION, data["authorization"])])
    if key == "transfer":
        return intake.registration_transfer(registration=item, transferred_by=user,
                                            agency=data["agency"], request=data["request"])
    if key == "refer":
        return intake.registration_refer(registration=item, referred_by=user,
                                         agency=data["agency"], request=data["request"])
    if key == "meeting":
        return intake.registration_to_meeting(registration=item, sent_by=user,
                                              reason=data["reason"])
    if key == "meeting_outcome":
        return intake.registration_meeting_outcome(registration=item, recorded_by=user,
                                                   held_on=data["held_on"],
                                                   outcome=data["outcome"])
    return intake.registration_close(registration=item, closed_by=user, outcome=data["outcome"])


LABELS = {"handle": "受理", "transfer": "转办", "refer": "转介", "meeting": "提交联席会议",
          "meeting_outcome": "录入联席会议结果", "close": "办结"}


def registration(request, pk):
    item = selectors.registration_get(fetched_by=request.user, pk=pk)
    key = request.GET.get("do") if request.method == "POST" else None
    forms = _forms(request, item, bound_key=key)
    if key is not None:
        form = forms.get(key)
        if form is None:
            messages.error(request, f"该登记现为「{item.get_status_display()}」，"
                                    f"不能{LABELS.get(key, '办理')}。")
            return redirect("intake:detail", pk=item.pk)
        if form.is_valid():
            try:
                _run(key, item, request.user, form.cleaned_data)
            except ServiceError as error:
                show_on(form, error)
            else:
                messages.success(request, f"已{LABELS[key]}。")
                return redirect("intake:detail", pk=item.pk)
    handovers = list(item.handovers.select_related("agency", "sent_by", "feedback_by"))
    for handover in handovers:
        district_window = (handover.agency.kind == Agency.Kind.DISTRICT_WINDOW
                           and user_can(request.user, "review_filings", item.township.parent))
        if handover.feedback_on is None and (
                user_can(request.user, "handle_cases", item.township) or district_window):
            handover.form = FeedbackForm(prefix=f"f{handover.pk}",
                                         initial={"received_on": timezone.localdate()})
    return render(request, "intake/detail.html", {
        "item": item, "forms": forms, "open_key": key, "labels": LABELS, "handovers": handovers,
        "today": timezone.localdate(),
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
            intake.handover_feedback(handover=handover, recorded_by=request.user,
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
                aid = intake.urgent_aid_grant(household=household, granted_by=request.user,
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
    from cases.intake_forms import LegacyImportForm
    from cases.legacy import SPEC

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
                                                    imported_by=request.user)
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
    from cases.legacy import SPEC

    if not has_any(request.user, "handle_cases"):
        raise PermissionDenied("只有镇(街道)经办人可以导入在保对象。")
    return template_response(SPEC, "template-existing-beneficiaries.csv")
