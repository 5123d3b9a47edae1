from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.expert_list, name="index"),
    path("<id:expert_id>/", views.expert_detail, name="detail"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<id:booking_id>/", views.booking_detail, name="booking"),
    path("bookings/<id:booking_id>/respond/", views.booking_respond, name="respond"),
    path("bookings/<id:booking_id>/cancel/", views.booking_cancel, name="cancel"),
    path("me/", views.my_slots, name="me"),
    path("me/slots/<id:slot_id>/cancel/", views.slot_cancel, name="slot_cancel"),
]
