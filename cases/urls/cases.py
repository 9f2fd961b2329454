from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("filing/", views.filing, name="filing"),
    path("hearings/", views.hearings, name="hearings"),
    path("hearings/<int:pk>/", views.hearing_session, name="hearing_session"),
    path("hearings/<int:pk>/record/<int:case_pk>/", views.hearing_session,
         name="hearing_record"),
    path("new/<int:household_pk>/", views.new_application, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:key>/", views.act, name="act"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("<int:pk>/investigations/<int:investigation_pk>/form/", views.investigation_form,
         name="investigation_form"),
]
