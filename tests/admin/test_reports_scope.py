"""Wagtail's page types report counts and names pages across the whole tree, so a committee member, whose page
rights stop at his community's home, does not get it (menu and URL alike); the other page reports, which Wagtail
limits to the pages he holds rights on, show him none of another community's titles. A superuser reads them all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Workflow

from home.editorial import MODERATION_WORKFLOW, editorial_groups_sync
from tests.factories import UserFactory
from tests.office.test_notices import add_notice, estate  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

REPORTS = ("page_types_usage",)
SCOPED = ("locked_pages", "aging_pages", "site_history", "workflow", "workflow_tasks")
OTHER_TITLE = "碧水业主内部通知"


@pytest.fixture
def other_notice(estate):
    """A notice of community B that is locked and waiting in the moderation workflow."""
    author = UserFactory(is_superuser=True, is_staff=True)
    notice = add_notice(estate.other_page, title=OTHER_TITLE, publish=True)
    notice.locked, notice.locked_by = True, author
    notice.save()
    notice.save_revision(user=author, log_action=True)
    Workflow.objects.get(name=MODERATION_WORKFLOW).start(notice, author)
    return notice


def report_urls(names=REPORTS):
    return [reverse(f"wagtailadmin_reports:{name}") for name in names] + [
        reverse(f"wagtailadmin_reports:{name}_results") for name in names]


def test_a_committee_member_gets_no_report_nor_another_communitys_titles(estate, other_notice, client):
    editorial_groups_sync(user=estate.committee)
    client.force_login(estate.committee)
    for url in report_urls():
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        assert OTHER_TITLE not in response.content.decode() and "碧水小区" not in response.content.decode(), url
    for url in report_urls(SCOPED):
        response = client.get(url)
        assert response.status_code == 200, url
        assert OTHER_TITLE not in response.content.decode() and "碧水小区" not in response.content.decode(), url
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    for name in REPORTS:
        assert reverse(f"wagtailadmin_reports:{name}") not in home, name


def test_a_superuser_still_reads_every_report(estate, other_notice, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for url in report_urls(REPORTS + SCOPED):
        assert client.get(url).status_code == 200, url
    for name in ("site_history", "workflow", "workflow_tasks"):
        assert OTHER_TITLE in client.get(reverse(f"wagtailadmin_reports:{name}")).content.decode(), name
