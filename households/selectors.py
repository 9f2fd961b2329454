"""Reads of households. Every lookup goes through accounts.scope."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import get_scoped_or_404, regions_where, scoped
from core.idnumber import normalize
from core.paging import KeysetPage, keyset_page
from households.models import CadreRecord, Household, Member


def _with_members(queryset: QuerySet[Household]) -> QuerySet[Household]:
    return queryset.select_related("region__parent").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("id"))
    )


def household_list(*, fetched_by: User, search: str = "", region: Region | None = None
                   ) -> QuerySet[Household]:
    """The user's households, newest first. `search` is a name (part of it) or a whole ID
    number; ID numbers match exactly so that the lookup survives encryption at rest."""
    queryset = scoped(Household.objects.all(), user=fetched_by, perm="view_households")
    if region is not None:
        queryset = queryset.filter(region__code__startswith=region.code)
    search = search.strip()
    if search:
        number = normalize(search)
        if len(number) == 18 and number[:17].isdigit():
            queryset = queryset.filter(members__id_number=number)
        else:
            queryset = queryset.filter(members__name__contains=search)
        queryset = queryset.distinct()
    return _with_members(queryset.order_by("-id"))


def household_page(*, fetched_by: User, search: str = "", region: Region | None = None,
                   after: int | None = None, before: int | None = None, size: int = 20
                   ) -> KeysetPage:
    """One page of `household_list`, by id (keyset): no COUNT, page 500 costs what page 1 does."""
    return keyset_page(household_list(fetched_by=fetched_by, search=search, region=region),
                       after=after, before=before, size=size)


def household_count(*, fetched_by: User, region: Region, search: str = "") -> int:
    """How many households of one community the user sees (a COUNT bounded by the community)."""
    return household_list(fetched_by=fetched_by, search=search, region=region).order_by().count()


def household_get(*, fetched_by: User, pk: int) -> Household:
    """One household the user may see, or 404 (also for households of other regions)."""
    return get_scoped_or_404(_with_members(Household.objects.all()), user=fetched_by,
                             perm="view_households", pk=pk)


def household_child_get(*, household: Household, model, pk: int):
    """A member, income, asset or expenditure row of a household already in scope."""
    try:
        return model.objects.get(household=household, pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def communities_for_change(*, fetched_by: User) -> QuerySet[Region]:
    """Communities where the user may register households."""
    return regions_where(fetched_by, "change_households").filter(level=Level.COMMUNITY)


def filter_regions(*, fetched_by: User) -> QuerySet[Region]:
    """Townships and communities the user can filter the household list by."""
    return regions_where(fetched_by, "view_households").exclude(level=Level.DISTRICT).select_related(
        "parent"
    )


def cadre_links(*, household: Household) -> list[dict]:
    """Why a household's case is a mandatory-review filing (备案审查; DB §11, seed 001 §(六)):
    a member who declared a public role, or who is on the district's current register of
    cadres and their direct relatives. Names and posts only, never ID numbers: the
    result is stored with the case and shown to staff."""
    members = list(household.members.all())
    links = [{"member": m.name, "relation": "本人", "cadre": m.name,
              "category": m.get_public_role_display(), "post": "（申报的公职身份）"}
             for m in members if m.public_role != Member.PublicRole.NONE]
    by_number = {m.id_number: m for m in members}
    # Every district's current register: a cadre's relative may live in another district.
    records = (CadreRecord.objects.filter(register__current=True, id_number__in=list(by_number))
               .order_by("id"))
    for record in records:
        links.append({"member": by_number[record.id_number].name,
                      "relation": record.get_relation_display(), "cadre": record.cadre_name,
                      "category": record.get_category_display(), "post": record.post})
    return links
