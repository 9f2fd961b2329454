"""The one way to change a case: one service per step, grouped by the stage of the
procedure. Each checks the user's right, runs the step declared on its transition
(cases.models) through the step machinery, saves and audits in one transaction, and
queues work after the commit. Callers import from here.

- machinery: `_step`, the lock, the checks and the audit row every step shares
- start: referral, acceptance, the one-time notice, resubmission, documents
- investigation: home investigation, verification result, end of investigation
- review: the proposal, publicity, objections, hearings and hearing meetings
- decision: approval, rejection, sending back, withdrawal
- filing: filing batches, rectification rounds, supervision records
- beneficiary_import: households already on benefits, from the previous system
- intake: the window's registrations and their ways out, slips, urgent aid (callers
  import the module: `from cases.services import intake`)
"""

from cases.services.beneficiary_import import (  # noqa: F401
    LegacyImport,
    beneficiaries_import,
)
from cases.services.decision import (  # noqa: F401
    application_approve,
    application_reject,
    application_send_back,
    application_withdraw,
)
from cases.services.filing import (  # noqa: F401
    SUPERVISION_STEPS,
    application_answer_rectification,
    application_close_rectification,
    application_open_rectification,
    application_record_supervision,
    application_return_rectification,
    applications_file,
)
from cases.services.investigation import (  # noqa: F401
    application_finish_investigation,
    application_record_home_investigation,
    application_record_verification,
)
from cases.services.machinery import (  # noqa: F401
    MAX_MONTHLY_AMOUNT,
    PERMISSION_MESSAGES,
    CaseChanged,
    Step,
    _locked,
    next_number,
)
from cases.services.review import (  # noqa: F401
    HEARABLE,
    application_call_hearing,
    application_close_publicity,
    application_handle_objection,
    application_propose,
    application_record_hearing,
    application_record_objection,
    hearing_session_record,
    hearing_session_schedule,
)
from cases.services.start import (  # noqa: F401
    application_accept,
    application_accept_new,
    application_attach,
    application_refer,
    application_resubmit,
    application_return,
)
