from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_index, name="index"),
    path("submit/", views.case_submit, name="submit"),
    path("mine/", views.case_mine, name="mine"),
    path("<id:submission_id>/", views.case_detail, name="detail"),
    path("<id:submission_id>/edit/", views.case_edit, name="edit"),
    path("<id:submission_id>/withdraw/", views.case_withdraw, name="withdraw"),
]
