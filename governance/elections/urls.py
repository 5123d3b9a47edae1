from django.urls import path

from . import views

urlpatterns = [
    path("", views.election_list, name="election_list"),
    path("<id:round_id>/", views.election_detail, name="election_detail"),
    path("<id:round_id>/register/", views.election_register, name="election_register"),
    path("<id:round_id>/cast/", views.election_cast, name="election_cast"),
    path("<id:round_id>/details.xlsx", views.election_details_download, name="election_details_xlsx"),
]
