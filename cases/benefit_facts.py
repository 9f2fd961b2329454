"""The facts the calculation reads (cases.benefit): a household's members, counted and
excluded income, rigid expenditures and assets as plain frozen data, so the calculation
is a pure function the tests can check by hand; and reading them from the database, for
one household or for a review round's chunk in a few queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from households.models import Household, Member


@dataclass(frozen=True)
class Person:
    key: int
    name: str
    employment: str = Member.Employment.UNEMPLOYED
    employment_group: str = Member.EmploymentGroup.NONE
    disability: str = Member.Disability.NONE
    health: str = Member.Health.HEALTHY
    self_care: str = Member.SelfCare.ABLE


@dataclass(frozen=True)
class Earning:
    person: str  # the member's name, or "" for the household as a whole
    category: str
    counted: bool
    amount: Decimal
    months: int
    source: str = ""


@dataclass(frozen=True)
class Expense:
    person_key: int | None
    person: str
    category: str  # ExpenditureCategory.code
    label: str
    amount: Decimal
    incurred_on: datetime.date
    schooling: str = ""  # Expenditure.Schooling, for tuition; "" if not recorded
    pension_share: str = ""  # Expenditure.PensionShare, for pension contributions


@dataclass(frozen=True)
class Holding:
    kind: str  # Asset.Kind
    value: Decimal
    quantity: int = 1


@dataclass(frozen=True)
class Facts:
    residence: str
    people: tuple[Person, ...]
    earnings: tuple[Earning, ...] = ()
    expenses: tuple[Expense, ...] = ()
    holdings: tuple[Holding, ...] = ()


def household_facts(household: Household) -> Facts:
    """Read a household's declared data into Facts (members, incomes, expenditures and
    assets in four queries; none when `households_with_facts` prefetched them)."""
    people = tuple(Person(key=m.pk, name=m.name, employment=m.employment,
                          employment_group=m.employment_group, disability=m.disability,
                          health=m.health, self_care=m.self_care)
                   for m in household.members.all())
    names = {p.key: p.name for p in people}
    earnings = tuple(Earning(person=names.get(i.member_id, ""), category=i.category.name,
                             counted=i.category.counted, amount=i.amount, months=i.months,
                             source=i.category.source)
                     for i in _ordered(household, "incomes"))
    expenses = tuple(Expense(person_key=e.member_id, person=names.get(e.member_id, ""),
                             category=e.category.code, label=e.category.name, amount=e.amount,
                             incurred_on=e.incurred_on, schooling=e.schooling,
                             pension_share=e.pension_share)
                     for e in _ordered(household, "expenditures"))
    holdings = tuple(Holding(kind=a.kind, value=a.value, quantity=a.quantity)
                     for a in _ordered(household, "assets"))
    return Facts(residence=household.residence, people=people, earnings=earnings,
                 expenses=expenses, holdings=holdings)


_FACT_RELATIONS = {"incomes": "category", "expenditures": "category", "assets": None}


def _ordered(household: Household, relation: str):
    """The prefetched rows of a relation if any, else a query (ordered by id either way)."""
    if relation in getattr(household, "_prefetched_objects_cache", {}):
        return getattr(household, relation).all()
    rows = getattr(household, relation)
    related = _FACT_RELATIONS[relation]
    return (rows.select_related(related) if related else rows).order_by("id")


def households_with_facts(households):
    """A household queryset with everything `household_facts` reads prefetched: five
    queries for any number of households (a review round's chunk)."""
    return households.prefetch_related(
        "members",
        *(Prefetch(name, queryset=(getattr(Household, name).rel.related_model.objects
                                   .select_related(related) if related
                                   else getattr(Household, name).rel.related_model.objects)
                   .order_by("id"))
          for name, related in _FACT_RELATIONS.items()))
