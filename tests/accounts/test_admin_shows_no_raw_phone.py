"""Wagtail's admin names users by get_full_name(): a phone sign-up (username = phone) shows masked there.

Story: an owner with no display name submits a case; the editor goes through every admin screen that names
the submitter (dashboard "awaiting your review", the page's history, edit, workflow history, the explorer,
site history and workflow reports) and never sees the raw number."""

import pytest
from django.urls import reverse

from knowledge.cases.services import case_submit
from portal.accounts.models import User
from tests.knowledge.cases.factories import editor_user, new_community, owner_in

pytestmark = pytest.mark.django_db

PHONE = "13987654321"


def test_users_are_named_by_display_name_or_masked_phone():
    assert User(phone=PHONE, username=PHONE).get_full_name() == "139****4321"
    assert User(phone=PHONE, username=PHONE, display_name="王建国").get_full_name() == "王建国"
    assert User(username="admin").get_full_name() == "admin"
    assert User(phone=PHONE, username=PHONE, first_name="建国", last_name="王").get_full_name() == "建国 王"


def test_no_admin_screen_shows_the_submitters_phone(client):
    community = new_community()
    owner = owner_in(community)
    User.objects.filter(pk=owner.pk).update(phone=PHONE, username=PHONE, display_name="")
    owner.refresh_from_db()
    submission = case_submit(
        actor=owner, title="地下车库漏水维修争议", background="地下车库多处漏水。", dispute="维修资金能否使用。",
        handling="业委会组织表决。", outcome="表决通过后维修。", community=community,
    )
    page = submission.page
    client.force_login(editor_user())
    urls = [
        "/admin/",
        reverse("wagtailadmin_pages:history", args=[page.pk]),
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
        reverse("wagtailadmin_explore", args=[page.get_parent().pk]),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:workflow"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert PHONE not in html, url
    assert "139****4321" in client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).content.decode()
