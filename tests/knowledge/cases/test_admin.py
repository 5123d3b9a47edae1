"""案例投稿 in the Wagtail admin: a read-only list for editors, with status and a link to the page editor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from knowledge.models import ArticlePage
from tests.factories import MembershipFactory

from .factories import GOOD, submit

pytestmark = pytest.mark.django_db

INDEX = "/admin/cases/submissions/"


@pytest.fixture
def two_submissions(site_root, community, owner, other_owner, editor):
    in_review = submit(owner, community=community)
    sent_back = submit(other_owner, title="电梯更换资金分摊争议")
    ArticlePage.objects.get(pk=sent_back.page_id).current_workflow_task_state.reject(user=editor, comment="补充金额")
    return in_review, sent_back


def test_editors_see_every_submission_with_its_status_and_page_link(client, editor, two_submissions):
    in_review, sent_back = two_submissions
    submitters = [in_review.submitted_by, sent_back.submitted_by]
    client.force_login(editor)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert GOOD["title"] in html and "电梯更换资金分摊争议" in html
    assert "审核中" in html and "退回修改" in html
    assert f'href="/admin/pages/{in_review.page_id}/edit/"' in html
    assert f'href="/admin/pages/{sent_back.page_id}/edit/"' in html
    assert f'href="{INDEX}inspect/{sent_back.pk}/"' in html
    for submitter in submitters:  # shown masked
        assert submitter.phone not in html and submitter.masked_phone in html

    response = client.get(f"{INDEX}inspect/{sent_back.pk}/")
    assert response.status_code == 200
    assert "退回修改（补充金额）" in response.content.decode()


def test_the_list_has_no_write_views(two_submissions):
    for name in ("add", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"case_submissions:{name}", args=[] if name == "add" else [1])


def test_other_admin_users_see_no_submission(client, community, two_submissions):
    in_review, _ = two_submissions
    chair = MembershipFactory(community=community).user  # admin access, not an editor
    client.force_login(chair)
    response = client.get(INDEX)
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's "no permission"
    assert client.get(f"{INDEX}inspect/{in_review.pk}/").status_code == 404


def test_the_list_reads_in_a_fixed_number_of_queries(client, editor, two_submissions, owner, community,
                                                     django_assert_num_queries):
    client.force_login(editor)
    client.get(INDEX)  # warm per-process caches (content types, menu)
    with CaptureQueriesContext(connection) as two:
        client.get(INDEX)
    submit(owner, title="停车位出租收益归属争议", community=community)
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(INDEX)
    assert "停车位出租收益归属争议" in response.content.decode()
