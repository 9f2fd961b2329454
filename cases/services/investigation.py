"""调查核实: the home investigation, the verification result, the end of investigation."""

from accounts.models import User
from cases.models import (
    Application,
    State,
)
from cases.services.machinery import _step
from core.errors import ServiceError
from verification import selectors as verification_selectors
from verification import services as verification


def application_record_home_investigation(*, application: Application, by: User,
                                          data: dict):
    with _step(application, by=by, action="home_investigation") as step:
        app = step.application
        visited_on = data.get("visited_on")
        if visited_on and app.accepted_on and visited_on < app.accepted_on:
            raise ServiceError(f"入户日期不能早于受理日期（{app.accepted_on:%Y-%m-%d}）。",
                               field="visited_on")
        record = verification.home_investigation_record(
            application_id=app.pk, region=app.region, by=by, data=data)
        step.data = {"visited_on": record.visited_on.isoformat(),
                     "investigators": len(record.investigator_names())}
    return record


def application_record_verification(*, application: Application, by: User,
                                    summary: str, has_warning: bool, warnings: str = ""):
    """A district reviewer enters the verification report by hand (核对报告)."""
    with _step(application, by=by, action="verification_result") as step:
        app = step.application
        request = verification_selectors.latest_verification(application_id=app.pk)
        if request is None:
            raise ServiceError("该申请没有待办的核对请求。")
        verification.verification_record_result(check=request, region=app.region,
                                                by=by, summary=summary,
                                                has_warning=has_warning, warnings=warnings)
        step.data = {"has_warning": has_warning}
    return request


def application_finish_investigation(*, application: Application, by: User,
                                     expected_state: str | None = State.INVESTIGATING
                                     ) -> Application:
    with _step(application, by=by, action="finish_investigation",
               expected_state=expected_state) as step:
        pass
    return step.application
