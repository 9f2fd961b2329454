"""What the case page offers: the steps this user may take now, each with its form, and
for the ones a rule of DESIGN §4 blocks, the rule's own explanation.

The steps, who may take them, from which states, their labels, hints and guards are
declared on the transitions (cases.models). This module adds only what a page needs
on top: the form that collects a step's input and how that input reaches its service.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.scope import user_can
from cases import forms, guards, services, steps
from cases.models import Application


def _state(data):
    return data["expected_state"]


def _propose(app, user, data):
    return services.application_propose(
        application=app, by=user, approve=data["decision"] == "approve",
        amount=data.get("amount"), reasons=data.get("reasons", ""), expected_state=_state(data))


def _resubmit(app, user, data):
    documents = [(data["kind"], data["file"])] if data.get("file") else []
    return services.application_resubmit(application=app, by=user,
                                         note=data.get("note", ""), documents=documents)


def _hearing(app, user, data):
    fields = {k: v for k, v in data.items() if k != "expected_state"}
    return services.application_record_hearing(application=app, by=user, data=fields,
                                               expected_state=_state(data))


def _investigation(app, user, data):
    fields = {k: v for k, v in data.items() if k != "expected_state"}
    return services.application_record_home_investigation(application=app, by=user,
                                                          data=fields)


# offer → (its form, how the form's data reaches the one service of the step)
FORMS: dict[str, tuple[type, Callable]] = {
    "accept": (forms.ConfirmForm, lambda a, u, d: services.application_accept(
        application=a, by=u, expected_state=_state(d))),
    "return": (forms.ReturnForm, lambda a, u, d: services.application_return(
        application=a, by=u, missing=list(d["missing"]), note=d.get("note", ""),
        expected_state=_state(d))),
    "resubmit": (forms.ResubmitForm, _resubmit),
    "attach": (forms.AttachForm, lambda a, u, d: services.application_attach(
        application=a, by=u, kind=d["kind"], upload=d["file"])),
    "home_investigation": (forms.HomeInvestigationForm, _investigation),
    "verification": (forms.VerificationResultForm,
                     lambda a, u, d: services.application_record_verification(
                         application=a, by=u, summary=d["summary"],
                         has_warning=d["has_warning"], warnings=d.get("warnings", ""))),
    "finish_investigation": (forms.ConfirmForm,
                             lambda a, u, d: services.application_finish_investigation(
                                 application=a, by=u, expected_state=_state(d))),
    "propose": (forms.ProposeForm, _propose),
    "objection": (forms.ObjectionForm, lambda a, u, d: services.application_record_objection(
        application=a, by=u, channel=d["channel"], content=d["content"],
        contact=d.get("contact", ""), repeat=d.get("repeat", False))),
    "handle_objection": (forms.HandleObjectionForm,
                         lambda a, u, d: services.application_handle_objection(
                             application=a, objection=d["objection"], by=u,
                             finding=d["finding"])),
    "close_publicity": (forms.ClosePublicityForm,
                        lambda a, u, d: services.application_close_publicity(
                            application=a, by=u, skip_reason=d["skip_reason"],
                            expected_state=_state(d))),
    "call_hearing": (forms.OptionalReasonForm, lambda a, u, d: services.application_call_hearing(
        application=a, by=u, reason=d.get("reason", ""), expected_state=_state(d))),
    "record_hearing": (forms.HearingForm, _hearing),
    "approve": (forms.ApproveForm, lambda a, u, d: services.application_approve(
        application=a, by=u, amount=d["amount"], reasons=d.get("reasons", ""),
        expected_state=_state(d))),
    "reject": (forms.RejectForm, lambda a, u, d: services.application_reject(
        application=a, by=u, reasons=d["reasons"], expected_state=_state(d))),
    "send_back": (forms.ReasonForm, lambda a, u, d: services.application_send_back(
        application=a, by=u, reason=d["reason"], expected_state=_state(d))),
    "open_rectification": (forms.RectificationForm,
                           lambda a, u, d: services.application_open_rectification(
                               application=a, by=u, finding=d["finding"],
                               days=d.get("days"))),
    "answer_rectification": (forms.AnswerForm,
                             lambda a, u, d: services.application_answer_rectification(
                                 application=a, by=u, answer=d["answer"],
                                 upload=d.get("file"))),
    "close_rectification": (forms.OptionalReasonForm,
                            lambda a, u, d: services.application_close_rectification(
                                application=a, by=u, note=d.get("reason", ""))),
    "return_rectification": (forms.ReturnRectificationForm,
                             lambda a, u, d: services.application_return_rectification(
                                 application=a, by=u, reason=d["reason"],
                                 days=d.get("days"))),
    "withdraw": (forms.ReasonForm, lambda a, u, d: services.application_withdraw(
        application=a, by=u, reason=d["reason"], expected_state=_state(d))),
}


@dataclass(frozen=True)
class Action:
    """One offer of the case page: one step, or the steps one form chooses between
    (审核 proposes approval or rejection; 评议 sends to approval or back)."""

    key: str
    label: str
    perm: str
    hint: str
    style: str
    not_by: tuple
    steps: tuple[str, ...]
    form: type
    run: Callable

    @property
    def look(self) -> str:
        """The class of the offer's own button on the case page. The real next step stands
        out (primary); a destructive one (申请人撤回、不予确认) is outlined, no more prominent
        than the other secondary offers, and turns red only on its form's submit button."""
        return "danger-outline" if self.style == "danger" else self.style

    def allowed_in(self, state: str) -> bool:
        return any(state in steps.sources(getattr(Application, name)) for name in self.steps)


def _declared_actions() -> list[Action]:
    grouped: dict[str, list[steps.StepInfo]] = {}
    for _, facts in steps.steps(Application):
        if facts.offer is not None:
            grouped.setdefault(facts.offer, []).append(facts)
    actions = []
    for key, group in grouped.items():
        first = group[0]
        form, run = FORMS[key]
        actions.append(Action(key=key, label=first.label, perm=first.perm, hint=first.hint,
                              style=first.style, not_by=first.not_by,
                              steps=tuple(f.name for f in group), form=form, run=run))
    return actions


ACTIONS = _declared_actions()
BY_KEY = {action.key: action for action in ACTIONS}


@dataclass
class Offer:
    action: Action
    form: object = None
    blocked: list | None = None  # the rules' explanations when the step cannot be taken now
    open: bool = field(default=False)


def offers_for(application: Application, user) -> list[Offer]:
    """The actions of `user` on `application` now: ready ones with a form, blocked ones
    with the reasons. An offer of several steps is blocked only when every one is."""
    offers, taken_part = [], None
    for action in ACTIONS:
        methods = [getattr(application, name) for name in action.steps
                   if application.state in steps.sources(getattr(Application, name))]
        if not methods or not user_can(user, action.perm, application.region):
            continue
        if all(guards.hidden(application, method) for method in methods):
            continue
        if action.not_by:
            taken_part = taken_part or guards.participants(application)
            if user.pk in set().union(*(taken_part[f] for f in action.not_by)):
                offers.append(Offer(action, blocked=[
                    "受理、审核、审批须由三名不同人员办理：您已参与本申请的受理或审核。"]))
                continue
        problems = [guards.refusals(application, method) for method in methods]
        if all(problems):
            offers.append(Offer(action, blocked=list(dict.fromkeys(
                message for messages in problems for message in messages))))
        else:
            offers.append(Offer(action, form=action.form(application=application,
                                                         prefix=action.key)))
    return offers
