"""在保 pages: the township's benefits in force, one benefit with its history and the
changes a caseworker makes (views heard, a change reported, a refusal of work and the
cut of that share, self-care, a direct adjustment or stop), the printable notice of a
change, the review queue and a review's check, the caseworker's conclusion or proposal
and the approver's decision on it, and the district's review rounds (年审). Thin: read
through cases.selectors.benefits, change through one service each
(cases.services.benefits, .benefit_people, .reviews). The reviews and the rounds are in
cases.views.reviews."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.scope import has_any, user_can
from cases import steps
from cases.forms.benefits import (
    AdjustForm,
    ChangeForm,
    CutShareForm,
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
)
from cases.selectors import benefits as selectors
from cases.services import benefit_people
from cases.services import benefits as benefit_services
from cases.services import reviews as review_services
from core.errors import ServiceError, show_on
from core.paging import parse_id, parse_size
from households.services import record_view

LIST_FILTERS = ("type", "state", "review")


def require_viewer(user) -> None:
    if not has_any(user, "view_cases"):
        raise PermissionDenied("您的岗位无权查看在保对象。")


def benefits(request):
    require_viewer(request.user)
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


def benefit_act(request, benefit_pk, key):
    item = selectors.benefit_get(fetched_by=request.user, pk=benefit_pk)
    if request.method != "POST":  # a refreshed or bookmarked form address: the page
        return redirect("cases:benefit", benefit_pk=item.pk)
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
