"""审批确认 or 不予确认, sending back for review, and withdrawal before a decision."""

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.rules import rule_value
from accounts.workdays import add_working_days
from cases.models import (
    LONG_TERM_PUBLICITY,
    Application,
    State,
)
from cases.selectors import case_calculation
from cases.services.benefits import benefit_start
from cases.services.machinery import (
    _amount_against,
    _household_facts,
    _parse_amount,
    _require_text,
    _step,
    _workdays_taken,
)
from cases.services.notices import _close_notice
from core.errors import ServiceError
from publicity import selectors as publicity_selectors
from publicity import services as publicity


def _month_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def application_approve(*, application: Application, by: User, amount=None,
                        reasons: str = "",
                        expected_state: str | None = State.APPROVING) -> Application:
    """审批确认: benefit from the month after the decision (DB §21)."""
    today = timezone.localdate()
    with _step(application, by=by, action="approve",
               expected_state=expected_state, reason=reasons.strip()) as step:
        app = step.application
        calc = case_calculation(app, on=today)
        if calc.total_amount is None:
            chosen = _parse_amount(app.proposed_amount if amount in (None, "") else amount)
            if chosen != app.proposed_amount and not reasons.strip():
                raise ServiceError("审批金额与审核意见不同，请写明调整理由。", field="reasons")
        else:
            chosen = _amount_against(calc, amount, reasons.strip(), who="审批金额")
            if (app.proposed_amount is not None and chosen != app.proposed_amount
                    and not reasons.strip()):
                raise ServiceError(f"审批金额（{chosen}元）与公示的拟保障金额（{app.proposed_amount}元）"
                                   "不同，请写明调整理由。", field="reasons")
        app.decided_by, app.decided_on = by, today
        app.decision_workdays = _workdays_taken(app, today)
        app.monthly_amount, app.start_month = chosen, _month_after(today)
        app.decision_reasons = reasons.strip()
        app.calculation = calc.as_dict()
        step.data = {"amount": str(chosen), "start_month": app.start_month.isoformat(),
                     "calculated": calc.total or None}
        _close_notice(app, today)
        if app.assistance_type in LONG_TERM_PUBLICITY:
            name, size = _household_facts(app.household)
            publicity.long_term_open(application_id=app.pk, region=app.region,
                                     assistance_type=app.assistance_type, name=name,
                                     household_size=size, monthly_amount=chosen, on=today)
        benefit_start(application=app, by=by)
    return step.application


def application_reject(*, application: Application, by: User, reasons: str,
                       expected_state: str | None = State.APPROVING) -> Application:
    """不予确认: reasons; the written notice is due within 3 working days (DB §21, §38)."""
    reasons = _require_text(reasons, "不予确认时必须写明理由，理由将写入书面通知。", "reasons")
    today = timezone.localdate()
    with _step(application, by=by, action="reject",
               expected_state=expected_state, reason=reasons) as step:
        app = step.application
        due = add_working_days(today, rule_value("rejection_notice_days", app.region, today))
        app.decided_by, app.decided_on = by, today
        app.decision_workdays = _workdays_taken(app, today)
        app.decision_reasons, app.refusal_notice_due = reasons, due.date
        step.data = {"notice_due": due.date.isoformat(), "due_provisional": due.provisional}
        _close_notice(app, today)
    return step.application


def application_send_back(*, application: Application, by: User, reason: str,
                          expected_state: str | None = State.APPROVING) -> Application:
    reason = _require_text(reason, "请写明退回重新审核的理由。")
    with _step(application, by=by, action="send_back",
               expected_state=expected_state, reason=reason) as step:
        pass
    return step.application


def application_withdraw(*, application: Application, by: User, reason: str,
                         expected_state: str | None = None) -> Application:
    """撤回 at the applicant's request, before a decision."""
    reason = _require_text(reason, "请记录申请人撤回申请的意思表示（如书面撤回申请、时间）。")
    with _step(application, by=by, action="withdraw",
               expected_state=expected_state, reason=reason) as step:
        notice = publicity_selectors.open_notice(application_id=step.application.pk)
        if notice is not None:
            publicity.notice_close(notice=notice, on=timezone.localdate(), withdrawn=True)
    return step.application
