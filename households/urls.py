from django.urls import path

from households import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/delete/", views.household_delete, name="delete"),
    path("<int:pk>/members/new/", views.member_form, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", views.member_form, name="member_edit"),
    path("<int:pk>/members/<int:member_pk>/delete/", views.member_delete, name="member_delete"),
    path("<int:pk>/head/", views.member_make_head, name="make_head"),
    path("<int:pk>/<slug:kind>/new/", views.record_add, name="record_add"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/delete/", views.record_delete,
         name="record_delete"),
]
