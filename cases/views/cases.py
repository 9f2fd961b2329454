"""Case pages: the queue, starting a case, the case page and its steps, its files.
Thin: read through cases.selectors, change through one service each."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts.scope import has_any, user_can
from cases import offers as case_offers
from cases import selectors, services
from cases.forms import NewApplicationForm
from cases.models import AssistanceType, CaseDocument, State
from core.errors import ServiceError, show_on
from core.files import detected_type
from core.idnumber import mask
from core.paging import parse_id, parse_size
from core.search import recalled_search, remember_search
from households.selectors import household_get
from households.services import record_view

QUEUE_FILTERS = ("state", "type", "due", "household", "verify", "objection")


def queue(request):
    if not has_any(request.user, "view_cases"):
        raise PermissionDenied("您的岗位无权查看救助申请。")
    kept = {k: request.GET[k] for k in QUEUE_FILTERS if request.GET.get(k)}
    if request.method == "POST":  # searches go by POST: ID numbers stay out of URLs and logs
        text = request.POST.get("q", "").strip()
        if text:
            kept["s"] = remember_search(request, text)
        return redirect(f"{reverse('cases:queue')}?{urlencode(kept)}")
    search = recalled_search(request)
    if request.GET.get("s") and not search:
        messages.info(request, "该查询已过期，请重新输入查询内容。")
    state = request.GET.get("state", "")
    page = selectors.case_queue(
        fetched_by=request.user, state=state if state in State.values else "",
        assistance_type=request.GET.get("type", ""), due=request.GET.get("due", ""),
        search=search, household_id=parse_id(request.GET.get("household")),
        verify=request.GET.get("verify", ""), objection=request.GET.get("objection", ""),
        after=parse_id(request.GET.get("after")), before=parse_id(request.GET.get("before")),
        size=parse_size(request.GET.get("size")))
    counts = selectors.case_state_counts(fetched_by=request.user)
    if request.GET.get("s") and search:
        kept["s"] = request.GET["s"]
    return render(request, "cases/queue.html", {
        "page": page, "today": timezone.localdate(), "kept": kept, "kept_query": urlencode(kept),
        "search_shown": search if not search[:1].isdigit() else mask(search),
        "states": [(value, label, counts.get(value, 0)) for value, label in State.choices
                   if value != State.NEW],
        "types": AssistanceType.choices, "current_state": state,
        "can_file": has_any(request.user, "handle_cases"),
    })


def new_application(request, household_pk):
    """Start a case for a household: accepted at the window by a caseworker, or referred
    by a community assistant (代为申请)."""
    household = household_get(fetched_by=request.user, pk=household_pk)
    at_window = user_can(request.user, "handle_cases", household.region)
    if not at_window and not user_can(request.user, "refer_cases", household.region):
        raise PermissionDenied("您的岗位不能为该家庭申请救助。")
    form = NewApplicationForm(request.POST or None, request.FILES or None, at_window=at_window)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        documents = [(CaseDocument.Kind.AUTHORIZATION, data["authorization"])
                     if data.get("authorization") else None,
                     (CaseDocument.Kind.EVIDENCE, data["evidence"]) if data.get("evidence") else None]
        documents = [d for d in documents if d]
        start = services.application_accept_new if at_window else services.application_refer
        try:
            application = start(household=household, assistance_type=data["assistance_type"],
                                 hardship=data["hardship"], reason=data["reason"],
                                 documents=documents, by=request.user)
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, f"申请 {application.number} 已"
                                      f"{'受理' if at_window else '上报镇(街道)'}。")
            return redirect("cases:detail", pk=application.pk)
    return render(request, "cases/new.html",
                  {"form": form, "household": household, "at_window": at_window})


def _detail_context(request, application, open_form=None):
    offers = case_offers.offers_for(application, request.user)
    if open_form is not None:
        for offer in offers:
            if offer.action.key == open_form[0]:
                offer.form = open_form[1]
                offer.open = True
    members = list(application.household.members.all())
    for member in members:
        member.masked_id = mask(member.id_number)
    returned = (application.events.filter(action="return_for_materials").order_by("-at").first()
                if application.state == State.RETURNED else None)
    return {
        "case": application, "offers": offers, "members": members, "returned": returned,
        "today": timezone.localdate(),
        "timeline": selectors.case_timeline(application=application),
        "documents": application.documents.select_related("uploaded_by"),
        "investigations": application.home_investigations.select_related("recorded_by"),
        "verifications": application.verifications.select_related("result_by"),
        "notices": selectors.case_notices(application=application),
        "hearings": application.hearings.all(),
        "rectifications": application.rectifications.all(),
        **selectors.case_finances(fetched_by=request.user, application=application),
    }


def detail(request, pk):
    application = selectors.case_get(fetched_by=request.user, pk=pk)
    # The page shows the household's members, health and disability: a view of the file.
    record_view(household=application.household, by=request.user)
    return render(request, "cases/detail.html", _detail_context(request, application))


@require_http_methods(["GET", "HEAD", "POST"])
def act(request, pk, key):
    application = selectors.case_get(fetched_by=request.user, pk=pk)
    if request.method != "POST":
        # The address of an action opened directly (a bookmark, a refreshed form, a link
        # passed on): the case page, where the action is offered if it still may be taken.
        # After the scoped lookup: another region's case stays 404.
        return redirect("cases:detail", pk=application.pk)
    action = case_offers.BY_KEY.get(key)
    if action is None:
        raise Http404
    if not action.allowed_in(application.state):
        messages.error(request, f"申请现为「{application.get_state_display()}」，不能{action.label}"
                                "（可能刚刚已被他人处理）。")
        return redirect("cases:detail", pk=application.pk)
    form = action.form(request.POST, request.FILES, application=application, prefix=key)
    if form.is_valid():
        try:
            action.run(application, request.user, form.cleaned_data)
        except services.CaseChanged as error:
            # Someone else was quicker: the form the user filled in may no longer be
            # offered in the new state, so the message goes to the top of the page.
            messages.error(request, error.message)
            form = None
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, f"已{action.label}。")
            return redirect("cases:detail", pk=application.pk)
    application = selectors.case_get(fetched_by=request.user, pk=pk)
    return render(request, "cases/detail.html",
                  _detail_context(request, application,
                                  open_form=(key, form) if form is not None else None),
                  status=400)


def _file_response(stored, title: str):
    kind = detected_type(stored)
    content_type = {"PDF": "application/pdf", "JPEG": "image/jpeg", "PNG": "image/png"}.get(
        kind, "application/octet-stream")
    extension = {"PDF": ".pdf", "JPEG": ".jpg", "PNG": ".png"}.get(kind, "")
    # The name the browser sees says what it is, nothing about whom.
    response = FileResponse(stored.open("rb"), content_type=content_type,
                            filename=f"{title}{extension}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document(request, pk, document_pk):
    application = selectors.case_get(fetched_by=request.user, pk=pk)
    try:
        stored = application.documents.get(pk=document_pk)
    except CaseDocument.DoesNotExist as exc:
        raise Http404 from exc
    record_view(household=application.household, by=request.user)
    return _file_response(stored.file, f"{application.number}-{stored.get_kind_display()}")


def investigation_form(request, pk, investigation_pk):
    application = selectors.case_get(fetched_by=request.user, pk=pk)
    record = application.home_investigations.filter(pk=investigation_pk).first()
    if record is None:
        raise Http404
    record_view(household=application.household, by=request.user)
    return _file_response(record.signed_form, f"{application.number}-入户调查表")
