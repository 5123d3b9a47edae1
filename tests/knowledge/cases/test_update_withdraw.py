"""case_update (edit and resubmit after changes were requested) and case_withdraw."""

import pytest
from wagtail.models import Revision, WorkflowState

from governance.errors import DomainError, ErrorCode
from knowledge.cases import services
from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.models import ArticlePage

from .factories import GOOD, submit

pytestmark = pytest.mark.django_db

NEW_HANDLING = "业委会先请第三方检测，再按规定公示方案七日，组织全体业主表决，参与人数过四分之三。"


def request_changes(submission, editor, comment="请补充表决情况。"):
    page = ArticlePage.objects.get(pk=submission.page_id)
    page.current_workflow_task_state.reject(user=editor, comment=comment)
    return CaseSubmission.objects.get(pk=submission.pk)


def approve(submission, editor):
    page = ArticlePage.objects.get(pk=submission.page_id)
    page.current_workflow_task_state.approve(user=editor)
    return CaseSubmission.objects.get(pk=submission.pk)


def fresh(submission):
    return CaseSubmission.objects.get(pk=submission.pk)


def update(user, submission, **overrides):
    return services.case_update(actor=user, submission=submission, **{**GOOD, **overrides})


def _snapshot(submission):
    submission = fresh(submission)
    page = ArticlePage.objects.get(pk=submission.page_id)
    return (submission.title, submission.handling, submission.withdrawn_at, submission.review.status,
            page.title, page.live, Revision.objects.filter(object_id=str(page.pk)).count(),
            list(WorkflowState.objects.filter(object_id=str(page.pk)).order_by("pk").values_list("status", flat=True)))


@pytest.fixture
def sent_back(site_root, owner, editor):
    return request_changes(submit(owner), editor, comment="请补充表决的参与人数。")


# --- resubmitting ---------------------------------------------------------------------------------------


def test_a_sent_back_submission_shows_the_comment(sent_back):
    assert sent_back.review.status == CaseStatus.CHANGES_REQUESTED
    assert sent_back.review.comment == "请补充表决的参与人数。"
    assert sent_back.review.label == "退回修改"


def test_resubmitting_saves_a_revision_by_the_submitter_and_restarts_the_review(sent_back, owner):
    page = ArticlePage.objects.get(pk=sent_back.page_id)
    state_before = page.current_workflow_state
    revisions_before = Revision.objects.filter(object_id=str(page.pk)).count()

    submission = update(owner, sent_back, title="地下车库漏水：维修资金怎么用", handling=NEW_HANDLING)

    page = ArticlePage.objects.get(pk=page.pk)
    assert Revision.objects.filter(object_id=str(page.pk)).count() == revisions_before + 1
    latest = page.get_latest_revision()
    assert latest.user == owner
    assert page.title == "地下车库漏水：维修资金怎么用"
    assert NEW_HANDLING in latest.as_object().plain_text()
    state = page.current_workflow_state
    assert (state.pk, state.status) == (state_before.pk, "in_progress")
    assert state.current_task_state.status == "in_progress"
    assert state.current_task_state.revision == latest
    assert not page.live
    submission = fresh(submission)
    assert (submission.title, submission.handling) == ("地下车库漏水：维修资金怎么用", NEW_HANDLING)
    assert (submission.review.status, submission.review.comment) == (CaseStatus.IN_REVIEW, "")


def test_an_approved_resubmission_publishes_the_new_text(sent_back, owner, editor):
    update(owner, sent_back, handling=NEW_HANDLING)
    submission = approve(sent_back, editor)
    page = ArticlePage.objects.get(pk=submission.page_id)
    assert page.live and NEW_HANDLING in page.plain_text()
    assert submission.review.status == CaseStatus.PUBLISHED


def test_a_submission_in_review_cannot_be_edited(site_root, owner):
    submission = submit(owner)
    before = _snapshot(submission)
    with pytest.raises(DomainError) as caught:
        update(owner, submission, handling=NEW_HANDLING)
    assert caught.value.code == ErrorCode.INVALID
    assert caught.value.message == "只有被退回修改的投稿可以修改后重新提交。"
    assert _snapshot(submission) == before


def test_a_published_or_withdrawn_submission_cannot_be_edited(site_root, owner, editor):
    published = approve(submit(owner), editor)
    withdrawn = services.case_withdraw(actor=owner, submission=submit(owner, title="电梯更换资金分摊争议"))
    for submission in (published, withdrawn):
        before = _snapshot(submission)
        with pytest.raises(DomainError) as caught:
            update(owner, submission, handling=NEW_HANDLING)
        assert caught.value.code == ErrorCode.INVALID
        assert _snapshot(submission) == before


def test_another_user_gets_not_found_and_an_editor_permission_denied(sent_back, other_owner, editor):
    before = _snapshot(sent_back)
    for user, code in ((other_owner, ErrorCode.NOT_FOUND), (editor, ErrorCode.PERMISSION_DENIED)):
        with pytest.raises(DomainError) as caught:
            update(user, sent_back, handling=NEW_HANDLING)
        assert caught.value.code == code
        assert _snapshot(sent_back) == before


def test_a_resubmission_is_validated_like_a_submission(sent_back, owner):
    before = _snapshot(sent_back)
    with pytest.raises(DomainError) as caught:
        update(owner, sent_back, handling="请联系 13800138000")
    assert (caught.value.code, caught.value.message) == (ErrorCode.INVALID, "请删除手机号、身份证号等个人信息：处理经过")
    assert _snapshot(sent_back) == before


def test_a_resubmission_counts_towards_the_limit(sent_back, owner):
    submit(owner, title="第二个案例：电梯维修")
    submit(owner, title="第三个案例：停车收费")
    # two others in review: resubmitting makes three, which is allowed
    update(owner, sent_back, handling=NEW_HANDLING)


def test_a_resubmission_over_the_limit_is_refused(sent_back, owner):
    for title in ("第二个案例：电梯维修", "第三个案例：停车收费", "第四个案例：绿化改造"):
        submit(owner, title=title)
    before = _snapshot(sent_back)
    with pytest.raises(DomainError) as caught:
        update(owner, sent_back, handling=NEW_HANDLING)
    assert caught.value.code == ErrorCode.RATE_LIMITED
    assert _snapshot(sent_back) == before


# --- withdrawing ----------------------------------------------------------------------------------------


def test_withdrawing_cancels_the_workflow_and_keeps_an_unpublished_draft(site_root, owner):
    submission = submit(owner)
    page_id = submission.page_id

    submission = services.case_withdraw(actor=owner, submission=submission)

    page = ArticlePage.objects.get(pk=page_id)
    assert not page.live
    assert page.current_workflow_state is None
    assert list(WorkflowState.objects.filter(object_id=str(page_id)).values_list("status", flat=True)) == ["cancelled"]
    submission = fresh(submission)
    assert submission.withdrawn_at is not None
    assert submission.review.status == CaseStatus.WITHDRAWN


def test_a_sent_back_submission_can_be_withdrawn(sent_back, owner):
    services.case_withdraw(actor=owner, submission=sent_back)
    assert fresh(sent_back).review.status == CaseStatus.WITHDRAWN


def test_withdrawing_twice_or_after_publication_is_refused(site_root, owner, editor):
    withdrawn = services.case_withdraw(actor=owner, submission=submit(owner))
    published = approve(submit(owner, title="电梯更换资金分摊争议"), editor)
    for submission in (withdrawn, published):
        before = _snapshot(submission)
        with pytest.raises(DomainError) as caught:
            services.case_withdraw(actor=owner, submission=submission)
        assert (caught.value.code, caught.value.message) == (ErrorCode.INVALID, "只有审核中或退回修改的投稿可以撤回。")
        assert _snapshot(submission) == before


def test_only_the_submitter_withdraws(site_root, owner, other_owner, editor):
    submission = submit(owner)
    before = _snapshot(submission)
    for user, code in ((other_owner, ErrorCode.NOT_FOUND), (editor, ErrorCode.PERMISSION_DENIED)):
        with pytest.raises(DomainError) as caught:
            services.case_withdraw(actor=user, submission=submission)
        assert caught.value.code == code
    assert _snapshot(submission) == before


def test_a_deleted_page_reads_as_withdrawn(site_root, owner):
    submission = submit(owner)
    ArticlePage.objects.get(pk=submission.page_id).delete()
    submission = fresh(submission)
    assert submission.page_id is None
    assert submission.review.status == CaseStatus.WITHDRAWN


def test_the_pages_history_is_the_moderation_trail(sent_back, owner, editor):
    from wagtail.models import PageLogEntry

    update(owner, sent_back, handling=NEW_HANDLING)
    services.case_withdraw(actor=owner, submission=sent_back)
    entries = PageLogEntry.objects.filter(page_id=sent_back.page_id).order_by("timestamp", "pk")
    assert [(e.action, e.user) for e in entries] == [
        ("wagtail.create", owner),
        ("wagtail.workflow.start", owner),
        ("wagtail.workflow.reject", editor),
        ("wagtail.edit", owner),
        ("wagtail.workflow.resume", owner),
        ("wagtail.workflow.cancel", owner),
    ]
