from django.contrib import admin
from django.urls import include, path

from cases.views.intake import progress
from config.public import policy
from config.views import healthz, home

urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
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
]
