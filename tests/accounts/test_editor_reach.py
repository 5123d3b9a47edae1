"""The platform editor (内容编辑, Wagtail's "Moderators") works in the knowledge and legal-aid trees only: a
community's members-only notice is out of his reach in the page editor (edit, unpublish, draft, preview),
while knowledge articles stay his to edit."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import GroupPagePermission

from governance.office.models import NoticeAudience, NoticePage
from knowledge.services import ensure_knowledge_home, ensure_legal_aid_home
from governance.registry import memberships as services
from home.editorial import MODERATORS_GROUP
from portal.accounts.models import Role
from tests.factories import UserFactory
from tests.knowledge.helpers import publish_article
from tests.office.test_notices import estate, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(display_name="林编辑")
    services.membership_grant(user=user, role=Role.EDITOR)
    return user


def test_an_editor_cannot_open_edit_unpublish_draft_or_preview_a_communitys_notice(estate, publish, editor, client):
    notice = publish(estate.page, title="业主内部通知", audience=NoticeAudience.OWNERS)
    notice.title = "业主内部通知（草稿）"
    notice.save_revision()
    client.force_login(editor)
    for name in ("edit", "unpublish", "view_draft", "preview_on_edit"):
        response = client.get(reverse(f"wagtailadmin_pages:{name}", args=[notice.pk]))
        assert response.status_code in (302, 403), (name, response.status_code)
        assert "业主内部通知（草稿）" not in response.content.decode(), name
    assert client.post(reverse("wagtailadmin_pages:unpublish", args=[notice.pk])).status_code in (302, 403)
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.live and notice.title == "业主内部通知"
    assert notice.permissions_for_user(editor).can_edit() is False


def test_an_editor_still_edits_knowledge_articles(editor, client):
    article = publish_article("小区维修基金使用办法")
    client.force_login(editor)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).status_code == 200
    assert article.permissions_for_user(editor).can_publish() is True


def test_moderators_hold_page_rights_on_the_knowledge_and_legal_aid_roots_only(editor):
    roots = {ensure_knowledge_home().pk, ensure_legal_aid_home().pk}
    granted = GroupPagePermission.objects.filter(group__name=MODERATORS_GROUP)
    assert set(granted.values_list("page_id", flat=True)) == roots
    assert set(granted.values_list("permission__codename", flat=True)) == {
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
