from django.urls import path

from . import views

urlpatterns = [
    path("", views.verification_start, name="verification_start"),
]
