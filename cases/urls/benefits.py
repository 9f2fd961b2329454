"""在保 and 复查 pages (cases.views.benefits, cases.views.reviews), in the `cases`
namespace: cases.urls adds these to its patterns. The objects are named by their own
keyword (benefit_pk, review_pk), never `pk`, which the case pages use for a case."""

from django.urls import path

from cases.views import benefits as views
from cases.views import reviews as review_views

urlpatterns = [
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/<int:benefit_pk>/", views.benefit, name="benefit"),
    path("benefits/<int:benefit_pk>/do/<slug:key>/", views.benefit_act, name="benefit_act"),
    path("benefits/<int:benefit_pk>/notices/<int:event_pk>/", views.benefit_notice,
         name="benefit_notice"),
    path("benefits/reviews/", review_views.reviews, name="benefit_reviews"),
    path("benefits/reviews/<int:review_pk>/", review_views.review, name="benefit_review"),
    path("benefits/reviews/<int:review_pk>/check/", review_views.review_check,
         name="benefit_review_check"),
    path("benefits/reviews/<int:review_pk>/decide/", review_views.review_decide,
         name="benefit_review_decide"),
    path("benefits/rounds/", review_views.rounds, name="benefit_rounds"),
    path("benefits/rounds/progress.json", review_views.rounds_progress, name="benefit_rounds_progress"),
]
