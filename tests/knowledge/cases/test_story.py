"""The whole story through the real Wagtail admin: an owner submits a case, an editor requests changes in
the admin's workflow UI, the owner resubmits, the editor approves; the article is live and searchable, and
the owner has been told both times in the in-site inbox."""

import pytest
from django.urls import reverse

from governance.office.models import Delivery
from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.models import ArticlePage

from .factories import GOOD

pytestmark = pytest.mark.django_db


def _workflow_action(client, page, action: str, comment: str = ""):
    """What Wagtail's admin posts from the review modal: the action on the page's current task state."""
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": comment}, headers={"x-requested-with": "XMLHttpRequest"})


def _inbox_titles(user):
    return [d.message.title for d in Delivery.objects.filter(recipient=user, channel="insite", status="sent")
            .select_related("message").order_by("pk")]


def test_submit_request_changes_resubmit_approve(client, site_root, community, owner, editor,
                                                 django_capture_on_commit_callbacks):
    # Given an owner who submits a case on the portal
    client.force_login(owner)
    response = client.post("/cases/submit/", {**GOOD, "kind": "dispute", "community": str(community.pk)})
    assert response.status_code == 302, response.content.decode()[:3000]
    submission = CaseSubmission.objects.get(submitted_by=owner)
    assert response["Location"] == f"/cases/{submission.pk}/"

    # Then the draft exists unpublished, is not reachable by the public and not found by search
    page = ArticlePage.objects.get(pk=submission.page_id)
    assert not page.live
    client.logout()
    assert page.url == f"/knowledge/advanced-cases/case-{submission.pk}/"
    assert client.get(page.url).status_code == 404
    assert client.get("/search/", {"q": "渗漏"}).context["hits"] == []

    # And the editor sees it awaiting review on the admin dashboard
    client.force_login(editor)
    dashboard = client.get("/admin/").content.decode()
    assert GOOD["title"] in dashboard

    # When the editor requests changes with a comment, through the admin's workflow action
    with django_capture_on_commit_callbacks(execute=True):
        response = _workflow_action(client, page, "reject", "请补充表决的参与人数和同意比例。")
    assert response.status_code == 200, response.content.decode()[:2000]

    # Then the submitter sees 退回修改 and the comment, and got a message
    client.force_login(owner)
    detail = client.get(f"/cases/{submission.pk}/")
    html = detail.content.decode()
    assert detail.context["review"].status == CaseStatus.CHANGES_REQUESTED
    assert "退回修改" in html and "请补充表决的参与人数和同意比例。" in html
    assert _inbox_titles(owner) == [f"您的案例投稿需要修改：{GOOD['title']}"]

    # When the submitter edits and resubmits
    response = client.post(f"/cases/{submission.pk}/edit/", {
        **GOOD, "kind": "dispute", "community": str(community.pk),
        "handling": GOOD["handling"] + "参与表决的业主占总人数和总面积的四分之三以上，同意的超过九成。",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    submission.refresh_from_db()
    assert CaseSubmission.objects.get(pk=submission.pk).review.status == CaseStatus.IN_REVIEW

    # And the editor approves in the admin
    client.force_login(editor)
    page = ArticlePage.objects.get(pk=page.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = _workflow_action(client, page, "approve")
    assert response.status_code == 200

    # Then the page is live with the resubmitted text, the status is 已发布, search finds it
    page = ArticlePage.objects.get(pk=page.pk)
    assert page.live
    assert "同意的超过九成" in page.plain_text()
    client.logout()
    assert client.get(page.url).status_code == 200
    results = client.get("/search/", {"q": "九成"})
    assert [hit.url for hit in results.context["hits"]] == [page.url]
    assert [hit.url for hit in client.get("/search/", {"q": "渗漏"}).context["hits"]] == [page.url]

    client.force_login(owner)
    detail = client.get(f"/cases/{submission.pk}/")
    assert detail.context["review"].status == CaseStatus.PUBLISHED
    assert detail.context["article_url"] == page.url
    assert _inbox_titles(owner) == [f"您的案例投稿需要修改：{GOOD['title']}", f"您的案例投稿已发布：{GOOD['title']}"]
