"""在保 pages: the township's benefits in force, one benefit with its history and the
changes a caseworker makes (views heard, a change reported, a refusal of work and the
cut of that share, self-care, a direct adjustment or stop), the printable notice of a
change, the review queue and a review's check, the caseworker's conclusion or proposal
and the approver's decision on it, and the district's review rounds (年审). Thin: read
through cases.selectors.benefits, change through one service each
(cases.services.benefits, .reviews, .rounds)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.scope import has_any, user_can
from cases import steps
from cases.forms.benefits import (
    AdjustForm,
    ApproveForm,
    ChangeForm,
    CutShareForm,
    DecideForm,
    RoundForm,
    SelfCareForm,
    StopForm,
    ViewsForm,
    WorkRefusalForm,
)
from cases.models import (
    IN_PAYMENT,
    AssistanceType,
    Benefit,
    BenefitState,
    ReviewOutcome,
    ReviewState,
)
from cases.selectors import benefits as selectors
from cases.services import benefit_people
from cases.services import benefits as benefit_services
from cases.services import reviews as review_services
from cases.services import rounds as round_services
from core.errors import ServiceError, show_on
from core.paging import parse_id, parse_size
from households.services import record_view

LIST_FILTERS = ("type", "state", "review")


def _require_viewer(user) -> None:
    if not has_any(user, "view_cases"):
        raise PermissionDenied("您的岗位无权查看在保对象。")


def benefits(request):
    _require_viewer(request.user)
    kept = {k: request.GET[k] for k in LIST_FILTERS if request.GET.get(k)}
    page = selectors.benefit_list(
        fetched_by=request.user, assistance_type=kept.get("type", ""),
        state=kept.get("state", ""), review=kept.get("review", ""),
        after=parse_id(request.GET.get("after")), before=parse_id(request.GET.get("before")),
        size=parse_size(request.GET.get("size")))
    counts = selectors.benefit_state_counts(fetched_by=request.user)
    heading = selectors.benefit_list_heading(
        fetched_by=request.user, assistance_type=kept.get("type", ""),
        state=kept.get("state", ""), review=kept.get("review", ""))
    return render(request, "cases/benefits/list.html", {
        "page": page, "kept": kept, "keep": urlencode(kept), "types": AssistanceType.choices,
        "states": [(value, label, counts.get(value, 0)) for value, label in BenefitState.choices],
        "heading": heading,
        "review_counts": selectors.review_counts(fetched_by=request.user),
    })


# --- the benefit page and its changes -------------------------------------------------------


@dataclass
class Action:
    """A change offered on the benefit page: its form and how the form's data reaches its
    service. Its label and hint come from the benefit's step (cases.models.benefits)."""

    key: str
    step: str | None  # the Benefit step it runs; None: not a step of the benefit
    make_form: Callable  # (benefit, file, *bound, prefix=) → form
    run: Callable  # (request, benefit, data) → (message, where to go next or None)
    label: str = ""
    hint: str = ""
    style: str = ""

    def facts(self):
        if self.step is None:
            return self.label, self.hint, self.style
        info = steps.info(getattr(Benefit, self.step))
        return info.label, info.hint, info.style

    def allowed(self, user, benefit) -> bool:
        """The role the step declares (the caseworker prepares, the approver changes the
        money); a reported change is the caseworker's."""
        perm = steps.info(getattr(Benefit, self.step)).perm if self.step else "handle_cases"
        return user_can(user, perm, benefit.region)

    def available(self, benefit, file) -> bool:
        if self.step is None:
            return benefit.state in IN_PAYMENT
        if not getattr(benefit, self.step)._django_fsm.has_transition(benefit.state):
            return False
        # The cut of one person's share follows registered refusals (DB §34).
        return self.key != "cut_share" or bool(file.work_refusals)


def _month(day) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def _hear_views(request, benefit, data):
    review = None
    if data.get("review"):
        current = selectors.benefit_open_review(benefit=benefit)
        review = current if current is not None and current.pk == data["review"] else None
    benefit_services.benefit_hear_views(
        benefit=benefit, by=request.user, proposed=data["proposed"], heard_on=data["heard_on"],
        person=data["person"], statement=data["statement"], declined=data["declined"],
        review=review)
    back = reverse("cases:benefit_review", args=[review.pk]) if review is not None else None
    return "已记录听取意见。" + ("请继续作出核查结论。" if back else ""), back


def _report_change(request, benefit, data):
    review = review_services.review_open(benefit=benefit, by=request.user, kind=data["kind"],
                                         note=data["note"], member_id=data["member"])
    return (f"已登记，核查应于 {review.due_on:%Y-%m-%d} 前完成。",
            reverse("cases:benefit_review", args=[review.pk]))


def _work_refusal(request, benefit, data):
    benefit_people.benefit_record_work_refusal(
        benefit=benefit, by=request.user, member_id=data["member"], refused_on=data["refused_on"],
        offer=data["offer"])
    return "已登记拒绝就业。", None


def _changed(benefit) -> str:
    period = selectors.benefit_current_period(benefit=benefit)
    since = f"，自{_month(period.first_month)}起执行" if period else ""
    return f"月保障金额调整为 {benefit.monthly_amount:.2f} 元{since}。书面通知见变更记录。"


def _cut_share(request, benefit, data):
    benefit = benefit_people.benefit_cut_share(benefit=benefit, by=request.user,
                                                 member_id=data["member"], reasons=data["reasons"])
    return "已减发本人部分，" + _changed(benefit), None


def _assess_self_care(request, benefit, data):
    assessment = benefit_people.benefit_assess_self_care(
        benefit=benefit, by=request.user, member_id=data["member"],
        not_managed=data["not_managed"], assessed_on=data["assessed_on"],
        assessors=data["assessors"])
    return f"已录入自理能力评估：{assessment.member.get_self_care_display()}。", None


def _adjust(request, benefit, data):
    benefit = benefit_services.benefit_adjust(benefit=benefit, by=request.user,
                                              amount=data["amount"], reasons=data["reasons"])
    return "已调整，" + _changed(benefit), None


def _stop(request, benefit, data):
    benefit = benefit_services.benefit_stop(benefit=benefit, by=request.user,
                                            reasons=data["reasons"])
    return (f"已停发，{_month(benefit.last_month)}为最后发放月。书面通知见变更记录。", None)


def _members_form(form_class):
    return lambda benefit, file, *bound, prefix: form_class(*bound, members=file.members,
                                                           prefix=prefix)


def _views_form(benefit, file, *bound, prefix):
    head = next((m for m in file.members if m.relation == "head"), None)
    return ViewsForm(*bound, prefix=prefix, person=head.name if head else "")


ACTIONS = [
    Action("hear_views", "hear_views", _views_form, _hear_views),
    Action("report_change", None, _members_form(ChangeForm), _report_change,
           label="登记家庭变化", hint="家庭报告的变化、成员死亡或自理能力变化：登记后进入待核查，"
                                  "须在时限内重新核对测算并作出结论。"),
    Action("work_refusal", "work_refusal", _members_form(WorkRefusalForm), _work_refusal),
    Action("cut_share", "cut_share", _members_form(CutShareForm), _cut_share),
    Action("assess_self_care", "assess_self_care", _members_form(SelfCareForm),
           _assess_self_care),
    Action("adjust", "adjust", lambda benefit, file, *bound, prefix: AdjustForm(
        *bound, prefix=prefix), _adjust,
        hint="由审批人决定；减发须先由经办人听取家庭意见。金额自次月（按本地规定）起执行。"),
    Action("stop", "stop", lambda benefit, file, *bound, prefix: StopForm(
        *bound, prefix=prefix), _stop,
        hint="停发须先听取家庭的陈述、申辩意见；停发后出具书面通知。"),
]
BY_KEY = {action.key: action for action in ACTIONS}


@dataclass
class Offer:
    key: str
    label: str
    hint: str
    style: str
    form: object
    open: bool = False


def _offers(request, benefit, file, open_form=None) -> list[Offer]:
    offers = []
    for action in ACTIONS:
        if not action.allowed(request.user, benefit) or not action.available(benefit, file):
            continue
        label, hint, style = action.facts()
        hint = action.hint or hint
        if open_form is not None and open_form[0] == action.key:
            offers.append(Offer(action.key, label, hint, style, open_form[1], open=True))
        else:
            offers.append(Offer(action.key, label, hint, style,
                                action.make_form(benefit, file, prefix=action.key)))
    return offers


def _benefit_page(request, benefit, open_form=None, status=200):
    file = selectors.benefit_file(benefit=benefit)
    offers = _offers(request, benefit, file, open_form)
    review_id = parse_id(request.GET.get("review"))
    if open_form is None and review_id is not None:
        # Come from a review whose decision needs the household's views first.
        for offer in offers:
            if offer.key == "hear_views":
                offer.open = True
                offer.form.initial["review"] = review_id
    return render(request, "cases/benefits/detail.html", {
        "benefit": benefit, "file": file, "offers": offers,
        "current": file.current, "today": timezone.localdate(),
    }, status=status)


def benefit(request, benefit_pk):
    item = selectors.benefit_get(fetched_by=request.user, pk=benefit_pk)
    record_view(household=item.household, by=request.user)
    return _benefit_page(request, item)


@require_POST
def benefit_act(request, benefit_pk, key):
    item = selectors.benefit_get(fetched_by=request.user, pk=benefit_pk)
    action = BY_KEY.get(key)
    if action is None:
        raise Http404
    if not action.allowed(request.user, item):
        raise PermissionDenied("您没有办理这一项在保变更的权限：增发、减发、停发由镇(街道)审批人决定，"
                               "听取意见、登记变化和评估由经办人办理。")
    file = selectors.benefit_file(benefit=item)
    if not action.available(item, file):
        messages.error(request, f"该在保记录现为「{item.get_state_display()}」，"
                                f"不能{action.facts()[0]}（可能刚刚已被他人处理）。")
        return redirect("cases:benefit", benefit_pk=item.pk)
    form = action.make_form(item, file, request.POST, prefix=key)
    if form.is_valid():
        try:
            message, where = action.run(request, item, form.cleaned_data)
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, message)
            return redirect(where or reverse("cases:benefit", args=[item.pk]))
    item = selectors.benefit_get(fetched_by=request.user, pk=benefit_pk)
    return _benefit_page(request, item, open_form=(key, form), status=400)


# The heading of each kind of written notice (what the change did).
NOTICE_TITLES = {"adjust": "调整金额通知书", "cut_share": "减发保障金通知书",
                 "begin_exit": "渐退通知书", "stop": "停止发放通知书",
                 "end_exit": "停止发放通知书"}


def benefit_notice(request, benefit_pk, event_pk):
    """The written notice of one change, to print on A4 and hand to the household."""
    item = selectors.benefit_get(fetched_by=request.user, pk=benefit_pk)
    event = selectors.benefit_notice_event(benefit=item, pk=event_pk)
    record_view(household=item.household, by=request.user, detail="书面通知")
    township = item.region.township() or item.region
    return render(request, "cases/benefits/notice.html", {
        "benefit": item, "event": event, "township": township,
        "title": f"{item.get_assistance_type_display()}{NOTICE_TITLES.get(event.action, '变更通知书')}",
        "head": item.household.head,
    })


# --- reviews --------------------------------------------------------------------------------


def reviews(request):
    _require_viewer(request.user)
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
    }, status=status)


def review(request, review_pk):
    item = selectors.review_get(fetched_by=request.user, pk=review_pk)
    record_view(household=item.benefit.household, by=request.user)
    return _review_page(request, item)


@require_POST
def review_check(request, review_pk):
    item = selectors.review_get(fetched_by=request.user, pk=review_pk)
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


@require_POST
def review_decide(request, review_pk):
    """The caseworker's conclusion (继续享受 at once, the others proposed), or the
    approver's decision on a proposal (the submit button's `step`: decide, send_back)."""
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
                amount = f"，月保障金额调整为 {done.new_amount} 元" if done.new_amount else ""
                messages.success(request, f"已审批同意：{outcome}{amount}。")
            else:
                messages.success(request, "已退回经办人重新核查。")
            return redirect("cases:benefit_review", review_pk=item.pk)
    item = selectors.review_get(fetched_by=request.user, pk=item.pk)
    return _review_page(request, item, approve_form=form, status=400)


# --- the district's review rounds (年审) ------------------------------------------------------


def rounds(request):
    _require_viewer(request.user)
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
    _require_viewer(request.user)
    return JsonResponse({"rounds": selectors.round_progress(fetched_by=request.user)})
