from django.urls import path

from . import views

urlpatterns = [
    path("", views.verification_start, name="verification_start"),
    path("send/", views.verification_send, name="verification_send"),
    path("code/", views.verification_code, name="verification_code"),
    path("co-owner/", views.coowner_apply, name="verification_coowner"),
    path("tenant/", views.tenant_register, name="verification_tenant"),
    path("correction/", views.phone_correction, name="verification_correction"),
    path("applications/<id:application_id>/proof/", views.application_proof, name="application_proof"),
]
