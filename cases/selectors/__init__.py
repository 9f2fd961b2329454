"""Reads of cases, region-scoped (accounts.scope), by what they serve; callers import
from here.

- cases: the queue, one case, its timeline, workbench counts, the calculation, finances
- hearings: hearing meetings and their agendas
- intake: registrations, transfer slips, referrals, urgent aid
- progress: the public progress query
"""

from cases.selectors.cases import (  # noqa: F401
    FINANCE_READERS,
    case_calculation,
    case_finances,
    case_get,
    case_notices,
    case_queue,
    case_state_counts,
    case_timeline,
    cases_ready_for_filing,
    filing_candidates_by_id,
    materials_checklist,
    with_heads,
    workload,
)
from cases.selectors.hearings import (  # noqa: F401
    hearing_candidates,
    hearing_session_get,
    hearing_sessions,
    session_agenda,
)
from cases.selectors.intake import (  # noqa: F401
    agencies,
    community_referrals,
    handover_get,
    handovers,
    households_by_id,
    households_for_registration,
    intake_counts,
    registration_get,
    registrations,
    urgent_aid_list,
)
from cases.selectors.progress import (  # noqa: F401
    case_progress,
)
