"""The case fixtures: a team of three different people and a builder for their cases."""

import pytest

from accounts.roles import Role
from cases.tests.builders import CaseBuilder


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
def household(regions, make_household):
    return make_household(regions["a1"], head_name="赵建国")


@pytest.fixture
def build(team, household):
    return CaseBuilder(team, household)
