"""Every write of case submissions (案例投稿). Keyword-only, atomic, permission first, then validation.

Submitting creates, in one transaction, the submission and an unpublished ArticlePage (tier 进阶, kind
案例/争议处理, tagged 用户投稿, owned by the submitter) under the knowledge home's 进阶·案例 section, saves a
revision by the submitter and starts the page's Wagtail workflow, so the draft appears in the moderators'
"Awaiting your review". Editors approve or request changes with Wagtail's own workflow UI.

The outcome reaches the submitter through two thin receivers in `signals.py`, which only call
`case_page_published` (Wagtail's `page_published`, sent by a workflow approval or a direct publish) and
`case_changes_requested` (Wagtail's `workflow_rejected`). Those write the in-site message
(`governance.office.services.notify_user`, needs a community: a submission without one gets no message, its status page still
says it).
"""

from __future__ import annotations

import html
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState

from governance.errors import DomainError, ErrorCode
from governance.office.services import notify_user
from home.services import ensure_site_root
from knowledge.models import ArticlePage, Kind, KnowledgeIndexPage, KnowledgeSectionPage, Tier
from knowledge.services import ensure_knowledge_home

from . import permissions, selectors
from .models import CaseKind, CaseStatus, CaseSubmission
from .validation import CaseText, clean_case_text

CASE_SECTION_TITLE = "进阶·案例"
CASE_SECTION_SLUG = "advanced-cases"
SUBMISSION_TAG = "用户投稿"
DEFAULT_MAX_PENDING = 3
SUMMARY_CHARS = 120
NOT_FOUND_MESSAGE = "没有找到该投稿。"


def max_pending() -> int:
    return int(getattr(settings, "CASE_MAX_PENDING", DEFAULT_MAX_PENDING))


def _deny(message: str = "您没有权限进行此操作。") -> DomainError:
    return DomainError(ErrorCode.PERMISSION_DENIED, message)


def _require_signed_in(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")


# --- the 进阶·案例 section ------------------------------------------------------------------------------


def _free_slug(parent: Page, wanted: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted}-{n}", n + 1
    return slug


def _find_section(home) -> KnowledgeSectionPage | None:
    sections = KnowledgeSectionPage.objects.child_of(home).filter(tier=Tier.ADVANCED, kind=Kind.CASE)
    return sections.filter(live=True).order_by("path").first() or sections.order_by("path").first()


@transaction.atomic
def ensure_case_section() -> KnowledgeSectionPage:
    """The knowledge home's 进阶·案例 section (tier advanced, kind case): a live one when there is one, else
    any, else created and published. Idempotent. Creation is serialised on the site root and the knowledge
    home rows, so concurrent first submissions make one knowledge home and one section."""
    home = KnowledgeIndexPage.objects.first()
    section = _find_section(home) if home is not None else None
    if section is not None:
        return section
    root = ensure_site_root()
    Page.objects.select_for_update().filter(pk=root.pk).first()
    home = ensure_knowledge_home()
    home = KnowledgeIndexPage.objects.select_for_update().get(pk=home.pk)
    section = _find_section(home)
    if section is not None:
        return section
    section = KnowledgeSectionPage(
        title=CASE_SECTION_TITLE, slug=_free_slug(home, CASE_SECTION_SLUG), tier=Tier.ADVANCED, kind=Kind.CASE,
        intro="<p>来自各小区的真实案例与争议处理经过，经编辑审核后发布。</p>",
    )
    home.add_child(instance=section)
    section.save_revision().publish()
    return KnowledgeSectionPage.objects.get(pk=section.pk)


# --- the article page ------------------------------------------------------------------------------------


def _paragraphs(text: str) -> str:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)


def article_body(text: CaseText) -> str:
    """A 案例 block (title, 背景 as the facts, 结果 as the outcome) and the other sections as paragraphs."""
    blocks: list[dict] = [
        {"type": "case_facts", "value": {"title": text.title, "facts": text.background, "outcome": text.outcome}},
    ]
    for label, value in (("争议焦点", text.dispute), ("处理经过", text.handling), ("启示", text.lessons)):
        if value:
            blocks.append({"type": "paragraph", "value": f"<h3>{label}</h3>{_paragraphs(value)}"})
    return json.dumps(blocks, ensure_ascii=False)


def _summary(text: CaseText) -> str:
    background = " ".join(text.background.split())
    return background if len(background) <= SUMMARY_CHARS else background[:SUMMARY_CHARS - 1] + "…"


def _fill_page(page: ArticlePage, text: CaseText) -> None:
    page.title = text.title
    page.tier = Tier.ADVANCED
    page.kind = Kind.CASE if text.kind == CaseKind.CASE else Kind.DISPUTE
    page.summary = _summary(text)
    page.body = article_body(text)


def _fill_submission(submission: CaseSubmission, text: CaseText, community) -> None:
    submission.community = community
    submission.kind = text.kind
    submission.title = text.title
    submission.background = text.background
    submission.dispute = text.dispute
    submission.handling = text.handling
    submission.outcome = text.outcome
    submission.lessons = text.lessons


# --- checks shared by submit and resubmit ----------------------------------------------------------------


def _check_community(actor, community) -> None:
    if not permissions.can_attach_community(actor, community):
        raise DomainError(ErrorCode.INVALID, "请选择您所在的小区。", field="community")


def _check_pending(actor, *, exclude_pk: int | None = None) -> None:
    """At most `CASE_MAX_PENDING` submissions 审核中 per user; the user's row is locked so two concurrent
    submissions cannot both pass."""
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    limit = max_pending()
    if selectors.in_review_count(actor, exclude_pk=exclude_pk) >= limit:
        raise DomainError(
            ErrorCode.RATE_LIMITED, f"您已有 {limit} 篇投稿在审核中，请等审核有了结果再提交。")


def _workflow_of(page: Page):
    workflow = page.get_workflow()
    if workflow is None or not workflow.active:
        raise DomainError(ErrorCode.INVALID, "暂时无法投稿：审核流程未启用，请联系管理员。")
    return workflow


def _lock_review(submission: CaseSubmission) -> tuple[CaseSubmission, WorkflowState | None]:
    """Lock a submission for withdraw/update in the order Wagtail's own moderation takes its locks
    (approve/reject save the task state, then the workflow state, then publish the page, whose
    `page_published` receiver locks the submission): the page's in-progress task states, then its active
    workflow state, then the submission. Taking them the other way round deadlocks against an editor's
    approval. Returns the locked submission and the active workflow state (None when there is none)."""
    page_id = CaseSubmission.objects.filter(pk=submission.pk).values_list("page_id", flat=True).first()
    state = None
    if page_id is not None:
        in_page = {"base_content_type__app_label": "wagtailcore", "base_content_type__model": "page",
                   "object_id": str(page_id)}
        list(TaskState.objects.select_for_update(of=("self",))
             .filter(status=TaskState.STATUS_IN_PROGRESS,
                     workflow_state__in=WorkflowState.objects.active().filter(**in_page))
             .order_by("pk").values_list("pk", flat=True))
        states = list(WorkflowState.objects.active().select_for_update().filter(**in_page).order_by("pk"))
        state = states[-1] if states else None
    return _locked(submission), state


def _locked(submission: CaseSubmission) -> CaseSubmission:
    locked = CaseSubmission.objects.select_for_update().filter(pk=submission.pk).first()
    if locked is None:
        raise DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE, field="id")
    return locked


def _require_submitter(actor, submission: CaseSubmission) -> None:
    _require_signed_in(actor)
    if not permissions.can_view_case(actor, submission):
        raise DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE, field="id")
    if not permissions.can_change_case(actor, submission):
        raise _deny("只有投稿人可以修改或撤回投稿。")


# --- submit, resubmit, withdraw --------------------------------------------------------------------------


@transaction.atomic
def case_submit(
    *, actor, title: str, background: str, dispute: str, handling: str, outcome: str, lessons: str = "",
    kind: str = CaseKind.CASE, community=None,
) -> CaseSubmission:
    """Submit a case: a draft ArticlePage in the moderation workflow (see the module docstring)."""
    _require_signed_in(actor)
    if not permissions.can_submit_case(actor):
        raise _deny("加入小区（完成业主认证或住户登记）后才能投稿。")
    _check_community(actor, community)
    text = clean_case_text(title=title, background=background, dispute=dispute, handling=handling,
                           outcome=outcome, lessons=lessons, kind=kind)
    _check_pending(actor)
    section = ensure_case_section()  # (treebeard's add_child locks it while adding the page)
    workflow = _workflow_of(section)  # a page's workflow is its own or its nearest ancestor's

    submission = CaseSubmission(submitted_by=actor)
    _fill_submission(submission, text, community)
    submission.save()

    page = ArticlePage(slug=_free_slug(section, f"case-{submission.pk}"), owner=actor, live=False,
                       has_unpublished_changes=True)
    _fill_page(page, text)
    page.tags.set([SUBMISSION_TAG])
    section.add_child(instance=page)
    page.save_revision(user=actor)  # (creating the page logged wagtail.create by its owner, the submitter)
    workflow.start(page, actor)  # logs wagtail.workflow.start by the submitter

    submission.page = page
    submission.save(update_fields=["page", "updated_at"])
    return submission


@transaction.atomic
def case_update(
    *, actor, submission: CaseSubmission, title: str, background: str, dispute: str, handling: str,
    outcome: str, lessons: str = "", kind: str = CaseKind.CASE, community=None,
) -> CaseSubmission:
    """Edit a submission that was sent back (退回修改) and resubmit it: the draft gets a new revision by the
    submitter and its workflow resumes at the task that asked for changes (as Wagtail's own 重新提交)."""
    submission, state = _lock_review(submission)
    _require_submitter(actor, submission)
    review = selectors.case_review(submission)
    if review.status != CaseStatus.CHANGES_REQUESTED or state is None:
        raise DomainError(ErrorCode.INVALID, "只有被退回修改的投稿可以修改后重新提交。", field="id")
    _check_community(actor, community)
    text = clean_case_text(title=title, background=background, dispute=dispute, handling=handling,
                           outcome=outcome, lessons=lessons, kind=kind)
    _check_pending(actor, exclude_pk=submission.pk)

    _fill_submission(submission, text, community)
    submission.save()

    page = ArticlePage.objects.get(pk=submission.page_id)
    _fill_page(page, text)
    page.has_unpublished_changes = True
    page.save()
    page.save_revision(user=actor, log_action=True)
    state.resume(user=actor)
    return submission


@transaction.atomic
def case_withdraw(*, actor, submission: CaseSubmission) -> CaseSubmission:
    """Withdraw a submission in review or sent back: its workflow is cancelled, the page stays an
    unpublished draft."""
    submission, state = _lock_review(submission)
    _require_submitter(actor, submission)
    review = selectors.case_review(submission)
    if review.status not in (CaseStatus.IN_REVIEW, CaseStatus.CHANGES_REQUESTED) or state is None:
        raise DomainError(ErrorCode.INVALID, "只有审核中或退回修改的投稿可以撤回。", field="id")
    state.cancel(user=actor)
    submission.withdrawn_at = timezone.now()
    submission.save(update_fields=["withdrawn_at", "updated_at"])
    return submission


# --- the outcome, told to the submitter -----------------------------------------------------------------


def _tell(submission: CaseSubmission, *, title: str, body: str, link: str) -> None:
    """An in-site message to the submitter; skipped when the submission names no community."""
    if submission.community_id is None:
        return
    notify_user(user=submission.submitted_by_id, title=title, body=body, link=link, community=submission.community,
                source=submission)


def status_path(submission: CaseSubmission) -> str:
    return reverse("cases:detail", args=[submission.pk])


@transaction.atomic
def case_page_published(*, page) -> CaseSubmission | None:
    """A page went live. When it is a submission's page, tell the submitter once (a later republish of an
    edited version sends nothing). Called by the `page_published` receiver."""
    submission = CaseSubmission.objects.select_for_update().filter(page_id=page.pk).first()
    if submission is None or submission.published_notified_at is not None:
        return submission
    submission.published_notified_at = timezone.now()
    submission.save(update_fields=["published_notified_at"])
    link = page.url or status_path(submission)
    _tell(submission, title=f"您的案例投稿已发布：{submission.title}"[:200],
          body=f"您投稿的《{submission.title}》已通过编辑审核，发布在知识社区“{CASE_SECTION_TITLE}”栏目。感谢分享！",
          link=link)
    return submission


@transaction.atomic
def case_changes_requested(*, workflow_state) -> CaseSubmission | None:
    """A moderator requested changes. When the object is a submission's page, send the submitter the
    comment. Called by the `workflow_rejected` receiver."""
    if workflow_state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    if not issubclass(workflow_state.base_content_type.model_class() or object, Page):
        return None
    submission = CaseSubmission.objects.filter(page_id=int(workflow_state.object_id)).first()
    if submission is None:
        return None
    task_state = workflow_state.current_task_state
    comment = (task_state.comment if task_state is not None else "") or "（审核人未填写意见）"
    _tell(submission, title=f"您的案例投稿需要修改：{submission.title}"[:200],
          body=f"您投稿的《{submission.title}》被退回修改。\n审核意见：{comment}\n请按意见修改后重新提交。",
          link=status_path(submission))
    return submission
