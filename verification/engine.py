"""Running the sources for many households at once (a case, or a chunk of a batch job).

Queries per call are constant in the number of households: households, members,
declared income and assets in four queries, then one lookup per source and district.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Region
from accounts.rules import rule_values
from households.models import Asset, Household, Income, Member
from verification.adapters import adapters
from verification.compare import Declared, DeclaredMember, Found, Report, compare

ZERO = Decimal("0")
FINANCIAL = {Asset.Kind.DEPOSIT, Asset.Kind.SECURITIES}


@dataclass
class Outcome:
    report: Report
    batch_ids: list[int]
    lookup_ids: dict[str, str]  # member key (as text) → ID number looked up


@dataclass
class _Household:
    pk: int
    region_id: int
    district_code: str
    residence: str
    ids: dict[str, int]  # ID number → member key
    declared: Declared | None = None


def _load(household_ids) -> dict[int, _Household]:
    households = {
        pk: _Household(pk, region_id, code[:6], residence, {})
        for pk, region_id, code, residence in Household.objects.filter(pk__in=household_ids)
        .values_list("pk", "region_id", "region__code", "residence")}
    members = defaultdict(list)
    for pk, household_id, name, id_number in (Member.objects.filter(household_id__in=households)
                                              .order_by("id")
                                              .values_list("pk", "household_id", "name", "id_number")):
        members[household_id].append((pk, name))
        households[household_id].ids[id_number] = pk
    income = defaultdict(lambda: ZERO)
    unattributed = defaultdict(lambda: ZERO)
    for household_id, member_id, amount, months in (
            # Every declared income, counted or not (a 基础养老金 the family declared is not
            # undeclared income when the social-insurance file lists it).
            Income.objects.filter(household_id__in=households)
            .values_list("household_id", "member_id", "amount", "months")):
        if member_id is None:
            unattributed[household_id] += amount * 12 / months
        else:
            income[member_id] += amount * 12 / months
    assets = defaultdict(lambda: defaultdict(lambda: ZERO))
    for household_id, kind, value, quantity in (Asset.objects.filter(household_id__in=households)
                                                .values_list("household_id", "kind", "value",
                                                             "quantity")):
        bucket = assets[household_id]
        bucket["financial"] += value if kind in FINANCIAL else ZERO
        bucket[kind] += quantity
    for pk, household in households.items():
        held = assets[pk]
        household.declared = Declared(
            residence=household.residence,
            members=tuple(DeclaredMember(key, name, income[key].quantize(Decimal("0.01")))
                          for key, name in members[pk]),
            financial_assets=held["financial"], vehicles=int(held[Asset.Kind.VEHICLE]),
            dwellings=int(held[Asset.Kind.REAL_ESTATE]), businesses=int(held[Asset.Kind.BUSINESS]),
            unattributed_income=unattributed[pk].quantize(Decimal("0.01")))
    return households


def sources_available(district_id: int) -> bool:
    return any(adapter.available(district_id=district_id) for adapter in adapters().values())


def district_of(region_code: str) -> Region | None:
    return Region.objects.filter(code=region_code[:6]).first()


def verify(household_ids, *, pinned: dict[str, int] | None = None,
           declared: dict[int, Declared] | None = None, rules: dict[int, dict] | None = None,
           lookup_ids: dict[int, dict[str, str]] | None = None) -> dict[int, Outcome]:
    """Reports for these households. `pinned` (source → batch id), `declared`, `rules`
    and `lookup_ids` (by household) reproduce a stored report instead of reading
    today's data."""
    households = _load(household_ids)
    for pk, snapshot in (declared or {}).items():
        if pk in households:
            households[pk].declared = snapshot
    for pk, ids in (lookup_ids or {}).items():
        if pk in households:
            households[pk].ids = {number: int(key) for key, number in ids.items()}
    districts = dict(Region.objects.filter(code__in={h.district_code for h in households.values()})
                     .values_list("code", "pk"))
    regions = Region.objects.in_bulk({h.region_id for h in households.values()})
    rules_by_region = {pk: rule_values(region) for pk, region in regions.items()}
    by_district = defaultdict(list)
    for household in households.values():
        by_district[household.district_code].append(household)
    outcomes = {}
    for code, group in by_district.items():
        ids = [id_number for h in group for id_number in h.ids]
        lookups = {source: adapter.lookup(district_id=districts.get(code), id_numbers=ids,
                                          batch_id=(pinned or {}).get(source))
                   for source, adapter in adapters().items()}
        for household in group:
            found = {}
            for source, lookup in lookups.items():
                by_member = {household.ids[i]: lookup.records[i]
                             for i in household.ids if i in lookup.records}
                found[source] = Found(lookup.available, by_member, lookup.batch_id, lookup.version)
            values = (rules or {}).get(household.pk) or rules_by_region[household.region_id]
            report = compare(household.declared, found, values)
            batch_ids = sorted(lookup.batch_id for lookup in lookups.values() if lookup.batch_id)
            outcomes[household.pk] = Outcome(
                report, batch_ids, {str(key): number for number, key in household.ids.items()})
    return outcomes

