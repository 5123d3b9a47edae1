"""Editors change knowledge articles through Wagtail's moderation workflow."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from knowledge.models import ArticlePage
from tests.factories import UserFactory
from tests.knowledge.helpers import FUND_TITLE, fund_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = UserFactory(phone="13600000002", username="kb-editor")
    user.groups.add(Group.objects.get(name="编辑员"))
    return user


@pytest.fixture
def moderator(db):
    user = UserFactory(phone="13600000003", username="kb-moderator")
    user.groups.add(Group.objects.get(name="审核员"))
    return user


def edit_form(page, *, body_html: str, **extra) -> dict:
    data = {
        "title": page.title,
        "slug": page.slug,
        "tier": page.tier,
        "kind": page.kind,
        "summary": page.summary,
        "tags": "维修资金",
        "body": streamfield([("paragraph", rich_text(body_html))]),
        "seo_title": "",
        "search_description": "",
        **extra,
    }
    return nested_form_data(data)


def test_the_default_workflow_covers_knowledge_pages(site_root):
    page = fund_article()
    workflow = page.get_workflow()
    assert workflow is not None and workflow == Workflow.objects.get(name="审核员审批")


def test_an_editor_submits_a_change_for_moderation_and_a_moderator_approves_it(client, editor, moderator, site_root):
    page = fund_article()
    client.force_login(editor)

    # Given an editor who changes the body and submits it for moderation
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_form(page, body_html="<p>新的使用程序：公示期改为十日。</p>", **{"action-submit": "提交审核"}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    # Then the page is in moderation and the live version is unchanged
    page = ArticlePage.objects.get(pk=page.pk)
    state = page.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert state.requested_by == editor
    assert state.current_task_state.task.name == "审核员审批"
    assert page.has_unpublished_changes
    assert "公示期改为十日" not in page.plain_text()
    assert "公示期改为十日" in page.get_latest_revision_as_object().plain_text()

    # When a moderator approves
    state.current_task_state.approve(user=moderator)

    # Then the change is live and searchable
    page = ArticlePage.objects.get(pk=page.pk)
    assert page.current_workflow_state is None
    assert "公示期改为十日" in page.plain_text()
    assert list(ArticlePage.objects.live().search("十日")) == [page]
    assert page.title == FUND_TITLE


def test_an_editor_cannot_publish_directly(client, editor, site_root):
    page = fund_article()
    client.force_login(editor)
    client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_form(page, body_html="<p>擅自发布的内容。</p>", **{"action-publish": "发布"}),
    )
    page = ArticlePage.objects.get(pk=page.pk)
    assert "擅自发布" not in page.plain_text()
