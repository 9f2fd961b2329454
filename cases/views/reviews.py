"""复查 pages: the review queue, a review's check, the caseworker's conclusion or proposal
and the approver's decision on it, and the district's review rounds (年审). Thin: read
through cases.selectors.benefits, change through cases.services.reviews and .rounds."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from accounts.scope import has_any, user_can
from cases.forms.benefits import (
    ApproveForm,
    DecideForm,
    RoundForm,
)
from cases.models import (
    ReviewOutcome,
    ReviewState,
)
from cases.selectors import benefits as selectors
from cases.services import reviews as review_services
from cases.services import rounds as round_services
from cases.views.benefits import require_viewer
from core.errors import ServiceError, show_on
from core.paging import parse_id, parse_size
from households.services import record_view

# --- reviews --------------------------------------------------------------------------------


def reviews(request):
    require_viewer(request.user)
    status = request.GET.get("status", "open")
    status = status if status in selectors.REVIEW_STATUSES else "open"
    kept = {"status": status}
    round_id = parse_id(request.GET.get("round"))
    if round_id:
        kept["round"] = round_id
    page = selectors.review_queue(
        fetched_by=request.user, status=status, round_id=round_id,
        after=request.GET.get("after"), before=request.GET.get("before"),
        size=parse_size(request.GET.get("size")))
    return render(request, "cases/benefits/reviews.html", {
        "page": page, "status": status, "keep": urlencode(kept), "round_id": round_id,
        "counts": selectors.review_counts(fetched_by=request.user),
        "statuses": [("open", "全部未完成"), ("overdue", "已逾期"), ("unchecked", "待核对测算"),
                     ("checked", "待作结论"), ("proposed", "待审批"), ("decided", "已完成")],
    })


def _draft_key(review) -> str:
    return f"review-draft-{review.pk}"


def _review_page(request, review, form=None, approve_form=None, status=200):
    can_handle = user_can(request.user, "handle_cases", review.region)
    can_approve = user_can(request.user, "approve_cases", review.region)
    file = selectors.review_file(review=review)
    total = (file["calculation"] or {}).get("total")
    if form is None and can_handle and review.state == ReviewState.CHECKED:
        # What was typed before a refusal (and a visit to hear the household) comes back.
        draft = request.session.get(_draft_key(review)) or {
            "amount": total or review.benefit.monthly_amount}
        form = DecideForm(exit_limit=selectors.gradual_exit_limit(benefit=review.benefit),
                          initial=draft)
    if approve_form is None and can_approve and review.state == ReviewState.PROPOSED:
        approve_form = ApproveForm()
    return render(request, "cases/benefits/review.html", {
        "review": review, "benefit": review.benefit, "file": file, "form": form,
        "approve_form": approve_form, "calculated": total,
        "can_handle": can_handle, "can_approve": can_approve, "today": timezone.localdate(),
        "overdue": review.is_overdue(),
        **selectors.benefit_amounts_now(benefit=review.benefit),
    }, status=status)


def review(request, review_pk):
    item = selectors.review_get(fetched_by=request.user, pk=review_pk)
    record_view(household=item.benefit.household, by=request.user)
    return _review_page(request, item)


def review_check(request, review_pk):
    item = selectors.review_get(fetched_by=request.user, pk=review_pk)
    if request.method != "POST":  # a refreshed or bookmarked form address: the page
        return redirect("cases:benefit_review", review_pk=item.pk)
    try:
        item = review_services.review_check(review=item, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        eligible = (item.calculation or {}).get("eligible")
        warning = item.verification is not None and item.verification.has_warning
        messages.success(request, "已重新核对和测算"
                         + ("，核对有预警，请查看核对结果" if warning else "")
                         + ("，测算结果为不符合条件" if eligible is False else "") + "。")
    return redirect(reverse("cases:benefit_review", args=[item.pk]) + "#calculation")


def review_decide(request, review_pk):
    """The caseworker's conclusion (继续享受 at once, the others proposed), or the
    approver's decision on a proposal (the submit button's `step`: decide, send_back)."""
    if request.method != "POST":  # a refreshed or bookmarked form address: the page
        return redirect("cases:benefit_review", review_pk=review_pk)
    item = selectors.review_get(fetched_by=request.user, pk=review_pk)
    if request.POST.get("step") in ("decide", "send_back"):
        return _review_approve(request, item)
    form = DecideForm(request.POST,
                      exit_limit=selectors.gradual_exit_limit(benefit=item.benefit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = review_services.review_propose(
                review=item, by=request.user, outcome=data["outcome"], reasons=data["reasons"],
                amount=data["amount"], exit_months=data["exit_months"],
                deviation=data["deviation"])
        except ServiceError as error:
            show_on(form, error)
        else:
            request.session.pop(_draft_key(item), None)
            outcome = ReviewOutcome(done.outcome).label
            if done.state == ReviewState.DECIDED:
                messages.success(request, f"已作出核查结论：{outcome}。")
            else:
                amount = f"，调整后月保障金额 {done.new_amount} 元" if done.new_amount else ""
                messages.success(request, f"已提出核查意见：{outcome}{amount}，待镇(街道)审批人审批。")
            return redirect("cases:benefit_review", review_pk=item.pk)
    request.session[_draft_key(item)] = {name: request.POST.get(name, "") for name in form.fields}
    item = selectors.review_get(fetched_by=request.user, pk=review_pk)
    return _review_page(request, item, form=form, status=400)


def _review_approve(request, item):
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            if request.POST["step"] == "decide":
                done = review_services.review_decide(review=item, by=request.user)
            else:
                done = review_services.review_send_back(review=item, by=request.user,
                                                        reason=form.cleaned_data["reason"])
        except ServiceError as error:
            show_on(form, error)
        else:
            if done.state == ReviewState.DECIDED:
                outcome = ReviewOutcome(done.outcome).label
                event = selectors.review_change(review=done)
                since = (f"，自{event.effective_month.year}年{event.effective_month.month}月起执行"
                         if event is not None and event.effective_month else "")
                amount = f"，月保障金额调整为 {done.new_amount:.2f} 元" if done.new_amount else ""
                messages.success(request, f"已审批同意：{outcome}{amount}{since}。"
                                          "书面通知见在保记录的变更记录。")
            else:
                messages.success(request, "已退回经办人重新核查。")
            return redirect("cases:benefit_review", review_pk=item.pk)
    item = selectors.review_get(fetched_by=request.user, pk=item.pk)
    return _review_page(request, item, approve_form=form, status=400)


# --- the district's review rounds (年审) ------------------------------------------------------


def rounds(request):
    require_viewer(request.user)
    townships = selectors.round_townships(fetched_by=request.user)
    can_open = has_any(request.user, "review_filings")
    form = RoundForm(request.POST or None, townships=townships) if can_open else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有区民政局审核人可以发起年审。")
        if form.is_valid():
            data = form.cleaned_data
            try:
                opened = round_services.review_round_open(
                    township=data["township"], by=request.user, name=data["name"],
                    due_on=data["due_on"])
            except ServiceError as error:
                show_on(form, error)
            else:
                messages.success(request, f"已发起{opened.township.name}「{opened.name}」，共 "
                                          f"{opened.total} 户，逐户核对测算的进度见下方。")
                return redirect("cases:benefit_rounds")
    items = selectors.review_rounds(fetched_by=request.user)
    return render(request, "cases/benefits/rounds.html", {
        "form": form, "rounds": items, "running": any(r.running for r in items),
        "review_counts": selectors.review_counts(fetched_by=request.user),
    }, status=400 if request.method == "POST" else 200)


@never_cache
def rounds_progress(request):
    """The rounds' progress, for the rounds page to refresh its bars."""
    require_viewer(request.user)
    return JsonResponse({"rounds": selectors.round_progress(fetched_by=request.user)})
