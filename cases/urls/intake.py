from django.urls import path

from cases.views import intake as views

app_name = "intake"
urlpatterns = [
    path("", views.registrations, name="list"),
    path("new/", views.new_registration, name="new"),
    path("<int:pk>/", views.registration, name="detail"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/<int:pk>/feedback/", views.handover_feedback, name="handover_feedback"),
    path("urgent/", views.urgent_aid, name="urgent"),
    path("community/", views.community, name="community"),
    path("import/", views.legacy_import, name="import"),
    path("import/template.csv", views.legacy_template, name="import_template"),
]
