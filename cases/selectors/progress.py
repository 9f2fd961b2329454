"""The public progress query (办理进度查询, no login): the stage and the due date only."""

import hmac
import unicodedata

from cases.models import OPEN_STATES, PUBLIC_STAGE, Application
from core.idnumber import normalize
from households.models import Member


def case_progress(*, number: str, id_suffix: str) -> dict | None:
    """Only the stage and the due date, for the case whose number and applicant's (the
    head's) last six ID characters both match; None otherwise, whichever part was wrong."""
    number = unicodedata.normalize("NFKC", number).strip()
    suffix = normalize(unicodedata.normalize("NFKC", id_suffix))[-6:]
    row = (Application.objects.filter(number=number)
           .values("state", "decision_due", "household_id").first())
    # The same two queries whether the number exists or not.
    head = (Member.objects.filter(household_id=row["household_id"] if row else 0,
                                  relation="head").values_list("id_number", flat=True).first())
    matches = (bool(head) and len(suffix) == 6
               and hmac.compare_digest(head[-6:].encode(), suffix.encode()))
    if not matches:
        return None
    open_ = row["state"] in OPEN_STATES
    return {"stage": PUBLIC_STAGE.get(row["state"], "办理中"),
            "due": row["decision_due"] if open_ else None}
