"""The committee writes its own notices in Wagtail's page editor (DOMAIN §1: the committee runs notices).

A committee member's role carries page permissions on his community's home only: he publishes a notice
there (and it fans out), while another community's home refuses him."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.office.models import Delivery, NoticePage
from governance.office.selectors import messages_about
from home.editorial import editorial_groups_sync
from tests.office.test_notices import estate  # noqa: F401 (fixture)
from tests.office.test_notices_admin import editor_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(estate):
    editorial_groups_sync(user=estate.committee)  # what membership_grant does when the role is granted
    return estate.committee


def test_a_committee_member_publishes_a_notice_under_his_community_and_it_fans_out(
        estate, committee, client, django_capture_on_commit_callbacks):
    client.force_login(committee)
    add_url = reverse("wagtailadmin_pages:add", args=["office", "noticepage", estate.page.pk])
    assert client.get(add_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url, editor_post(estate))
    assert response.status_code == 302
    notice = NoticePage.objects.get(slug="lift")
    assert notice.live and notice.community == estate.community and notice.owner == committee
    assert set(Delivery.objects.filter(message=messages_about(notice).get()).values_list("recipient_id", flat=True)) \
        == {estate.owner1.pk, estate.co_owner.pk}


def test_another_communitys_home_refuses_him_and_nothing_is_created(estate, committee, client):
    client.force_login(committee)
    add_url = reverse("wagtailadmin_pages:add", args=["office", "noticepage", estate.other_page.pk])
    assert client.get(add_url).status_code in (302, 403)
    response = client.post(add_url, editor_post(estate, scope_kind="community", scope_buildings=[]))
    assert response.status_code in (302, 403)
    assert not NoticePage.objects.exists()
    edit_other = reverse("wagtailadmin_pages:edit", args=[estate.other_page.pk])
    assert client.get(edit_other).status_code in (302, 403)


def test_the_page_explorer_offers_only_his_community(estate, committee, client):
    client.force_login(committee)
    response = client.get(reverse("wagtailadmin_explore", args=[estate.page.pk]))
    assert response.status_code == 200
    assert client.get(reverse("wagtailadmin_explore", args=[estate.other_page.pk])).status_code in (302, 403)
