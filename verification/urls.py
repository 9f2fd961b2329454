from django.urls import path

from verification import views

app_name = "verification"
urlpatterns = [
    path("", views.sources, name="sources"),
    path("templates/<slug:source>.csv", views.template, name="template"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/resume/", views.job_resume, name="job_resume"),
]
