"""The case app's URLconfs: `cases.urls` the case pages (this package re-exports
them), `cases.urls.intake` one-door intake."""

from cases.urls.cases import app_name, urlpatterns  # noqa: F401
