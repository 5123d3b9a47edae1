from django.urls import path

from . import views

app_name = "qa"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("mine/", views.mine, name="mine"),
    path("<id:question_id>/", views.question_detail, name="detail"),
    path("<id:question_id>/answer/", views.answer, name="answer"),
    path("<id:question_id>/accept/<id:answer_id>/", views.accept, name="accept"),
    path("<id:question_id>/report/", views.report, name="report"),
]
