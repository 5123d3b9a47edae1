from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.expert_list, name="index"),
    path("<int:expert_id>/", views.expert_detail, name="detail"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<int:booking_id>/", views.booking_detail, name="booking"),
    path("bookings/<int:booking_id>/respond/", views.booking_respond, name="respond"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="cancel"),
    path("me/", views.my_slots, name="me"),
    path("me/slots/<int:slot_id>/cancel/", views.slot_cancel, name="slot_cancel"),
]
