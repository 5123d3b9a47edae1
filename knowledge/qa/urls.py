from django.urls import path

from . import views

app_name = "qa"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("mine/", views.mine, name="mine"),
    path("<int:question_id>/", views.question_detail, name="detail"),
    path("<int:question_id>/answer/", views.answer, name="answer"),
    path("<int:question_id>/accept/<int:answer_id>/", views.accept, name="accept"),
    path("<int:question_id>/report/", views.report, name="report"),
]
