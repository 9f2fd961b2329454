"""审核, publicity and hearings: the proposal, closing the publicity, objections taken
by staff, the hearing of one case and meetings that hear several."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User
from accounts.rules import rule_value
from cases import guards
from cases.models import (
    Application,
    Proposal,
    State,
)
from cases.selectors import case_calculation
from cases.services.machinery import (
    _amount_against,
    _locked,
    _require,
    _require_text,
    _step,
    _township_of,
)
from cases.services.notices import _republish
from core.errors import ServiceError
from publicity import selectors as publicity_selectors
from publicity import services as publicity
from publicity.models import Hearing, HearingSession


def application_propose(*, application: Application, by: User, approve: bool,
                        amount=None, reasons: str = "",
                        expected_state: str | None = State.REVIEWING) -> Application:
    """审核: propose approval with an amount (→ publicity) or rejection with reasons.

    The amount defaults to the calculation (cases.benefit); a different amount, or an
    approval the calculation does not support, needs a reason.
    """
    reasons = reasons.strip()
    if not approve:
        reasons = _require_text(reasons, "拟不同意时请写明理由。", "reasons")
    action = "propose_approval" if approve else "propose_rejection"
    today = timezone.localdate()
    with _step(application, by=by, action=action,
               expected_state=expected_state,
               reason=reasons) as step:
        app = step.application
        calc = case_calculation(app, on=today)
        if approve:
            amount = _amount_against(calc, amount, reasons, who="拟保障金额")
        app.proposed_by, app.proposed_at = by, timezone.now()
        app.proposal = Proposal.APPROVE if approve else Proposal.REJECT
        app.proposed_amount = amount if approve else None
        app.proposal_reasons = reasons
        app.calculation = calc.as_dict()
        step.data = {"proposal": app.proposal, "amount": str(amount) if approve else None,
                     "calculated": calc.total or None}
        _republish(app, today, f"拟同意，每月{amount}元" if approve else None)
    return step.application


def application_close_publicity(*, application: Application, by: User,
                                skip_reason: str,
                                expected_state: str | None = State.PUBLICIZING) -> Application:
    """公示期满且无须评议: the hearing is skipped with a recorded reason (seed 001 §(五))."""
    skip_reason = _require_text(skip_reason, "请写明不组织民主评议的理由。", "skip_reason")
    with _step(application, by=by, action="close_publicity",
               expected_state=expected_state, reason=skip_reason) as step:
        step.application.hearing_skip_reason = skip_reason
    return step.application


def application_call_hearing(*, application: Application, by: User, reason: str = "",
                             expected_state: str | None = None) -> Application:
    with _step(application, by=by, action="call_hearing",
               expected_state=expected_state, reason=reason.strip()) as step:
        step.data = {"triggers": guards.hearing_triggers(step.application)}
    return step.application


@transaction.atomic
def application_record_hearing(*, application: Application, by: User, data: dict,
                               expected_state: str | None = State.HEARING) -> Application:
    """民主评议: participants, opinions, votes, minutes; then to approval or re-investigation."""
    outcome = data.get("outcome")
    votes = [int(data.get(k) or 0) for k in ("votes_for", "votes_against", "votes_abstain")]
    if sum(votes) == 0:
        raise ServiceError("请填写评议的同意、反对和弃权票数。", field="votes_for")
    if outcome == Hearing.Outcome.APPROVE and votes[0] * 2 <= sum(votes):
        raise ServiceError("评议结果与票数不符：同意票未过半数，不能作“同意审核意见”的结论。",
                           field="outcome")
    held_on = data.get("held_on")
    if held_on and held_on > timezone.localdate():
        raise ServiceError("评议日期不能晚于今天。", field="held_on")
    action = ("hearing_to_approval" if outcome == Hearing.Outcome.APPROVE
              else "hearing_to_reinvestigation")
    with _step(application, by=by, action=action,
               expected_state=expected_state, reason=data.get("opinions", "")) as step:
        app = step.application
        entered = (app.events.filter(to_state=State.HEARING).exclude(from_state=State.HEARING)
                   .order_by("-at").values_list("at", flat=True).first())
        entered_on = timezone.localdate(entered) if entered else None
        # A meeting entered afterwards (up to 30 days back) puts its cases on the agenda
        # today: its own date stands. A hearing recorded on its own cannot precede the step.
        if held_on and entered_on and held_on < entered_on and not data.get("session"):
            raise ServiceError(f"评议日期不能早于该申请进入民主评议的日期（{entered_on:%Y-%m-%d}）。",
                               field="held_on")
        hearing = publicity.hearing_record(application_id=app.pk, by=by,
                                           data=data)
        step.data = {"hearing": hearing.pk, "votes": [hearing.votes_for, hearing.votes_against,
                                                      hearing.votes_abstain]}
        if action == "hearing_to_reinvestigation":
            notice = publicity_selectors.open_notice(application_id=app.pk)
            if notice is not None and rule_value("publicity_opens_at", app.region) != "acceptance":
                # DB §19: after re-investigation a new opinion is publicised again.
                publicity.notice_close(notice=notice, on=timezone.localdate(), withdrawn=True)
    return step.application


def _same_text(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isalnum())


def application_record_objection(*, application: Application, by: User, channel: str,
                                 content: str, contact: str = "", repeat: bool = False):
    """异议 taken by phone, in person or by letter. The same words already on file for the
    case are a warning: registered again only when the caseworker confirms it is another
    report (`repeat`), so one call is not counted twice."""
    with _step(application, by=by, action="objection") as step:
        notice = publicity_selectors.open_notice(application_id=step.application.pk)
        if notice is None:
            raise ServiceError("该申请当前没有公示，不能登记公示异议。")
        same = next((o for o in publicity_selectors.objections_of(
            application_id=step.application.pk).order_by("-received_at")
            if _same_text(o.content) == _same_text(content)), None)
        if same is not None and not repeat:
            raise ServiceError(
                f"{timezone.localtime(same.received_at):%m月%d日 %H:%M}已登记过内容相同的异议。"
                "如确是另一次反映，请勾选“确认另行登记”后再提交。", field="repeat")
        objection = publicity.objection_record(notice=notice, channel=channel, content=content,
                                               contact=contact, by=by)
        step.data = {"objection": objection.pk}
    return objection


def application_handle_objection(*, application: Application, objection, by: User,
                                 finding: str):
    if objection.notice.application_id != application.pk:
        raise ServiceError("该异议不属于这份申请。")
    with _step(application, by=by, action="objection_handled") as step:
        publicity.objection_handle(objection=objection, by=by, finding=finding)
        step.data = {"objection": objection.pk}
    return objection


HEARABLE = (State.PUBLICIZING, State.APPROVING, State.HEARING)


@transaction.atomic
def hearing_session_schedule(*, held_on: datetime.date, place: str, participants: str,
                             applications: list[Application], by: User,
                             township: Region | None = None):
    """评议会议: one meeting of one township for several of its cases (seed 001 reading
    note 3: hearings are held centrally by the township). Cases still in publicity or
    awaiting approval are called to the hearing now, all or none."""
    if not applications:
        raise ServiceError("请至少选择一件申请列入评议。", field="applications")
    if township is None:
        townships = {_township_of(app.region) for app in applications}
        if len(townships) != 1:
            raise ServiceError("一次评议会议只能安排同一个镇(街道)的申请。", field="applications")
        township = townships.pop()
    _require(by, "handle_cases", township)
    place = _require_text(place, "请填写会议地点。", "place")
    participants = _require_text(participants, "请填写参加人员（镇(街道)干部、村(居)干部、调查人员、"
                                               "群众代表等）。", "participants")
    if held_on < timezone.localdate() - datetime.timedelta(days=30):
        raise ServiceError("会议日期不能早于30天前；补录以往会议请逐件录入评议结果。", field="held_on")
    session = HearingSession.objects.create(township=township, held_on=held_on, place=place,
                                            participants=participants, created_by=by)
    for app in sorted(applications, key=lambda a: a.pk):  # one lock order: no deadlock
        app = _locked(app.pk)
        if not app.region.code.startswith(township.code):
            raise ServiceError(f"申请 {app.number} 不属于{township.name}。")
        if app.state not in HEARABLE:
            raise ServiceError(f"申请 {app.number} 现为「{app.get_state_display()}」，不能列入评议。")
        if app.state != State.HEARING:
            application_call_hearing(application=app, by=by,
                                     reason=f"列入{held_on:%Y-%m-%d}评议会议（{place}）")
        session.applications.add(app)
    return session


def hearing_session_record(*, session, application: Application, by: User,
                           data: dict) -> Application:
    """One case's result at the meeting: its opinions, votes and minutes; the date and
    the participants are the meeting's."""
    if not session.applications.filter(pk=application.pk).exists():
        raise ServiceError("该申请不在本次评议会议中。")
    return application_record_hearing(
        application=application, by=by,
        data={**data, "held_on": session.held_on, "participants": session.participants,
              "session": session})
