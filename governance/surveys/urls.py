from django.urls import path

from . import views

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("<id:survey_id>/", views.survey_detail, name="survey_detail"),
    path("<id:survey_id>/results/", views.survey_results, name="survey_results"),
    path("<id:survey_id>/results.xlsx", views.survey_results_xlsx, name="survey_results_xlsx"),
]
