from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("filing/", views.filing, name="filing"),
    path("new/<int:household_pk>/", views.new_application, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:key>/", views.act, name="act"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("<int:pk>/investigations/<int:investigation_pk>/form/", views.investigation_form,
         name="investigation_form"),
]
