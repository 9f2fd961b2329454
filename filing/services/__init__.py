"""The district's supervision, one module per part; callers import from here.

- common: who may act for a district, dates, what is paid in a month (benefit periods)
- register: the cadre register
- reviews: mandatory reviews
- spot_checks: the reproducible draw and its checks
- rosters: monthly rosters
- statistics: stored monthly aggregates
"""

from filing.services.common import (  # noqa: F401
    STAT_MONTHS,
    beneficiaries,
    month_start,
)
from filing.services.register import (  # noqa: F401
    RegisterOutcome,
    cadre_register_import,
)
from filing.services.reviews import (  # noqa: F401
    mandatory_review_record,
)
from filing.services.rosters import (  # noqa: F401
    RosterDraft,
    roster_draft,
    roster_due,
    roster_submit,
)
from filing.services.spot_checks import (  # noqa: F401
    spot_check_draw,
    spot_check_population,
    spot_check_recompute,
    spot_check_record,
)
from filing.services.statistics import (  # noqa: F401
    statistics_refresh,
)
