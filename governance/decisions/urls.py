from django.urls import path

from . import views

urlpatterns = [
    path("", views.motion_list, name="motion_list"),
    path("<int:motion_id>/", views.motion_detail, name="motion_detail"),
    path("<int:motion_id>/cast/", views.motion_cast, name="motion_cast"),
    path("<int:motion_id>/notice.pdf", views.motion_notice_pdf, name="motion_notice_pdf"),
    path("<int:motion_id>/details.xlsx", views.motion_details_xlsx, name="motion_details_xlsx"),
]
