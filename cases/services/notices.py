"""What a case publishes on its notice (DB §19), opened, replaced and closed as the
procedure moves (publicity.services keeps the notices)."""

import datetime

from accounts.rules import rule_value
from cases.models import (
    Application,
)
from cases.services.machinery import _household_facts
from publicity import selectors as publicity_selectors
from publicity import services as publicity


def _notice_facts(app: Application, outcome: str) -> dict:
    """Exactly what a notice publishes (DB §19): name, household size, the hardship
    category (never the caseworker's free text) and the proposed outcome."""
    name, size = _household_facts(app.household)
    return {"name": name, "household_size": size, "reason": app.get_hardship_display(),
            "proposed_outcome": f"{app.get_assistance_type_display()}：{outcome}"}


def _open_notice(app: Application, today: datetime.date, outcome: str) -> None:
    publicity.notice_open(application_id=app.pk, region=app.region, on=today,
                          **_notice_facts(app, outcome))


def _republish(app: Application, today: datetime.date, outcome: str | None) -> None:
    """Publish the opinion just proposed. `outcome=None` (a rejection): nothing to publish
    unless the region publicises from acceptance, where the notice states it."""
    notice = publicity_selectors.open_notice(application_id=app.pk)
    from_acceptance = rule_value("publicity_opens_at", app.region, today) == "acceptance"
    if notice is None:
        if outcome is not None:
            _open_notice(app, today, outcome)
    elif outcome is None and not from_acceptance:
        publicity.notice_close(notice=notice, on=today, withdrawn=True)
    else:
        publicity.notice_replace(notice=notice, on=today, keep_dates=from_acceptance,
                                 **_notice_facts(app, outcome or "拟不同意"))


def _close_notice(app: Application, today: datetime.date) -> None:
    notice = publicity_selectors.open_notice(application_id=app.pk)
    if notice is not None:
        publicity.notice_close(notice=notice, on=today)
