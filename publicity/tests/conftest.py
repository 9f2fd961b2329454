"""Fixtures of the publicity tests; the case fixtures (build, team, household) come from
the root conftest."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """The boards are cached for a minute: each test starts without another's pages."""
    cache.clear()


@pytest.fixture
def publicised(build):
    return build.proposed(build.investigated(build.accepted()))
