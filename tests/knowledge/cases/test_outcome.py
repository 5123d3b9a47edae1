"""The submitter is told in the in-site inbox when the case is sent back or published (Wagtail's
workflow_rejected and page_published signals reach the services through thin receivers)."""

import pytest

from governance.office.models import Delivery, Message, MessageKind
from knowledge.cases import services
from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.models import ArticlePage
from tests.knowledge.helpers import fund_article

from .factories import GOOD, submit

pytestmark = pytest.mark.django_db


def _page(submission):
    return ArticlePage.objects.get(pk=submission.page_id)


def _messages_to(user):
    return list(Message.objects.filter(deliveries__recipient=user).order_by("pk"))


def test_changes_requested_sends_the_comment_to_the_submitter(site_root, community, owner, editor,
                                                                django_capture_on_commit_callbacks):
    submission = submit(owner, community=community)
    with django_capture_on_commit_callbacks(execute=True):
        _page(submission).current_workflow_task_state.reject(user=editor, comment="请删去涉及具体门牌号的描述。")

    [message] = _messages_to(owner)
    assert message.title == f"您的案例投稿需要修改：{GOOD['title']}"
    assert message.body == (f"您投稿的《{GOOD['title']}》被退回修改。\n审核意见：请删去涉及具体门牌号的描述。\n"
                            "请按意见修改后重新提交。")
    assert (message.link, message.kind, message.community, message.created_by) == (
        f"/cases/{submission.pk}/", MessageKind.SYSTEM, community, None)
    assert list(Delivery.objects.filter(message=message).values_list("recipient", "channel", "status")) == [
        (owner.pk, "insite", "sent")]


def test_a_rejection_without_comment_says_so(site_root, community, owner, editor):
    submission = submit(owner, community=community)
    _page(submission).current_workflow_task_state.reject(user=editor)
    [message] = _messages_to(owner)
    assert "审核意见：（审核人未填写意见）" in message.body
    assert CaseSubmission.objects.get(pk=submission.pk).review.comment == ""


def test_publication_is_told_once(site_root, community, owner, editor):
    submission = submit(owner, community=community)
    _page(submission).current_workflow_task_state.approve(user=editor)
    page = _page(submission)
    assert page.live

    [message] = _messages_to(owner)
    assert message.title == f"您的案例投稿已发布：{GOOD['title']}"
    assert message.link == page.url
    assert CaseSubmission.objects.get(pk=submission.pk).published_notified_at is not None

    # an editor later publishes a corrected revision: no second message
    page.title = GOOD["title"] + "（修订）"
    page.save_revision(user=editor).publish(user=editor)
    assert len(_messages_to(owner)) == 1


def test_a_direct_publish_by_an_editor_also_counts(site_root, community, owner, superuser):
    submission = submit(owner, community=community)
    _page(submission).get_latest_revision().publish(user=superuser)
    submission = CaseSubmission.objects.get(pk=submission.pk)
    assert submission.review.status == CaseStatus.PUBLISHED
    assert _page(submission).current_workflow_state is None  # Wagtail cancels the workflow on a direct publish
    assert [m.title for m in _messages_to(owner)] == [f"您的案例投稿已发布：{GOOD['title']}"]


def test_without_a_community_no_message_is_sent_but_the_status_page_says_it(site_root, owner, editor, client):
    submission = submit(owner, community=None)
    _page(submission).current_workflow_task_state.reject(user=editor, comment="请补充处理结果。")
    assert Message.objects.count() == 0

    client.force_login(owner)
    html = client.get(f"/cases/{submission.pk}/").content.decode()
    assert "退回修改" in html and "请补充处理结果。" in html
    assert "这篇投稿没有关联小区，审核结果只在本页显示，不发站内消息。" in html

    submission = services.case_update(actor=owner, submission=submission, **{**GOOD, "outcome": "已补充：防水翻新完成。"})
    _page(submission).current_workflow_task_state.approve(user=editor)
    assert Message.objects.count() == 0
    assert CaseSubmission.objects.get(pk=submission.pk).review.status == CaseStatus.PUBLISHED


def test_other_articles_are_not_concerned(site_root, community, owner, editor):
    article = fund_article()  # published through the knowledge service: no submission, no message
    article.title = "小区维修基金使用办法（修订）"
    article.save_revision(user=editor)
    article.get_workflow().start(article, editor)
    article.current_workflow_task_state.reject(user=editor, comment="不改")
    assert Message.objects.count() == 0
    assert CaseSubmission.objects.count() == 0
