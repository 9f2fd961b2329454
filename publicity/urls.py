from django.urls import path

from publicity import views

app_name = "public"
urlpatterns = [
    path("<slug:code>/", views.board, name="board"),
    path("<slug:code>/objection/received/", views.objection_done, name="objection_done"),
    path("notice/<int:pk>/objection/", views.objection, name="objection"),
    path("<slug:code>/print.pdf", views.notice_pdf, name="print"),
]
