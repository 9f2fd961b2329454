"""诚信管理 pages under /cases/integrity/, in the `cases` namespace (cases.urls adds them
to the case pages): fraud findings, their recovery, the dishonesty ledger and its export.
A finding is named `finding_pk`, never `pk`, which the case pages use for a case."""

from django.urls import path

from cases.views import integrity as views

urlpatterns = [
    path("integrity/", views.findings, name="integrity"),
    path("integrity/new/", views.finding_new, name="integrity_new"),
    path("integrity/<int:finding_pk>/", views.finding, name="integrity_detail"),
    path("integrity/<int:finding_pk>/do/<slug:key>/", views.finding_act, name="integrity_act"),
    path("integrity/district/", views.district, name="integrity_district"),
    path("integrity/district/export/", views.ledger_export, name="integrity_export"),
]
