from django.urls import path

from . import files, joint_views, views

urlpatterns = [
    path("", views.motion_list, name="motion_list"),
    path("<id:motion_id>/", views.motion_detail, name="motion_detail"),
    path("<id:motion_id>/cast/", views.motion_cast, name="motion_cast"),
    path("<id:motion_id>/notice.pdf", views.motion_notice_pdf, name="motion_notice_pdf"),
    path("<id:motion_id>/details.xlsx", views.motion_details_xlsx, name="motion_details_xlsx"),
    path("attachments/<id:attachment_id>/", files.motion_attachment, name="motion_attachment"),
    path("joint/", joint_views.joint_list, name="joint_list"),
    path("joint/new/", joint_views.joint_new, name="joint_new"),
    path("joint/<id:joint_id>/", joint_views.joint_detail, name="joint_detail"),
    path("joint/<id:joint_id>/sign/", joint_views.joint_sign, name="joint_sign"),
    path("joint/<id:joint_id>/convert/", joint_views.joint_convert, name="joint_convert"),
]
