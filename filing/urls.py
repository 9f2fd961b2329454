from django.urls import path

from filing import views

app_name = "filing"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("register/", views.register, name="register"),
    path("register/template.csv", views.register_template, name="register_template"),
    path("spot-checks/", views.spot_checks, name="spot_checks"),
    path("spot-checks/<int:pk>/", views.spot_check, name="spot_check"),
    path("spot-checks/<int:pk>/items/<int:item_pk>/", views.spot_check, name="spot_check_item"),
    path("spot-checks/<int:pk>/population.csv", views.spot_check_population,
         name="spot_check_population"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/<int:pk>/", views.roster, name="roster"),
    path("rosters/<int:pk>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("rosters/<int:pk>/roster.pdf", views.roster_pdf, name="roster_pdf"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/refresh/", views.statistics_refresh, name="statistics_refresh"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
]
