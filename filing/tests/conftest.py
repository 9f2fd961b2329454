from cases.tests.conftest import build, household, media_in_tmp, team  # noqa: F401
