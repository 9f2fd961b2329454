"""The case app's pages, by what they serve; the URLconfs import from here."""

from cases.views.cases import (  # noqa: F401
    QUEUE_FILTERS,
    act,
    detail,
    document,
    investigation_form,
    new_application,
    queue,
)
from cases.views.filing import (  # noqa: F401
    filing,
)
from cases.views.hearings import (  # noqa: F401
    hearing_session,
    hearings,
)
