from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.urls_rules import rule_urls
from cases.views.intake import progress
from config.public import policy
from config.views import healthz, home
from config.views_rules import rule_new_with_preview


class Favicon(RedirectView):
    """/favicon.ico, which browsers ask for on their own: the icon in static/ (whitenoise)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("rules/", include((rule_urls(new_view=rule_new_with_preview), "rules"))),
    path("households/", include("households.urls")),
    path("cases/", include("cases.urls")),
    path("verification/", include("verification.urls")),
    path("filing/", include("filing.urls")),
    path("intake/", include("cases.urls.intake")),
    path("chaxun/", progress, name="progress"),
    path("gongshi/<slug:code>/policy/", policy, name="public_policy"),
    path("gongshi/", include("publicity.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", login_not_required(Favicon.as_view()), name="favicon"),
]
