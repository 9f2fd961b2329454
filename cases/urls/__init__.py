"""The case app's URLconfs: `cases.urls` the case pages (this package re-exports
them) with the benefit pages added, `cases.urls.intake` one-door intake."""

from cases.urls.benefits import urlpatterns as benefit_urlpatterns
from cases.urls.cases import app_name, urlpatterns  # noqa: F401
from cases.urls.integrity import urlpatterns as integrity_urlpatterns

urlpatterns = [*urlpatterns, *benefit_urlpatterns]  # 在保 pages: cases.urls.benefits
urlpatterns = [*urlpatterns, *integrity_urlpatterns]  # 诚信管理 pages: cases.urls.integrity
