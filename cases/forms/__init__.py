"""The case app's forms; callers import from here."""

from cases.forms.fields import (  # noqa: F401
    UploadField,
    date_input,
)
from cases.forms.pages import (  # noqa: F401
    FilingForm,
    HearingSessionForm,
    SessionHearingForm,
)
from cases.forms.steps import (  # noqa: F401
    ActionForm,
    AnswerForm,
    ApproveForm,
    AttachForm,
    ClosePublicityForm,
    ConfirmForm,
    HandleObjectionForm,
    HearingForm,
    HomeInvestigationForm,
    NewApplicationForm,
    ObjectionForm,
    OptionalReasonForm,
    ProposeForm,
    ReasonForm,
    RectificationForm,
    RejectForm,
    ResubmitForm,
    ReturnForm,
    ReturnRectificationForm,
    VerificationResultForm,
    calculated_total,
)
