"""What a user can do on a case page: each action names its form and the one service it
calls. The page shows the actions this user may take now, and for the ones blocked by
a rule of DESIGN §4, the rule's own explanation."""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.scope import user_can
from cases import forms, guards, services
from cases.models import Application, State


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    perm: str
    states: tuple
    form: type
    run: Callable
    transition: str | None = None  # whose guards explain why the step is blocked
    not_by: tuple = ()  # 三分离: users who may not take this step
    style: str = ""
    hint: str = ""


def _state(data):
    return data["expected_state"]


def _propose(app, user, data):
    return services.application_propose(
        application=app, proposed_by=user, approve=data["decision"] == "approve",
        amount=data.get("amount"), reasons=data.get("reasons", ""), expected_state=_state(data))


def _resubmit(app, user, data):
    documents = [(data["kind"], data["file"])] if data.get("file") else []
    return services.application_resubmit(application=app, resubmitted_by=user,
                                         note=data.get("note", ""), documents=documents)


def _hearing(app, user, data):
    fields = {k: v for k, v in data.items() if k != "expected_state"}
    return services.application_record_hearing(application=app, recorded_by=user, data=fields,
                                               expected_state=_state(data))


def _investigation(app, user, data):
    fields = {k: v for k, v in data.items() if k != "expected_state"}
    return services.application_record_home_investigation(application=app, recorded_by=user,
                                                          data=fields)


ACTIONS = [
    Action("accept", "受理", "handle_cases", (State.REFERRED,), forms.ConfirmForm,
           lambda a, u, d: services.application_accept(application=a, accepted_by=u,
                                                       expected_state=_state(d)),
           transition="accept", style="primary",
           hint="受理后开始计算办结时限，并向区民政局提交家庭经济状况核对。"),
    Action("return", "退回补正", "handle_cases", (State.REFERRED,), forms.ReturnForm,
           lambda a, u, d: services.application_return(
               application=a, returned_by=u, missing=list(d["missing"]), note=d.get("note", ""),
               expected_state=_state(d)),
           hint="一次性告知：把所有缺少的材料一次勾选完整。"),
    Action("resubmit", "补正后重新提交", "refer_cases", (State.RETURNED,), forms.ResubmitForm,
           _resubmit, style="primary"),
    Action("attach", "上传材料", "refer_cases",
           (State.REFERRED, State.RETURNED, State.INVESTIGATING), forms.AttachForm,
           lambda a, u, d: services.application_attach(application=a, attached_by=u,
                                                       kind=d["kind"], upload=d["file"])),
    Action("home_investigation", "录入入户调查", "handle_cases", (State.INVESTIGATING,),
           forms.HomeInvestigationForm, _investigation,
           hint="至少2名工作人员入户，调查表由调查人员和在场家庭成员签字。"),
    Action("verification", "录入核对结果", "verify_economic_status", (State.INVESTIGATING,),
           forms.VerificationResultForm,
           lambda a, u, d: services.application_record_verification(
               application=a, entered_by=u, summary=d["summary"], has_warning=d["has_warning"],
               warnings=d.get("warnings", "")),
           hint="数据比对系统不可用时，由区级核对人员根据核对结果人工录入。"),
    Action("finish_investigation", "结束调查，提交审核", "handle_cases", (State.INVESTIGATING,),
           forms.ConfirmForm,
           lambda a, u, d: services.application_finish_investigation(
               application=a, finished_by=u, expected_state=_state(d)),
           transition="finish_investigation", style="primary"),
    Action("propose", "提出审核意见", "handle_cases", (State.REVIEWING,), forms.ProposeForm,
           _propose, transition="propose_approval", not_by=("accepted_by",), style="primary",
           hint="拟同意的进入公示；拟不同意的直接提交审批。"),
    Action("objection", "登记异议", "handle_cases",
           (State.INVESTIGATING, State.REVIEWING, State.PUBLICIZING, State.HEARING,
            State.APPROVING), forms.ObjectionForm,
           lambda a, u, d: services.application_record_objection(
               application=a, entered_by=u, channel=d["channel"], content=d["content"],
               contact=d.get("contact", "")),
           hint="电话、当面或信件反映的异议在此登记；须核查处理后才能作出决定。"),
    Action("handle_objection", "录入异议核查结果", "handle_cases",
           (State.INVESTIGATING, State.REVIEWING, State.PUBLICIZING, State.HEARING,
            State.APPROVING), forms.HandleObjectionForm,
           lambda a, u, d: services.application_handle_objection(
               application=a, objection=d["objection"], handled_by=u, finding=d["finding"])),
    Action("close_publicity", "结束公示（不组织评议）", "handle_cases", (State.PUBLICIZING,),
           forms.ClosePublicityForm,
           lambda a, u, d: services.application_close_publicity(
               application=a, closed_by=u, skip_reason=d["skip_reason"],
               expected_state=_state(d)),
           transition="close_publicity", style="primary"),
    Action("call_hearing", "组织民主评议", "handle_cases", (State.PUBLICIZING, State.APPROVING),
           forms.OptionalReasonForm,
           lambda a, u, d: services.application_call_hearing(
               application=a, called_by=u, reason=d.get("reason", ""), expected_state=_state(d))),
    Action("record_hearing", "录入评议结果", "handle_cases", (State.HEARING,), forms.HearingForm,
           _hearing, style="primary", hint="评议集中在镇(街道)进行，申请人一般不参加。"),
    Action("approve", "审批确认", "approve_cases", (State.APPROVING,), forms.ApproveForm,
           lambda a, u, d: services.application_approve(
               application=a, approved_by=u, amount=d["amount"], reasons=d.get("reasons", ""),
               expected_state=_state(d)),
           transition="approve", not_by=("accepted_by", "proposed_by"), style="primary",
           hint="自审批次月起发放。"),
    Action("reject", "不予确认", "approve_cases", (State.APPROVING,), forms.RejectForm,
           lambda a, u, d: services.application_reject(
               application=a, rejected_by=u, reasons=d["reasons"], expected_state=_state(d)),
           transition="reject", not_by=("accepted_by", "proposed_by"), style="danger",
           hint="须在3个工作日内书面告知理由，并告知申请行政复议或提起行政诉讼的权利。"),
    Action("send_back", "退回重新审核", "approve_cases", (State.APPROVING,), forms.ReasonForm,
           lambda a, u, d: services.application_send_back(
               application=a, sent_back_by=u, reason=d["reason"], expected_state=_state(d)),
           not_by=("accepted_by", "proposed_by")),
    Action("open_rectification", "发起整改", "review_filings", (State.FILED,),
           forms.RectificationForm,
           lambda a, u, d: services.application_open_rectification(
               application=a, opened_by=u, finding=d["finding"], days=d.get("days")),
           style="danger"),
    Action("answer_rectification", "答复整改情况", "handle_cases", (State.RECTIFYING,),
           forms.AnswerForm,
           lambda a, u, d: services.application_answer_rectification(
               application=a, answered_by=u, answer=d["answer"], upload=d.get("file")),
           style="primary"),
    Action("close_rectification", "整改销号", "review_filings", (State.RECTIFYING,),
           forms.OptionalReasonForm,
           lambda a, u, d: services.application_close_rectification(
               application=a, closed_by=u, note=d.get("reason", "")),
           transition="close_rectification", style="primary"),
    Action("return_rectification", "退回重新整改", "review_filings", (State.RECTIFYING,),
           forms.ReturnRectificationForm,
           lambda a, u, d: services.application_return_rectification(
               application=a, returned_by=u, reason=d["reason"], days=d.get("days")),
           style="danger"),
    Action("withdraw", "申请人撤回", "handle_cases",
           (State.REFERRED, State.RETURNED, State.INVESTIGATING, State.REVIEWING,
            State.PUBLICIZING, State.HEARING, State.APPROVING), forms.ReasonForm,
           lambda a, u, d: services.application_withdraw(
               application=a, withdrawn_by=u, reason=d["reason"], expected_state=_state(d)),
           style="danger", hint="记录申请人撤回的意思表示（书面申请、时间）。"),
]
BY_KEY = {action.key: action for action in ACTIONS}


@dataclass
class Offer:
    action: Action
    form: object = None
    blocked: list | None = None  # the rules' explanations when the step cannot be taken now


def offers_for(application: Application, user) -> list[Offer]:
    """The actions of `user` on `application` now: ready ones with a form, blocked ones
    with the reasons."""
    offers, taken_part = [], {}
    for action in ACTIONS:
        if application.state not in action.states:
            continue
        if not user_can(user, action.perm, application.region):
            continue
        if action.key == "handle_objection" and not _has_open_objection(application):
            continue
        if action.not_by and user.pk in set().union(
                *(taken_part.setdefault("all", guards.participants(application))[f]
                  for f in action.not_by)):
            offers.append(Offer(action, blocked=[
                "受理、审核、审批须由三名不同人员办理：您已参与本申请的受理或审核。"]))
            continue
        problems = (guards.refusals(application, getattr(application, action.transition))
                    if action.transition else [])
        if problems:
            offers.append(Offer(action, blocked=problems))
        else:
            offers.append(Offer(action, form=action.form(application=application,
                                                         prefix=action.key)))
    return offers


def _has_open_objection(application) -> bool:
    from publicity.selectors import objections_of

    return objections_of(application_id=application.pk).filter(handled_at__isnull=True).exists()
