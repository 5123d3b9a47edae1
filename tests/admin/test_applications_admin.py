"""The review queue: staff inspect the proof, approve or reject through the services; B's queue is unreachable."""

import pytest
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.registry.models import ApplicationStatus, Ownership, UnitApplication

pytestmark = pytest.mark.django_db


def test_inspect_shows_the_proof_and_the_review_buttons(world, as_user):
    response = as_user(world.committee_a).get(reverse("registry_application:inspect", args=[world.a.application.pk]))
    html = response.content.decode()
    proof_url = reverse("registry_application:proof", args=[world.a.application.pk])
    assert response.status_code == 200
    assert f'src="{proof_url}"' in html
    assert "通过" in html and "驳回" in html and "共有人，附结婚证" in html


def test_the_proof_is_served_only_to_reviewers_of_its_community(world, as_user):
    client = as_user(world.committee_a)
    response = client.get(reverse("registry_application:proof", args=[world.a.application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(reverse("registry_application:proof", args=[world.b.application.pk])).status_code == 404


def test_approving_makes_a_verified_co_owner_and_writes_an_audit_event(world, as_user):
    client = as_user(world.committee_a)
    response = client.post(reverse("registry_application:approve", args=[world.a.application.pk]), follow=True)
    assert "已通过该申请" in response.content.decode()
    application = UnitApplication.objects.get(pk=world.a.application.pk)
    assert application.status == ApplicationStatus.APPROVED and application.reviewer == world.committee_a
    ownership = Ownership.objects.get(unit=world.a.unit, person__user=world.a.applicant, ends_on__isnull=True)
    assert ownership.verified and ownership.role == "co_owner"
    event = AuditEvent.objects.get(action="application.co_owner.approve")
    assert event.community == world.a.community and event.actor == world.committee_a


def test_rejecting_without_a_reason_shows_the_chinese_error_and_changes_nothing(world, as_user):
    client = as_user(world.committee_a)
    response = client.post(reverse("registry_application:reject", args=[world.a.application.pk]), {"reason": "  "},
                           follow=True)
    assert response.status_code == 200
    assert "驳回必须填写理由。" in response.content.decode()
    assert UnitApplication.objects.get(pk=world.a.application.pk).status == ApplicationStatus.PENDING
    assert not AuditEvent.objects.filter(action="application.co_owner.reject").exists()


def test_rejecting_with_a_reason(world, as_user):
    client = as_user(world.committee_a)
    client.post(reverse("registry_application:reject", args=[world.a.application.pk]), {"reason": "证明材料不清晰"})
    application = UnitApplication.objects.get(pk=world.a.application.pk)
    assert application.status == ApplicationStatus.REJECTED and application.review_reason == "证明材料不清晰"


def test_a_second_decision_shows_the_service_error(world, as_user):
    client = as_user(world.committee_a)
    client.post(reverse("registry_application:approve", args=[world.a.application.pk]))
    response = client.post(reverse("registry_application:approve", args=[world.a.application.pk]), follow=True)
    assert "该申请已审核，不能重复处理。" in response.content.decode()


def test_b_applications_cannot_be_decided(world, as_user):
    client = as_user(world.committee_a)
    assert client.post(reverse("registry_application:approve", args=[world.b.application.pk])).status_code == 404
    assert client.post(reverse("registry_application:reject", args=[world.b.application.pk]),
                       {"reason": "x"}).status_code == 404
    assert UnitApplication.objects.get(pk=world.b.application.pk).status == ApplicationStatus.PENDING


def test_pending_applications_come_first(world, as_user):
    from governance.registry import services
    from tests.admin.conftest import png_upload
    from tests.factories import UserFactory

    client = as_user(world.committee_a)
    client.post(reverse("registry_application:approve", args=[world.a.application.pk]))
    services.coowner_apply(user=UserFactory(phone="13700000102"), unit=world.a.unit, name="后来者",
                           phone="13700000102", proof=png_upload())
    html = client.get(reverse("registry_application:index")).content.decode()
    assert html.index("后来者") < html.index("张甲妻")
    services.coowner_apply(user=UserFactory(phone="13700000103"), unit=world.a.unit, name="再后来者",
                           phone="13700000103", proof=png_upload())
    html = client.get(reverse("registry_application:index")).content.decode()
    assert html.index("再后来者") < html.index("后来者") < html.index("张甲妻")


def test_applications_cannot_be_added_edited_or_deleted_in_the_admin(world, as_user):
    client = as_user(world.superuser)
    assert client.get("/admin/registry/applications/new/").status_code == 404
    assert client.get(f"/admin/registry/applications/edit/{world.a.application.pk}/").status_code == 404
    assert client.get(f"/admin/registry/applications/delete/{world.a.application.pk}/").status_code == 404
