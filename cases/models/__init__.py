"""The models of a case, by what they hold; callers import from here.

- choices: assistance types, hardship categories, states and their public stages
- application: the case and its steps (the state machine), its audit, numbering
- documents: the materials checklist and uploaded documents
- filing: filing batches and rectification rounds
- events: what every step's audit row holds (the case's and the registration's)
- intake: the window's registrations, transfer slips and referrals, urgent aid
- benefits: benefits in force, the months paid, their changes, views heard, work
  refusals, self-care assessments
- reviews: periodic and occasional reviews of a benefit, the district's review rounds
"""

from cases.models.application import Application, CaseEvent, NumberSequence  # noqa: F401
from cases.models.benefits import (  # noqa: F401
    IN_PAYMENT,
    Benefit,
    BenefitEvent,
    BenefitPeriod,
    BenefitState,
    ReviewCycle,
    SelfCareAssessment,
    Views,
    WorkRefusal,
)
from cases.models.choices import (  # noqa: F401
    BEFORE_DECISION,
    LONG_TERM_PUBLICITY,
    OBJECTION_STATES,
    ONE_OFF_TYPES,
    OPEN_STATES,
    PUBLIC_STAGE,
    AssistanceType,
    DocumentKind,
    Hardship,
    Proposal,
    State,
)
from cases.models.documents import CaseDocument, Material  # noqa: F401
from cases.models.filing import FilingBatch, Rectification  # noqa: F401
from cases.models.intake import (  # noqa: F401
    Agency,
    Handover,
    Registration,
    RegistrationEvent,
    RequestCategory,
    UrgentAid,
)
from cases.models.reviews import (  # noqa: F401
    Review,
    ReviewEvent,
    ReviewKind,
    ReviewOutcome,
    ReviewRound,
    ReviewState,
)

# isort: split
# integrity: fraud findings, their recovery and the dishonesty ledger (seed 001 §(二) 2)
from cases.models.integrity import (  # noqa: F401
    DishonestyEntry,
    FindingEvent,
    FindingState,
    FraudFinding,
    FraudMeans,
    PushDecision,
    Repayment,
    Sanction,
)
