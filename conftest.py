"""Fixtures shared by every app's tests: a small region tree and staff built through
the same services the application uses, households, and a team of three with a builder
for their cases (cases.tests.builders). Uploads of every test go to a temporary directory."""

import datetime
import itertools

import pytest
from django.utils import timezone

from accounts.calendar_import import available_years, load_years
from accounts.models import CalendarDay, CalendarYear, Region, Rule, User
from accounts.roles import Level, Role
from accounts.rules import seed_national_rules
from accounts.services import grant_role
from cases.materials import seed_materials
from cases.models import Material
from cases.tests.builders import CaseBuilder
from households import services as household_services
from households.categories import seed_categories
from households.demo import make_id_number
from households.models import ExpenditureCategory, IncomeCategory

_people = itertools.count(1)


def pytest_collection_modifyitems(items):
    """Transactional tests (live server, real worker, racing connections) end by emptying
    every table, the reference rows the migrations seeded too (holiday calendar,
    national rules, categories, materials). Each of them seeds those rows again first,
    so that no test depends on whether a transactional test ran before it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if "live_server" in getattr(item, "fixturenames", ()) or (
                marker is not None and marker.kwargs.get("transaction")):
            # (a usefixtures marker added after collection would be ignored)
            if "reference_data" not in item.fixturenames:
                item.fixturenames.insert(0, "reference_data")  # before fixtures that use it


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def reference_data(transactional_db):
    seed_national_rules(Rule)
    if not CalendarYear.objects.exists():
        load_years(available_years(), day_model=CalendarDay, year_model=CalendarYear)
    seed_categories(IncomeCategory, ExpenditureCategory)
    seed_materials(Material)


def new_id_number(*, born: datetime.date = datetime.date(1980, 5, 17), male: bool = True) -> str:
    return make_id_number(born, next(_people), male=male)


@pytest.fixture
def regions(db):
    """大兴区 with two streets (A: 兴丰, B: 林校路); A has two communities, B one."""
    district = Region.objects.create(code="110115", name="大兴区", level=Level.DISTRICT)
    a = Region.objects.create(code="110115001", name="兴丰街道", level=Level.TOWNSHIP,
                              parent=district)
    b = Region.objects.create(code="110115002", name="林校路街道", level=Level.TOWNSHIP,
                              parent=district)
    return {
        "district": district, "a": a, "b": b,
        "a1": Region.objects.create(code="110115001001", name="三合南里社区",
                                    level=Level.COMMUNITY, parent=a),
        "a2": Region.objects.create(code="110115001002", name="兴华中里社区",
                                    level=Level.COMMUNITY, parent=a),
        "b1": Region.objects.create(code="110115002001", name="林校北里社区",
                                    level=Level.COMMUNITY, parent=b),
    }


@pytest.fixture
def make_user(db):
    def make(role: Role, region: Region, username: str | None = None) -> User:
        username = username or f"{role.value}-{region.code}-{next(_people)}"
        user = User.objects.create_user(username=username, password="pw-for-tests-1",
                                        full_name=username)
        grant_role(user=user, region=region, role=role, by=None)
        return User.objects.get(pk=user.pk)  # fresh object: no cached scope

    return make


@pytest.fixture
def staff(regions, make_user):
    return {
        "caseworker_a": make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "caseworker_a"),
        "caseworker_b": make_user(Role.TOWNSHIP_CASEWORKER, regions["b"], "caseworker_b"),
        "approver_a": make_user(Role.TOWNSHIP_APPROVER, regions["a"], "approver_a"),
        "assistant_a1": make_user(Role.COMMUNITY_ASSISTANT, regions["a1"], "assistant_a1"),
        "assistant_a2": make_user(Role.COMMUNITY_ASSISTANT, regions["a2"], "assistant_a2"),
        "reviewer": make_user(Role.DISTRICT_REVIEWER, regions["district"], "reviewer"),
        "admin": make_user(Role.DISTRICT_ADMIN, regions["district"], "district_admin"),
    }


@pytest.fixture
def make_household(staff):
    def make(region: Region, *, head_name: str = "张建国", id_number: str | None = None,
             by: User | None = None):
        by = by or (staff["caseworker_a"] if region.code.startswith("110115001")
                    else staff["caseworker_b"])
        return household_services.household_create(
            by=by,
            household={"region": region, "residence": "urban", "address": "兴丰大街1号院2号楼",
                       "phone": "13800138000"},
            head={"name": head_name, "id_number": id_number or new_id_number()},
        )

    return make


@pytest.fixture
def household(regions, make_household):
    return make_household(regions["a1"], head_name="赵建国")


@pytest.fixture
def team(staff, make_user, regions):
    """Three different people of street A for 受理、审核、审批, plus the district."""
    return {
        "acceptor": staff["caseworker_a"],
        "reviewer": make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "reviewer_a"),
        "approver": staff["approver_a"],
        "assistant": staff["assistant_a1"],
        "district": staff["reviewer"],
    }


@pytest.fixture
def build(team, household, make_household):
    return CaseBuilder(team, household, make_household)


@pytest.fixture
def clock(monkeypatch):
    """A settable today for every service and page (they all ask django.utils.timezone):
    `clock.set(date)`. Starts on 10 March 2026."""

    class Clock:
        today = datetime.date(2026, 3, 10)

        def set(self, day):
            self.today = day

    fixed = Clock()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: fixed.today)
    return fixed
