from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox, name="office_inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="office_inbox_read_all"),
    path("inbox/<id:message_id>/", views.inbox_message, name="office_inbox_message"),
]
