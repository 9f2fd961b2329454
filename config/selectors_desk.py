"""What waits for the district administrator (区民政局管理员) on the workbench: staff
without a grant in force, grants revoked lately, rules ending this year or with no value
at all, the holiday schedule not yet entered, townships late with last month's roster.

Read for `fetched_by` through accounts.scope: staff items on the regions where they hold
manage_staff, rule and calendar items where they hold manage_rules. config is the top
layer, so this reads filing's rosters as well.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from accounts.models import CalendarYear, Region, RegionGrant, Rule, User
from accounts.roles import Level
from accounts.rules import RULES, rule_values
from accounts.scope import has_any, regions_where
from filing.models import MonthlyRoster
from filing.services import month_start, roster_due

REVOKED_WITHIN = datetime.timedelta(days=30)
# Rules without a national value whose absence is no gap: a campaign exists only where
# a district declares one (accounts.rule_specs).
MAY_STAY_UNSET = frozenset({"campaign"})
LIST_SIZE = 50


@dataclass
class DistrictDesk:
    district: Region
    rules_ending: list[dict] = field(default_factory=list)  # {rule, last_day, successor}
    rules_unset: list[dict] = field(default_factory=list)  # {key, label, source, regions, everywhere}
    roster_month: datetime.date | None = None
    rosters_late: list[dict] = field(default_factory=list)  # {township, due}
    roster_due: datetime.date | None = None  # the earliest due day of last month's roster

    @property
    def rules_ending_open(self) -> int:
        return sum(1 for row in self.rules_ending if row["successor"] is None)


@dataclass
class AdminDesk:
    manage_staff: bool
    manage_rules: bool
    districts: list[DistrictDesk]
    staff_without_grants: list[User] = field(default_factory=list)
    revoked_recently: list[RegionGrant] = field(default_factory=list)
    calendar_missing: list[int] = field(default_factory=list)  # years, this one or next
    today: datetime.date | None = None


def may_see_admin_desk(user: User) -> bool:
    return has_any(user, "manage_staff") or has_any(user, "manage_rules")


def admin_desk(*, fetched_by: User) -> AdminDesk:
    """Everything the administrator's part of the workbench shows, for `fetched_by`."""
    today = timezone.localdate()
    staff = has_any(fetched_by, "manage_staff")
    rules = has_any(fetched_by, "manage_rules")
    in_reach = (regions_where(fetched_by, "manage_staff") | regions_where(fetched_by, "manage_rules"))
    districts = list(in_reach.filter(level=Level.DISTRICT).order_by("code"))
    desk = AdminDesk(manage_staff=staff, manage_rules=rules, today=today,
                     districts=[DistrictDesk(district=d) for d in districts])
    if staff:
        desk.staff_without_grants = _staff_without_grants(fetched_by)
        desk.revoked_recently = _revoked_recently(fetched_by)
    if rules:
        desk.calendar_missing = _calendar_missing(today)
    rule_regions = set(regions_where(fetched_by, "manage_rules").values_list("pk", flat=True))
    for item in desk.districts:
        townships = list(Region.objects.filter(parent=item.district, level=Level.TOWNSHIP)
                         .order_by("code"))
        if item.district.pk in rule_regions:
            item.rules_ending = _rules_ending(item.district, today)
            item.rules_unset = _rules_unset(item.district, townships, today)
        _late_rosters(item, townships, today)
    return desk


def _staff_without_grants(user: User) -> list[User]:
    """Active staff with no grant in force: those whose last grants were in reach (now all
    revoked), and new accounts never granted anything (as 系统管理 → 工作人员 lists them)."""
    in_reach = regions_where(user, "manage_staff")
    grants = RegionGrant.objects.filter(user=OuterRef("pk"))
    people = (User.objects.filter(is_active=True, is_superuser=False)
              .filter(~Exists(grants.filter(revoked_at__isnull=True)))
              .filter(Exists(grants.filter(region__in=in_reach)) | ~Exists(grants))
              .prefetch_related(Prefetch(
                  "grants", to_attr="past_grants",
                  queryset=RegionGrant.objects.select_related("region").order_by("-revoked_at")))
              .order_by("-date_joined", "username"))
    return list(people[:LIST_SIZE])


def _revoked_recently(user: User) -> list[RegionGrant]:
    since = timezone.now() - REVOKED_WITHIN
    grants = (RegionGrant.objects.filter(revoked_at__gte=since,
                                         region__in=regions_where(user, "manage_staff"))
              .select_related("user", "region", "revoked_by").order_by("-revoked_at"))
    return list(grants[:LIST_SIZE])


def _calendar_missing(today: datetime.date) -> list[int]:
    years = [today.year, today.year + 1]
    entered = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [year for year in years if year not in entered]


def _rules_ending(district: Region, today: datetime.date) -> list[dict]:
    """The district's own rows (its townships' and communities' too) whose last day in
    force falls in this year (valid_to is the first day no longer covered), each with the
    row that follows it for the same key and region, if one is entered."""
    first = datetime.date(today.year, 1, 2)
    last = datetime.date(today.year + 1, 1, 1)
    rows = list(Rule.objects.filter(region__code__startswith=district.code,
                                    valid_to__gte=first, valid_to__lte=last)
                .select_related("region").order_by("valid_to", "key", "region__code"))
    if not rows:
        return []
    later = list(Rule.objects.filter(
        key__in={r.key for r in rows}, region__in={r.region_id for r in rows},
        valid_from__gte=first).order_by("valid_from"))
    ending = []
    for row in rows:
        successor = next((r for r in later if r.key == row.key and r.region_id == row.region_id
                          and row.valid_from < r.valid_from <= row.valid_to), None)
        spec = RULES.get(row.key)
        ending.append({"rule": row, "label": spec.label if spec else row.key,
                       "last_day": row.valid_to - datetime.timedelta(days=1),
                       "successor": successor})
    return ending


def _rules_unset(district: Region, townships: list[Region],
                 today: datetime.date) -> list[dict]:
    """Rules with no national value and no value today for the district or one of its
    townships: whatever needs them (a standard, a limit) cannot be calculated there."""
    keys = [key for key, spec in RULES.items() if spec.national is None and key not in MAY_STAY_UNSET]
    values = {region: rule_values(region, today) for region in [district, *townships]}
    unset = []
    for key in keys:
        missing = [region for region in townships if values[region][key] is None]
        if values[district][key] is None or missing:
            everywhere = values[district][key] is None and len(missing) == len(townships)
            unset.append({"key": key, "label": RULES[key].label, "source": RULES[key].source,
                          "everywhere": everywhere, "regions": missing})
    return unset


def _late_rosters(item: DistrictDesk, townships: list[Region], today: datetime.date) -> None:
    """Townships without a current roster for last month once its due day has passed."""
    month = month_start(month_start(today) - datetime.timedelta(days=1))
    submitted = set(MonthlyRoster.objects.filter(
        township__in=townships, month=month, current=True).values_list("township_id", flat=True))
    item.roster_month = month
    dues = []
    for township in townships:
        due = roster_due(township, month)
        dues.append(due)
        if township.pk not in submitted and today > due:
            item.rosters_late.append({"township": township, "due": due})
    item.roster_due = min(dues, default=None)

