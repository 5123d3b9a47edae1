"""留痕记录 in the admin: read-only, scoped by can_view_audit, filterable, and verifiable per community."""

import pytest
from django.db import connection
from django.urls import NoReverseMatch, reverse

from governance.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_list_shows_a_events_and_never_b(world, as_user):
    html = as_user(world.committee_a).get(reverse("audit_event:index")).content.decode()
    assert "application.co_owner.submit" in html
    assert "张甲妻" in html and "乙某妻" not in html and "碧水小区" not in html


def test_the_trail_is_read_only(world, as_user):
    client = as_user(world.superuser)
    event = AuditEvent.objects.filter(community=world.a.community).first()
    for url in ("/admin/audit/events/new/", f"/admin/audit/events/edit/{event.pk}/",
                f"/admin/audit/events/delete/{event.pk}/", f"/admin/audit/events/history/{event.pk}/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    with pytest.raises(NoReverseMatch):
        reverse("audit_event:add")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_inspect_is_scoped(world, as_user):
    client = as_user(world.committee_a)
    a_event = AuditEvent.objects.filter(community=world.a.community).first()
    b_event = AuditEvent.objects.filter(community=world.b.community).first()
    response = client.get(reverse("audit_event:inspect", args=[a_event.pk]))
    assert response.status_code == 200 and a_event.hash in response.content.decode()
    assert client.get(reverse("audit_event:inspect", args=[b_event.pk])).status_code == 404


def test_filter_by_action_and_community(world, as_user):
    from governance.registry import services

    client = as_user(world.committee_a)
    services.application_reject(application=world.a.application, actor=world.committee_a, reason="材料不全")
    html = client.get(reverse("audit_event:index") + "?action=application.co_owner.reject").content.decode()
    assert "#2 application.co_owner.reject" in html  # rows are titled "#seq action object"
    assert "#1 application.co_owner.submit" not in html
    html = client.get(reverse("audit_event:index") + f"?community={world.b.community.pk}").content.decode()
    assert "乙某妻" not in html


def test_property_staff_do_not_see_the_trail(world, as_user):
    response = as_user(world.property_a).get(reverse("audit_event:index"))
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_verify_reports_an_intact_chain(world, as_user):
    response = as_user(world.committee_a).get(reverse("audit_event:verify") + f"?community={world.a.community.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "阳光小区：留痕链完整，共 1 条记录" in html


def test_verify_finds_tampering(world, as_user):
    event = AuditEvent.objects.get(community=world.a.community)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["篡改", event.pk])
    html = as_user(world.committee_a).get(
        reverse("audit_event:verify") + f"?community={world.a.community.pk}"
    ).content.decode()
    assert "留痕链校验未通过" in html and "记录内容与哈希不符" in html


def test_verify_of_b_is_404(world, as_user):
    response = as_user(world.committee_a).get(reverse("audit_event:verify") + f"?community={world.b.community.pk}")
    assert response.status_code == 404


def test_the_list_links_to_verification(world, as_user):
    html = as_user(world.committee_a).get(reverse("audit_event:index")).content.decode()
    assert reverse("audit_event:verify") in html and "校验" in html
